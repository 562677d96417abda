"""MLQA answer scoring: exact match and token F1 with MLQA's normalisation for each language.

Normalisation (as MLQA defines it): lowercase, drop punctuation (every Unicode P* character),
drop the language's articles, split on whitespace -- for Chinese, every CJK character is its own
token and runs of other characters stay together.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

ASCII_PUNCTUATION = frozenset(string.punctuation)
ARTICLES = {
    "en": r"\b(a|an|the)\b",
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    "ar": r"\sال^|ال",
    "hi": None,
    "zh": None,
}


def _is_punctuation(char: str) -> bool:
    return char in ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _mixed_segmentation(text: str) -> list[str]:
    tokens, run = [], ""
    for char in text:
        if _is_cjk(char):
            if run.strip():
                tokens.extend(run.split())
            run = ""
            tokens.append(char)
        else:
            run += char
    tokens.extend(run.split())
    return tokens


def tokens(text: str, lang: str) -> list[str]:
    """Normalised answer tokens of `text` in language `lang`."""
    text = "".join(ch for ch in text.lower() if not _is_punctuation(ch))
    pattern = ARTICLES.get(lang)
    if pattern:
        text = re.sub(pattern, " ", text)
    return _mixed_segmentation(text) if lang == "zh" else text.split()


def exact_match(prediction: str, truth: str, lang: str) -> float:
    """1.0 when the normalised strings agree."""
    return float(" ".join(tokens(prediction, lang)) == " ".join(tokens(truth, lang)))


def f1(prediction: str, truth: str, lang: str) -> float:
    """Token-overlap F1 of the normalised answers."""
    pred, gold = tokens(prediction, lang), tokens(truth, lang)
    common = Counter(pred) & Counter(gold)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def score(
    predictions: Mapping[str, str], answers: Mapping[str, Sequence[str]], lang: str
) -> dict[str, float]:
    """Mean EM and F1 (best over reference answers) over every question in `answers`."""
    em_total = f1_total = 0.0
    for qid, truths in answers.items():
        pred = predictions.get(qid, "")
        em_total += max((exact_match(pred, t, lang) for t in truths), default=0.0)
        f1_total += max((f1(pred, t, lang) for t in truths), default=0.0)
    n = max(1, len(answers))
    return {"em": em_total / n, "f1": f1_total / n}
