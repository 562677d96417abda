"""Decide when two claim mentions say the same thing, so they merge into one Claim."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

MATCH_THRESHOLD = 90.0
"""Minimum rapidfuzz ratio (0-100) on normalised text; tuned in tests/test_canon.py."""
TRUNCATION_MIN = 110
"""Review tables cut claims at about 120 characters; shorter unpunctuated text is complete."""

_END = re.compile(r"[.!?…][\"')\]]*$")
_LATEX = {r"\lambda": "λ", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\tau": "τ"}
_TOKEN = re.compile(r"[\w+@]+(?:[.\-][\w+@]+)*")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "cannot",
        "without",
        "neither",
        "nor",
        "fail",
        "fails",
        "failed",
        "worse",
        "lower",
        "less",
        "behind",
        "underperform",
        "underperforms",
        "underperformed",
        "lags",
        "falls",
    ]
)


def is_truncated(text: str) -> bool:
    """True when a table cell looks cut off: long and without closing punctuation."""
    stripped = text.rstrip()
    return len(stripped) >= TRUNCATION_MIN and not _END.search(stripped)


def normalise(text: str) -> str:
    """Lower-case, LaTeX and Unicode folded, punctuation dropped, single-spaced."""
    text = fold_latex(unicodedata.normalize("NFKC", text))
    return " ".join(_TOKEN.findall(text.lower()))


def fold_latex(text: str) -> str:
    """Inline LaTeX such as `$\\lambda$` as the Unicode it stands for."""
    for macro, char in _LATEX.items():
        text = text.replace(macro, char)
    return text.replace("$", "").replace("{", "").replace("}", "")


def _entities(text: str) -> list[str]:
    """Names such as mBERT+TLM, XNLI or MoIR: tokens with '+' or inner capitals."""
    out = []
    for tok in _TOKEN.findall(unicodedata.normalize("NFKC", text)):
        if "+" in tok or sum(c.isupper() for c in tok) >= 2 or any(c.isupper() for c in tok[1:]):
            out.append(tok.lower())
    return out


@dataclass(frozen=True)
class MentionText:
    """A mention's text prepared for comparison."""

    raw: str
    truncated: bool
    norm: str = field(init=False)
    names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        norm = normalise(self.raw)
        if self.truncated:
            norm = norm.rsplit(" ", 1)[0]  # the last word is probably cut
        object.__setattr__(self, "norm", norm)
        object.__setattr__(self, "names", frozenset(_entities(self.raw)))


def _region(a: MentionText, b: MentionText) -> tuple[str, str] | None:
    """The parts of a and b that should agree, or None when b cannot contain a."""
    if a.truncated and b.truncated:
        n = min(len(a.norm), len(b.norm))
        return a.norm[:n], b.norm[:n]
    if a.truncated:
        return (a.norm, b.norm[: len(a.norm)]) if len(b.norm) >= len(a.norm) - 3 else None
    if b.truncated:
        region = _region(b, a)
        return None if region is None else (region[1], region[0])
    return a.norm, b.norm


def _guards_agree(x: str, y: str, names: frozenset[str], cut: bool) -> bool:
    """Numbers, negations and named systems must be the same on both sides."""
    xs, ys = x.split(), y.split()
    if cut:  # the last token of a cut region may be partial: leave it out
        xs, ys = xs[:-1] or xs, ys[:-1] or ys
    x, y = " ".join(xs), " ".join(ys)
    if Counter(_NUMBER.findall(x)) != Counter(_NUMBER.findall(y)):
        return False
    if Counter(t for t in xs if t in _NEGATIONS) != Counter(t for t in ys if t in _NEGATIONS):
        return False
    return Counter(t for t in xs if t in names) == Counter(t for t in ys if t in names)


def similarity(a: MentionText, b: MentionText) -> float:
    """Score in [0, 100] that a and b state the same claim; 0 when a guard disagrees."""
    region = _region(a, b)
    if region is None:
        return 0.0
    x, y = region
    if not _guards_agree(x, y, a.names | b.names, a.truncated or b.truncated):
        return 0.0
    return fuzz.ratio(x, y)


def same_claim(a: MentionText, b: MentionText, threshold: float = MATCH_THRESHOLD) -> bool:
    """True when a and b are the same claim at `threshold`."""
    return similarity(a, b) >= threshold


class ClaimIndex:
    """The mentions of known claims, searchable for the claim a new mention belongs to."""

    def __init__(self, threshold: float = MATCH_THRESHOLD) -> None:
        self.threshold = threshold
        self._items: list[tuple[int, MentionText]] = []

    def add(self, claim_id: int, text: str, truncated: bool) -> None:
        """Register a mention of claim `claim_id`."""
        self._items.append((claim_id, MentionText(text, truncated)))

    def find(self, text: str, truncated: bool) -> int | None:
        """The claim id whose mentions best match `text`, or None below the threshold."""
        probe = MentionText(text, truncated)
        best_id, best = None, self.threshold
        for claim_id, item in self._items:
            score = similarity(probe, item)
            if score >= best:
                best_id, best = claim_id, score
        return best_id


def canonical_text(mentions: Iterable[tuple[str, bool]]) -> tuple[str, bool]:
    """The text that represents a claim: its commonest complete wording, else its longest."""
    mentions = list(mentions)
    complete = [t for t, trunc in mentions if not trunc]
    if complete:
        return Counter(complete).most_common(1)[0][0], False
    return max((t for t, _ in mentions), key=len), True
