"""Ground claims in paper passages: BM25 shortlist, rapidfuzz scoring, truncation repair."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

DEFAULT_THRESHOLD = 0.65
"""Lowest score that counts as support; below it a claim is "not found in source"."""

_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?](?=[\"')\]]*(?:\s|$))")
_STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have
    he her his how i if in into is it its itself may might more most much must no nor not
    of on or our ours out over own same she should so some such than that the their them
    then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your also both each other only
    just about above after again against all any because before below between during few
    further here once""".split()
)


@dataclass(frozen=True)
class ClaimText:
    """A claim to ground."""

    id: int
    text: str
    truncated: bool = False
    """True when the review cut the text off (about 120 characters, mid-word)."""
    paper_ids: frozenset[int] | None = None
    """Papers its reports reference; None searches every passage given."""


@dataclass(frozen=True)
class PassageText:
    """A candidate passage of a paper."""

    id: int
    paper_id: int
    page: int
    text: str


@dataclass(frozen=True)
class Match:
    """A passage supporting a claim."""

    claim_id: int
    passage_id: int
    score: float
    """In [0, 1]: mean of fuzzy containment (rapidfuzz partial_ratio of the claim in the
    passage) and coverage (idf-weighted share of the claim's content words in it)."""
    method: str
    """"exact" when the passage contains the claim's text, else "fuzzy"."""


@dataclass(frozen=True)
class Grounding:
    """The outcome for one claim."""

    claim_id: int
    matches: list[Match] = field(default_factory=list)
    """Best first; empty when nothing reached the threshold ("not found in source")."""
    completed_text: str | None = None
    """For a truncated claim: the full sentence from the best passage, when it holds it."""

    @property
    def found(self) -> bool:
        """True if some passage supports the claim."""
        return bool(self.matches)


def ground(
    claims: Sequence[ClaimText],
    passages: Sequence[PassageText],
    *,
    top_k: int = 3,
    threshold: float = DEFAULT_THRESHOLD,
    shortlist: int = 30,
) -> list[Grounding]:
    """Find each claim's best supporting passages (at most top_k, score >= threshold).

    BM25 over content words picks `shortlist` candidates per claim (within its papers);
    rapidfuzz scores them; ties go to the higher BM25 score.
    """
    if not claims:
        return []
    if not passages:
        return [Grounding(c.id) for c in claims]
    lexicon = _Lexicon()
    words = [_words(p.text) for p in passages]
    index = _Bm25([lexicon.terms(w) for w in words], len(lexicon.names))
    queries = [
        lexicon.terms(_words(_whole_words(c.text) if c.truncated else c.text)) for c in claims
    ]
    bm25 = index.scores(queries)  # passages x claims
    paper_of = np.fromiter((p.paper_id for p in passages), dtype=np.int64, count=len(passages))
    prepared: dict[int, _Haystack] = {}
    results = []
    for j, claim in enumerate(claims):
        column = bm25[:, j]
        if claim.paper_ids is not None:
            allowed = np.isin(paper_of, np.fromiter(claim.paper_ids, dtype=np.int64))
            column = np.where(allowed, column, -1.0)
        needle = _Needle(claim.text, queries[j], index, lexicon)
        candidates: list[tuple[float, float, int, str]] = []
        for i in _top(column, shortlist).tolist():
            if i not in prepared:
                prepared[i] = _Haystack(words[i], lexicon)
            score, method = needle.score(prepared[i])
            if score >= threshold:
                candidates.append((score, float(column[i]), i, method))
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        best = candidates[:top_k]
        matches = [Match(claim.id, passages[i].id, s, m) for s, _, i, m in best]
        completed = None
        for _, _, i, _ in best if claim.truncated else []:
            completed = complete_truncated(claim.text, passages[i].text)
            if completed:
                break
        results.append(Grounding(claim.id, matches, completed))
    return results


