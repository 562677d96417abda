"""Claim sentences of a paper's passages: split text into sentences, tell claims from
descriptions, read claims with the same parser as review claims, and results tables as
value claims.

A sentence is a claim when it compares (a comparison cue of the parser, or a comparative
with "than"), states a result number (a number beside a metric, "%" or "points"), a
hyperparameter value, or a property of the data (sizes and counts of corpora, input
lengths). Everything else is a description or other (too short, a citation, a reference).
Whether a claim can be measured is the parser's business: a claim sentence it cannot read
is kept with status needs-spec and the parser's reason, never dropped and never guessed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from claimlab.claims import cues as C
from claimlab.claims.meaning import normalise
from claimlab.claims.numbers import find_numbers, tidy
from claimlab.claims.table_values import TableValue

CLAIM_KINDS = ("comparison", "value", "hyperparameter", "data")
"""Kinds of claim sentence; a sentence of none of these is a description or other."""
CLAIM_PASSAGES = ("text", "caption")
"""Passage kinds read sentence by sentence; tables are read cell by cell, and headings,
running heads, feet and page numbers hold no claims."""
SKIPPED_SECTIONS = re.compile(
    r"^\W*(?:\d+\W*)?(?:references|bibliography|acknowledge?ments?)\b", re.I
)

_ABBREVIATIONS = frozenset(
    "e.g i.e al etc fig figs tab eq eqs sec secs cf vs approx resp no nos vol pp ch app "
    "resp. dr mr ms prof st".split()
)
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+(?:[\"'(\[]?[A-Z0-9$\\]|[a-z]+[A-Z]))")
"""A sentence end: the next sentence starts with a capital, a digit, or a name like mBERT."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

