"""Benchmark: grounding 100 claims against 50 synthetic papers of 300 passages each."""

from __future__ import annotations

import numpy as np
import pytest

from claimlab.claims.grounding import ClaimText, PassageText, ground

PAPERS = 50
PASSAGES_PER_PAPER = 300
CLAIMS = 100


def _vocabulary(rng: np.random.Generator, size: int = 20_000) -> list[str]:
    """Pronounceable pseudo-words, so tokenisation and fuzzy matching behave as on text."""
    onsets = list("bcdfghjklmnprstvwz") + ["ch", "sh", "th", "st", "tr", "pl"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
    words: set[str] = set()
    while len(words) < size:
        picks = rng.integers(0, [len(onsets), len(vowels)] * 3)
        syllables = int(rng.integers(1, 4))
        words.add(
            "".join(onsets[picks[2 * s]] + vowels[picks[2 * s + 1]] for s in range(syllables))
        )
    return sorted(words)


class _Writer:
    """Sentences of Zipf-distributed words with an occasional number."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.vocab = _vocabulary(rng)
        weights = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.05
        self.cumulative = np.cumsum(weights / weights.sum())

    def sentence(self) -> str:
        rng = self.rng
        picks = np.searchsorted(self.cumulative, rng.random(int(rng.integers(12, 24))))
        words = [self.vocab[min(i, len(self.vocab) - 1)] for i in picks]
        if rng.random() < 0.3:
            words.insert(int(rng.integers(len(words))), f"{rng.integers(1, 99)}.{rng.integers(10)}")
        return " ".join(words).capitalize() + "."


def corpus(seed: int = 7) -> tuple[list[ClaimText], list[PassageText]]:
    """50 x 300 passages, and 100 claims: paraphrased, truncated and unrelated ones."""
    rng = np.random.default_rng(seed)
    writer = _Writer(rng)
    passages = []
    for paper in range(PAPERS):
        for n in range(PASSAGES_PER_PAPER):
            text = " ".join(writer.sentence() for _ in range(int(rng.integers(3, 7))))
            passages.append(PassageText(len(passages), paper, 1 + n // 12, text))
    claims = []
    for k in range(CLAIMS):
        source = passages[int(rng.integers(len(passages)))]
        sentence = source.text.split(". ")[0]
        papers = frozenset({source.paper_id, int(rng.integers(PAPERS)), int(rng.integers(PAPERS))})
        if k % 3 == 0:  # paraphrase: drop a few words, swap two
            words = sentence.split()
            keep = [w for w in words if rng.random() > 0.2]
            if len(keep) > 3:
                keep[1], keep[2] = keep[2], keep[1]
            claims.append(ClaimText(k, " ".join(keep), paper_ids=papers))
        elif k % 3 == 1:  # cut off at 120 characters, mid-word
            claims.append(ClaimText(k, source.text[:120], truncated=True, paper_ids=papers))
        else:  # unrelated
            claims.append(ClaimText(k, writer.sentence(), paper_ids=papers))
    return claims, passages


@pytest.fixture(scope="module")
def data() -> tuple[list[ClaimText], list[PassageText]]:
    return corpus()


def test_ground_100_claims_against_50_papers(benchmark, data):
    claims, passages = data
    results = benchmark.pedantic(ground, args=(claims, passages), rounds=3, iterations=1)
    found = sum(r.found for r in results)
    completed = sum(r.completed_text is not None for r in results)
    benchmark.extra_info.update(
        claims=len(claims), passages=len(passages), found=found, completed=completed
    )
    assert len(results) == CLAIMS
    assert benchmark.stats.stats.max < 5.0, "grounding must stay under 5 s"


def test_ground_without_paper_restriction(benchmark, data):
    claims, passages = data
    open_claims = [ClaimText(c.id, c.text, c.truncated) for c in claims]
    results = benchmark.pedantic(ground, args=(open_claims, passages), rounds=3, iterations=1)
    benchmark.extra_info.update(found=sum(r.found for r in results))
    assert benchmark.stats.stats.max < 5.0