def complete_truncated(
    claim_text: str, passage_text: str, *, min_score: float = 90.0
) -> str | None:
    """The passage sentence that the cut-off claim begins, up to its end; None if absent.

    Matching ignores case, spaces and hyphens, so "pre- training" in a PDF still matches
    "pre-training" in the review.
    """
    claim_key, _ = _alnum_map(claim_text)
    text_key, positions = _alnum_map(passage_text)
    if len(claim_key) < 12 or len(text_key) < len(claim_key):
        return None
    hit = fuzz.partial_ratio_alignment(claim_key, text_key, score_cutoff=min_score)
    if hit is None or hit.src_end - hit.src_start < 0.9 * len(claim_key):
        return None
    start = positions[hit.dest_start]
    end = positions[hit.dest_end - 1] + 1
    while start > 0 and not passage_text[start - 1].isspace():
        start -= 1  # back to the start of the word the claim starts in
    # A window that begins with the tail of the previous sentence starts after it.
    lead = _SENTENCE_END.search(passage_text, start, start + (end - start) // 5)
    if lead is not None and not _SENTENCE_END.search(claim_text, 0, len(claim_text) // 5):
        start = lead.end()
        while start < end and passage_text[start].isspace():
            start += 1
    stop = _SENTENCE_END.search(passage_text, end)
    if stop is None:
        return None  # the passage itself ends before the sentence does
    completed = " ".join(passage_text[start : stop.end()].split())
    return completed if len(completed) > len(claim_text.rstrip()) else None


class _Lexicon:
    """Words to term ids for one grounding call: stop words dropped, plurals folded,
    hyphenated compounds kept as parts and joined ("pre-training": pre, training,
    pretraining). Each distinct word is analysed once."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []
        self._words: dict[str, tuple[int, ...]] = {}

    def terms(self, words: list[str]) -> list[int]:
        """Term ids of a word sequence."""
        known = self._words
        for word in set(words).difference(known):
            known[word] = tuple(self._id(t) for t in _analyse(word))
        return list(chain.from_iterable(map(known.__getitem__, words)))

    def _id(self, term: str) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.names)
            self.names.append(term)
        return i


class _Haystack:
    """A passage prepared for fuzzy scoring."""

    __slots__ = ("plain", "terms", "names")

    def __init__(self, words: list[str], lexicon: _Lexicon) -> None:
        self.plain = " ".join(words)
        self.terms = set(lexicon.terms(words))
        self.names = [lexicon.names[t] for t in self.terms]


class _Needle:
    """A claim prepared for fuzzy scoring against passages."""

    def __init__(self, text: str, terms: list[int], index: _Bm25, lexicon: _Lexicon) -> None:
        self.plain = " ".join(_words(text))
        self.weights = {t: index.idf_of(t) for t in dict.fromkeys(terms)}
        self.names = {t: lexicon.names[t] for t in self.weights}
        self.total = sum(self.weights.values()) or 1.0

    def score(self, passage: _Haystack) -> tuple[float, str]:
        """(score in [0, 1], method) of this claim against one passage."""
        if len(passage.plain) >= len(self.plain):
            contain = fuzz.partial_ratio(self.plain, passage.plain) / 100.0
        else:  # a passage shorter than the claim cannot contain it
            contain = fuzz.ratio(self.plain, passage.plain) / 100.0
        covered = 0.0
        for term, weight in self.weights.items():
            if term in passage.terms:
                covered += weight
            elif len(name := self.names[term]) >= 5 and process.extractOne(
                name, passage.names, scorer=fuzz.ratio, score_cutoff=85
            ):
                covered += 0.8 * weight  # an inflected or differently hyphenated form
        score = round((contain + covered / self.total) / 2, 4)
        return score, "exact" if contain >= 0.97 else "fuzzy"


def _whole_words(text: str) -> str:
    """A cut-off text without its last, possibly partial, word."""
    head, _, _ = text.rstrip().rpartition(" ")
    return head or text


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, best first."""
    k = min(k, int((scores > 0).sum()))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _words(text: str) -> list[str]:
    """Lower-case words and numbers, after NFKC (which also splits ligatures)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def _analyse(word: str) -> list[str]:
    """Index terms of one word."""
    if "-" in word:
        parts = [_stem(p) for p in word.split("-") if p not in _STOPWORDS]
        return [*parts, word.replace("-", "")]
    return [] if word in _STOPWORDS else [_stem(word)]


def _stem(token: str) -> str:
    """Crude plural folding so "results" meets "result"."""
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _alnum_map(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of text, with each one's index in text."""
    keep = [(i, c) for i, c in enumerate(text) if c.isalnum()]
    return "".join(c for _, c in keep).lower(), [i for i, _ in keep]


class _Bm25:
    """Okapi BM25 over tokenised documents (term ids), as one sparse matrix."""

    def __init__(self, docs: list[list[int]], n_terms: int, k1: float = 1.5, b: float = 0.75):
        n = len(docs)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n)
        ids = np.fromiter(chain.from_iterable(docs), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(n), lengths)
        self.n_terms = max(n_terms, 1)
        tf = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), (rows, ids)), shape=(n, self.n_terms)
        )
        tf.sum_duplicates()
        df = np.bincount(tf.indices, minlength=self.n_terms)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()), 1.0))
        entry_rows = np.repeat(np.arange(n), np.diff(tf.indptr))
        tf.data = self.idf[tf.indices] * tf.data * (k1 + 1) / (tf.data + norm[entry_rows])
        self.weights = tf
        self.max_idf = float(np.log1p((n + 0.5) / 0.5))

    def idf_of(self, term: int) -> float:
        """Inverse document frequency; a term that came up after indexing is the rarest."""
        return float(self.idf[term]) if term < self.n_terms else self.max_idf

    def scores(self, queries: list[list[int]]) -> np.ndarray:
        """BM25 score of every document for every query: array (documents, queries)."""
        rows, cols = [], []
        for j, query in enumerate(queries):
            for term in set(query):
                if term < self.n_terms:
                    rows.append(term)
                    cols.append(j)
        q = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(self.n_terms, len(queries)),
        )
        return (self.weights @ q).toarray()
