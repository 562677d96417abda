"""Decide when two claim mentions say the same thing, so they merge into one Claim."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
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
_STOPWORDS = frozenset(
    "a an and are as at be been both but by for from has have in into is it its of on or "
    "than that the their these this those to was were which while with".split()
)
_PROBE_CHARS = 90
"""Every pair compared agrees on at least this much of each text's start (cut claims are
110+ characters), so a probe's blocking words come from there."""
_MISSING_KEYS = 4
"""Word pairs of a probe a rewording may break at least (two changed words)."""
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


def similarity(a: MentionText, b: MentionText, cutoff: float = 0.0) -> float:
    """Score in [0, 100] that a and b state the same claim; 0 when a guard disagrees
    or the score is below `cutoff` (which skips the guards, the slow part)."""
    region = _region(a, b)
    if region is None:
        return 0.0
    x, y = region
    score = fuzz.ratio(x, y, score_cutoff=cutoff)
    if not score or not _guards_agree(x, y, a.names | b.names, a.truncated or b.truncated):
        return 0.0
    return score


def same_claim(a: MentionText, b: MentionText, threshold: float = MATCH_THRESHOLD) -> bool:
    """True when a and b are the same claim at `threshold`."""
    return similarity(a, b) >= threshold


@functools.lru_cache(maxsize=65_536)
def prepared(text: str, truncated: bool) -> MentionText:
    """MentionText of a mention, cached: every ingest re-reads all stored mentions."""
    return MentionText(text, truncated)


def _keys(norm: str) -> set[str]:
    """Blocking keys: pairs of consecutive content words (the word itself when alone)."""
    words = [w for w in norm.split() if w not in _STOPWORDS]
    if len(words) < 2:
        return set(words)
    return {f"{x} {y}" for x, y in zip(words, words[1:], strict=False)}


class ClaimIndex:
    """The mentions of known claims, searchable for the claim a new mention belongs to.

    Blocking keeps a search sub-quadratic: mentions are filed under the pairs of
    consecutive content words they hold, and a probe is compared only with mentions
    that can hold all but a few of its pairs (a rewording that keeps a ratio of 90
    changes a few words, so breaks a few pairs; see `_rarest`). Where a cut-off text is
    involved only the start of the longer one is compared, so a complete probe looks for
    cut-off mentions with the pairs of its start alone.
    """

    def __init__(self, threshold: float = MATCH_THRESHOLD) -> None:
        self.threshold = threshold
        self._items: list[tuple[int, MentionText]] = []
        self._postings: defaultdict[str, list[int]] = defaultdict(list)
        self._cut_postings: defaultdict[str, list[int]] = defaultdict(list)
        """The same, for cut-off mentions only."""
        self._keyless: list[int] = []
        """Mentions with no content word: candidates for every probe."""

    def add(self, claim_id: int, text: str, truncated: bool) -> None:
        """Register a mention of claim `claim_id`."""
        item = prepared(text, truncated)
        at = len(self._items)
        self._items.append((claim_id, item))
        keys = _keys(item.norm)
        for key in keys:
            self._postings[key].append(at)
            if truncated:
                self._cut_postings[key].append(at)
        if not keys:
            self._keyless.append(at)

    def find(self, text: str, truncated: bool) -> int | None:
        """The claim id whose mentions best match `text`, or None below the threshold."""
        probe = prepared(text, truncated)
        best_id, best = None, self.threshold
        for at in self._candidates(probe):
            claim_id, item = self._items[at]
            score = similarity(probe, item, cutoff=best)
            if score >= best:  # ties go to the later mention
                best_id, best = claim_id, score
        return best_id

    def _candidates(self, probe: MentionText) -> Iterable[int]:
        """Positions of the mentions worth comparing with probe, in insertion order."""
        keys = _keys(probe.norm)
        if not keys:
            return range(len(self._items))
        found = set(self._keyless)
        found.update(_rarest(keys, self._postings))
        if not probe.truncated and len(probe.norm) > _PROBE_CHARS:
            head = probe.norm[:_PROBE_CHARS].rsplit(" ", 1)[0]  # no word cut in half
            found.update(_rarest(_keys(head), self._cut_postings))
        return sorted(found)


def _rarest(keys: set[str], postings: dict[str, list[int]]) -> set[int]:
    """Mentions that can hold all but a few of keys: prefix filtering on the rarest.

    A match may lack up to max(4, a third) of the probe's word pairs (about two changed
    words). Pairs filed nowhere are already lacking; of the rest, a match must hold at
    least one of the (remaining allowance + 1) rarest.
    """
    known = sorted((k for k in keys if k in postings), key=lambda k: len(postings[k]))
    allowance = max(_MISSING_KEYS, len(keys) // 3) - (len(keys) - len(known))
    return (
        {at for key in known[: allowance + 1] for at in postings[key]} if allowance >= 0 else set()
    )


def canonical_text(mentions: Iterable[tuple[str, bool]]) -> tuple[str, bool]:
    """The text that represents a claim: its commonest complete wording, else its longest."""
    mentions = list(mentions)
    complete = [t for t, trunc in mentions if not trunc]
    if complete:
        return Counter(complete).most_common(1)[0][0], False
    return max((t for t, _ in mentions), key=len), True
