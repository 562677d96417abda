"""Decide when two claim mentions say the same thing, so they merge into one Claim."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from claimlab.claims import meaning as M
from claimlab.claims.meaning import fold_latex, normalise

__all__ = [
    "MATCH_THRESHOLD",
    "ClaimIndex",
    "MentionText",
    "canonical_text",
    "fold_latex",
    "is_truncated",
    "normalise",
    "same_claim",
    "similarity",
]

MATCH_THRESHOLD = 90.0
"""Minimum rapidfuzz ratio (0-100) on normalised text; tuned in tests/test_canon.py."""
TRUNCATION_MIN = 110
"""Review tables cut claims at about 120 characters; shorter unpunctuated text is complete."""

_END = re.compile(r"[.!?…][\"')\]]*$")
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
        object.__setattr__(self, "names", frozenset(M.entities(self.raw)))


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
    """Numbers, negations and languages must be the same on both sides, named systems
    the same in the same order."""
    xs, ys = x.split(), y.split()
    if cut:  # the last token of a cut region may be partial: leave it out
        xs, ys = xs[:-1] or xs, ys[:-1] or ys
    x, y = " ".join(xs), " ".join(ys)
    if Counter(_NUMBER.findall(x)) != Counter(_NUMBER.findall(y)):
        return False
    if Counter(t for t in xs if t in _NEGATIONS) != Counter(t for t in ys if t in _NEGATIONS):
        return False
    if [t for t in xs if t in names] != [t for t in ys if t in names]:
        return False
    return Counter(M.languages(xs)) == Counter(M.languages(ys))


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
def meant(text: str) -> M.Content:
    """Content words of a complete mention, cached like `prepared`."""
    return M.content(text)


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

    A probe joins the claim of the mention its text matches best (ratio at least the
    threshold, guards agreeing); failing that, a complete probe joins a complete mention
    that means the same (claims.meaning: the content rule, or, given `parse`, the same
    predicates). Given `parse`, no two mentions whose parses disagree are merged (unless
    one is the other word for word or cut off).

    Blocking keeps a search sub-quadratic: mentions are filed under the pairs of
    consecutive content words they hold, and a probe is compared only with mentions
    that can hold all but a few of its pairs (a rewording that keeps a ratio of 90
    changes a few words, so breaks a few pairs; see `_rarest`). Where a cut-off text is
    involved only the start of the longer one is compared, so a complete probe looks for
    cut-off mentions with the pairs of its start alone. For meaning, complete mentions
    are filed under (their numbers, each content word): a match shares the numbers and
    most of the probe's words, so holds one of its rarest (see `_meaning_candidates`).
    """

    def __init__(self, threshold: float = MATCH_THRESHOLD, parse: M.Parse | None = None) -> None:
        self.threshold = threshold
        self.parse = parse
        self._readings: dict[tuple[str, bool], M.Reading] = {}
        self._items: list[tuple[int, MentionText]] = []
        self._postings: defaultdict[str, list[int]] = defaultdict(list)
        self._cut_postings: defaultdict[str, list[int]] = defaultdict(list)
        """The same, for cut-off mentions only."""
        self._keyless: list[int] = []
        """Mentions with no content word: candidates for every probe."""
        self._words: defaultdict[tuple[tuple[float, ...], str], list[int]] = defaultdict(list)
        """Complete mentions by (their numbers, each content word)."""

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
        if not truncated:
            found = meant(text)
            for word in found.vocab:
                self._words[(found.numbers, word)].append(at)

    def find(self, text: str, truncated: bool, every: bool = False) -> int | None:
        """The claim id whose mentions best match `text`, or None.

        `every` compares with every mention instead of the blocked candidates (the
        reference that blocking must reproduce)."""
        probe = prepared(text, truncated)
        everything = range(len(self._items))
        found = self._by_text(probe, everything if every else self._candidates(probe))
        if found is None and not truncated:
            positions = everything if every else self._meaning_candidates(meant(text))
            found = self._by_meaning(probe, positions)
        return found

    def _by_text(self, probe: MentionText, positions: Iterable[int]) -> int | None:
        """The claim of the best text match among positions, or None below the threshold."""
        best_id, best = None, self.threshold
        for at in positions:
            claim_id, item = self._items[at]
            score = similarity(probe, item, cutoff=best)
            # ties go to the later mention
            if score >= best and (score == 100.0 or not self._disagree(probe, item)):
                best_id, best = claim_id, score
        return best_id

    def _by_meaning(self, probe: MentionText, positions: Iterable[int]) -> int | None:
        """The claim of the complete mention that means what probe does, or None."""
        mine = meant(probe.raw)
        need = math.ceil(2 * len(mine.topic) / 3)
        best_id, best = None, -1.0
        for at in positions:
            claim_id, item = self._items[at]
            if item.truncated:
                continue
            other = meant(item.raw)
            if other.numbers != mine.numbers:
                continue
            by_content = M.same_content(mine, other)
            by_parse = (
                self.parse is not None
                and len(mine.topic & other.vocab) >= need > 0
                and mine.negators == other.negators
                and mine.languages == other.languages
            )
            if not (by_content or by_parse):
                continue
            if self.parse is not None:
                agree = M.agreement(self._read(probe), self._read(item))
                if not (agree == M.SAME or (agree == M.UNPARSED and by_content)):
                    continue
            score = fuzz.ratio(probe.norm, item.norm)
            if score >= best:
                best_id, best = claim_id, score
        return best_id

    def _read(self, item: MentionText) -> M.Reading:
        key = (item.raw, item.truncated)
        if key not in self._readings:
            assert self.parse is not None
            self._readings[key] = self.parse(item.raw, item.truncated)
        return self._readings[key]

    def _disagree(self, a: MentionText, b: MentionText) -> bool:
        """True when both parse, to different predicates (parsing only when needed)."""
        if self.parse is None:
            return False
        if not (a.truncated or b.truncated) and meant(a.raw).words == meant(b.raw).words:
            return False  # same content words in the same order: the parser reads them alike
        return M.agreement(self._read(a), self._read(b)) == M.DIFFERENT

    def _meaning_candidates(self, probe: M.Content) -> list[int]:
        """Complete mentions with probe's numbers holding one of its rarest content words.

        The content rule lets the probe hold up to 40% more words than a match (or none);
        the parse rule lets a third of the probe's topic words be missing from a match.
        """
        found: set[int] = set()
        for words, allowance in (
            (probe.vocab, math.floor(M.EXTRA_SHARE * len(probe.words))),
            (probe.topic, len(probe.topic) - math.ceil(2 * len(probe.topic) / 3)),
        ):
            postings = sorted((self._words.get((probe.numbers, w), []) for w in words), key=len)
            found.update(at for posting in postings[: allowance + 1] for at in posting)
        return sorted(found)

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