_METRIC = (
    r"(?:accuracy|acc\.?|f1|f-?score|em|exact[ -]match|mrr(?:@\d+)?|map|ndcg(?:@\d+)?|"
    r"p@\d+|precision(?:@\d+)?|recall(?:@\d+)?|bleu|rouge(?:-\w+)?|chrf|perplexity|"
    r"error rate|wer|auc|points?|pp|percentage points?)"
)
_VALUE = re.compile(
    rf"(?<![\w.])\d+(?:\.\d+)?\s*(?:%|percent\b)|"
    rf"(?<![\w.])\d+(?:\.\d+)?\s+(?:\w+\s+)?{_METRIC}\b|"
    rf"\b{_METRIC}\s+(?:score\s+)?(?:of|is|was|=|:|reaches|reached)\s+\d",
    re.I,
)
"""A result number: "71.2%", "71.2 accuracy", "an F1 of 65.3"."""
_RESULT_VERB = re.compile(
    r"\b(?:achiev|reach|obtain|scor|yield|attain|report|get|got|gets|perform|result|"
    r"record|deliver|gives?|gave|is|are|was|were)\w*",
    re.I,
)
_PARAMETER = re.compile(
    r"\b(?:learning[ -]rates?|batch[ -]sizes?|dropout(?: rate)?|warm-?up(?: steps)?|"
    r"(?:training |update |fine-tuning )?steps|epochs?|weight decay|"
    r"mask(?:ing)?(?: probability| ratio| rate)?|(?:max(?:imum)? )?(?:sequence|input) length|"
    r"hidden (?:size|dimension)s?|layers|attention heads|beam size|temperature|"
    r"switch(?:ing)? probability|negatives|λ|lambda|α|alpha|β|beta|γ|gamma|τ|tau|"
    r"coefficient|margin|threshold|seed|vocabulary size|optimi[sz]er)\b",
    re.I,
)
_SET = re.compile(
    r"\b(?:set|fixed|kept|chosen|tuned|initiali[sz]ed)\s+(?:\w+\s+){0,2}(?:to|at|as)\s+[-−]?\d|"
    r"(?:[=≈]|\bof)\s*[-−]?\d",
    re.I,
)
_DATA = re.compile(
    r"(?<![\w.])\d[\d,.]*\s*(?:[KMB]|k|thousand|million|billion)?\s+(?:\w+[ -]){0,2}"
    r"(?:sentences?|sentence pairs|pairs|examples|instances|samples|tokens|words|documents|"
    r"queries|passages|articles|languages|training examples|utterances|hours|images)\b",
    re.I,
)
_THAN = re.compile(
    r"\b(?:better|worse|higher|lower|greater|smaller|larger|stronger|weaker|faster|slower|"
    r"more|less|fewer)\b(?:\s+[\w@+.\-]+){0,4}?\s+than\b"
    r"(?!\s*(?:[\d$~≈]|(?:one|two|three|four|five|ten|a few|a dozen|half)\b))|"
    r"\bstate[ -]of[ -]the[ -]art\b|"
    r"\b(?:best|highest|lowest|strongest)\b(?:\s+[\w@+.\-]+){0,3}?\s+(?:results?|scores?|"
    r"performance|accuracy)\b",
    re.I,
)
_PURPOSE = re.compile(
    r"\b(?:in order )?to (?:further )?(?:improve|increase|boost|help|raise|benefit|reduce|"
    r"decrease|enhance|lower)\b|"
    r"\b(?:improving|increasing|boosting)\s+(?:the\s+)?(?!over|on|upon)\w+\s+(?:is|remains)\s+"
    r"(?:an?|the)\b",
    re.I,
)
"""An effect verb as a purpose ("to improve alignment, we ..."): not a claim."""
_MORE_COMPARING = re.compile(
    r"\b(?:compared (?:to|with)|in comparison (?:to|with)|relative to)\b|"
    r"\bmuch (?:\w+er|more \w+|less \w+)\b|"
    r"\b(?:reduces|reduced|decreases|decreased|lowers|enhances|enhanced|worsens|weakens)\b|"
    r"(?<=[\w)])\s*[≫≪]\s*(?=[\w(])|(?<=[\w)])\s+[<>≤≥]\s+(?=[\w(])|"
    r"\d\s*(?:%|[^\W\d]{1,4})\s+(?:below|above|ahead of|behind|lower|higher)\b",
    re.I,
)
"""Comparisons the parser's cues leave out: "compared to", "much larger", "reduces the Q
factor", "g > γ", "12 µeV below"."""
_MATCHED = re.compile(
    r"\s+(?:\w+\s+){0,3}?(?:(?:the\s+)?(?:performance|accuracy|scores?|results?)|"
    r"that of|those of)\b",
    re.I,
)
"""What "matches" must be followed by to compare: "matches the accuracy of", "that of"."""
_LEADING_DESCRIPTION = re.compile(r"^\s*(?:similar to|like|following|as in|unlike)\b", re.I)
_CITATION = re.compile(r"\(\s*[A-Z][\w-]+(?: et al\.)?(?:,| and [A-Z][\w-]+,)?\s*\d{4}[a-z]?\s*\)")
_REFERENCE = re.compile(
    r"(?:^\s*\[\d+\])|\b(?:In Proceedings|arXiv preprint|pp\.\s*\d)|\b(?:19|20)\d{2}\.\s*$"
)
_FLOAT_REF = re.compile(r"\b(?:Table|Tab\.|Figure|Fig\.|Section|Sec\.|Eq\.|Equation)\s*~?\d+", re.I)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage's text, at text[start:end]."""

    index: int
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` with their character offsets (abbreviations, decimals and
    initials do not end a sentence)."""
    out, start = [], 0
    for m in _END.finditer(text):
        before = text[start : m.start()].rsplit(None, 1)
        word = before[-1].lower().rstrip(".") if before else ""
        if m.group().startswith(".") and (
            word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or word.endswith("et al")
        ):
            continue
        _add(out, text, start, m.end())
        start = m.end()
    _add(out, text, start, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(len(out), start, end, text[start:end]))


def sentence_kind(text: str) -> str:
    """comparison, value, hyperparameter or data for a claim sentence; description for
    another sentence that says something; other for fragments, citations and references."""
    words = _WORD.findall(text)
    if len(words) < 4 or _REFERENCE.search(text):
        return "other"
    plain = _FLOAT_REF.sub(" ", _CITATION.sub(" ", text))
    if _LEADING_DESCRIPTION.match(plain):
        return "description"
    if _comparing(plain):
        return "comparison"
    if C.LENGTH.search(plain) and re.search(r"\bthan\b", plain, re.I):
        return "data"
    if _PARAMETER.search(plain) and (_SET.search(plain) or _number_by_parameter(plain)):
        return "hyperparameter"
    if _DATA.search(plain):
        return "data"
    if _VALUE.search(plain) and _RESULT_VERB.search(plain):
        return "value"
    return "description"


def _comparing(text: str) -> bool:
    """A comparison cue of the parser (not an effect verb used as a purpose), or a
    comparative with "than"."""
    masked = _PURPOSE.sub(lambda m: " " * len(m.group()), text)
    if _THAN.search(text) or _MORE_COMPARING.search(masked):
        return True
    for rule in C.CUES:
        for m in re.finditer(rf"\b(?:{rule.pattern})\b", masked, re.I):
            if rule.effect and not rule.fixed and _as_noun_phrase(masked, m):
                continue
            if m.group().lower() in ("matches", "matched") and not _MATCHED.match(masked, m.end()):
                continue  # "matches queries and documents": pairing, not a comparison
            return True
    return False


def _as_noun_phrase(text: str, m: re.Match[str]) -> bool:
    """ "an improvement", "further gains are left": an effect noun saying nothing compared."""
    word = m.group().lower()
    if not re.search(r"(?:improvements?|gains?|benefits?|increases?)$", word):
        return False
    after = text[m.end() : m.end() + 40].lower()
    return not re.match(r"\s*(?:of|over|on|upon|in|by|to|for|from|compared|relative)\b", after)


def _number_by_parameter(text: str) -> bool:
    """A number within three words of a hyperparameter name ("200,000 steps", "dropout 0.1")."""
    for m in _PARAMETER.finditer(text):
        window = text[max(0, m.start() - 30) : m.end() + 30]
        if find_numbers(window):
            return True
    return False


class Reading(Protocol):
    """The parser's reading of a claim (claims.parser.ParsedSpec)."""

    kind: str
    predicates: list[dict[str, Any]]
    status: str
    reason: str


Parse = Callable[[str, bool], Reading]
"""The claim parser: SpecParser(capabilities).parse."""


@dataclass(frozen=True)
class ClaimSentence:
    """A claim sentence of a passage and the parser's reading of it."""

    sentence: Sentence
    kind: str
    """The sentence's kind (comparison, value, hyperparameter, data)."""
    reading: Reading

    @property
    def anchor(self) -> str:
        """Where in a paper it was read: a hash of its normalised text."""
        return "s:" + hashlib.sha1(normalise(self.sentence.text).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class PassageClaims:
    """What a passage's sentences are."""

    sentences: int
    """Sentences read."""
    claims: list[ClaimSentence]
    descriptions: list[Sentence]


def read_passage(kind: str, section: str | None, text: str, parse: Parse) -> PassageClaims:
    """The claim sentences of a text or caption passage, each read by the parser; other
    passages hold none."""
    if kind not in CLAIM_PASSAGES or (section and SKIPPED_SECTIONS.match(section)):
        return PassageClaims(0, [], [])
    found = sentences(text)
    claims, descriptions = [], []
    for s in found:
        kind_ = sentence_kind(s.text)
        if kind_ in CLAIM_KINDS:
            claims.append(ClaimSentence(s, kind_, parse(s.text, False)))
        elif kind_ == "description":
            descriptions.append(s)
    return PassageClaims(len(found), claims, descriptions)


@dataclass(frozen=True)
class TableClaim:
    """A table's number as a value claim: its wording, predicate and anchor."""

    text: str
    predicate: dict[str, Any]
    anchor: str


def table_claim(
    cell: TableValue, caps: dict[str, dict[str, Any]], table_key: str
) -> TableClaim | str:
    """A value claim for a table number whose system, metric and task one recipe names,
    else the reason it is not one (never a guess at what the number is)."""
    missing = [f for f in ("system", "metric") if not getattr(cell, f)]
    if missing:
        return f"cell ({cell.row}, {cell.col}) {cell.text!r}: no {' or '.join(missing)}"
    recipes = [
        r
        for r, table in caps.items()
        if cell.system in table["systems"]
        and cell.metric in table["metrics"]
        and (cell.task is None or cell.task in table["tasks"])
        and (cell.setting is None or cell.setting in table["settings"])
    ]
    if len(recipes) != 1:
        return f"cell ({cell.row}, {cell.col}) {cell.text!r}: names no single recipe's system"
    recipe = recipes[0]
    table = caps[recipe]
    details = table["metrics"][cell.metric].get("details", {})
    task = cell.task or details.get("task") or _only(table["tasks"], exclude=("stats", "bitext"))
    if task is None:
        return f"cell ({cell.row}, {cell.col}) {cell.text!r}: no task"
    scale = details.get("paper_scale", 100 if cell.unit == "%" else 1)
    predicate: dict[str, Any] = {
        "kind": "value",
        "recipe": recipe,
        "lhs": cell.system,
        "op": "=",
        "metric": cell.metric,
        "task": task,
        "setting": cell.setting,
        "value": tidy(cell.value / scale),
    }
    language = None if (cell.language or "").lower() in AVERAGE else cell.language
    if language:
        predicate["pair"] = language
    where = ", ".join(x for x in (cell.setting, language_name(language)) if x)
    text = f"{cell.system} reaches {cell.text.strip('* ')} {cell.metric} on {task} ({where})."
    predicate["source"] = text
    predicate["cell"] = [cell.row, cell.col]
    return TableClaim(text, predicate, f"t:{table_key}:{cell.row}:{cell.col}")


AVERAGE = ("", "avg", "avg.", "average", "mean", "all")
"""Column labels of an average over languages."""
LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "hi": "Hindi",
    "id": "Indonesian",
    "vi": "Vietnamese",
    "sw": "Swahili",
    "tr": "Turkish",
    "el": "Greek",
    "bg": "Bulgarian",
    "th": "Thai",
    "ur": "Urdu",
    "ko": "Korean",
}
"""Language codes of table headers spelled out, so a table claim for one language never
merges with one for another, or with an average (claims.meaning guards language names)."""


def language_name(code: str | None) -> str:
    """A language or pair code as words: "en-de" is "English-German"; None is "average"."""
    if not code:
        return "average"
    return "-".join(LANGUAGE_NAMES.get(part.lower(), part) for part in code.split("-"))


def _only(names: Sequence[str], exclude: Sequence[str]) -> str | None:
    left = [n for n in names if n not in exclude]
    return left[0] if len(left) == 1 else None
