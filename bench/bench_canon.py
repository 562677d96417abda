"""Benchmark: merging claim mentions (500, 2,000 and 10,000 rows) and ingesting them.

`pytest bench/bench_canon.py --benchmark-only` times the pure merge and the full ingest
into SQLite; `python bench/bench_canon.py` prints rows -> seconds, and checks at 2,000
rows that the blocked index merges exactly as the exhaustive comparison does.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import pytest

from claimlab.claims.canon import ClaimIndex, is_truncated, meant, prepared

SIZES = (500, 2_000, 10_000)
SYSTEMS = ["mBERT", "XLM-R", "mBERT+TLM", "mBERT+WEAM", "mT5", "LaBSE", "BM25", "ColBERT"]
TASKS = ["XNLI", "MLQA", "PAWS-X", "Tatoeba", "mMARCO", "MIRACL", "TyDi QA", "BUCC"]
VERBS = ["outperforms", "improves on", "is close to", "does not beat", "matches", "lags behind"]
SETTINGS = ["zero-shot", "translate-train", "translate-test", "few-shot", "monolingual"]
FILLER = (
    "alignment pretraining corpus tokens layers vocabulary lexicon switching retrieval "
    "ranking encoder decoder attention objective masking batch epochs warmup languages "
    "pairs bitext parallel dictionary induction transfer distillation adapters prompts "
    "swahili german french hindi arabic chinese russian turkish thai urdu"
).split()


def _syllable_words(rng: random.Random, size: int = 4_000) -> list[str]:
    """Pronounceable pseudo-words, so every claim carries a few rare words as real ones do."""
    onsets, vowels = list("bdfgklmnprstvz") + ["ch", "sh", "tr"], list("aeiou") + ["ai", "ou"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(3)))
    return sorted(words)


def claim_rows(n: int, seed: int = 0) -> list[tuple[str, bool]]:
    """n review rows: 70% new claims, 30% rewordings or cut-off copies of earlier ones."""
    rng = random.Random(seed)
    rare = _syllable_words(rng)
    bases: list[str] = []
    rows: list[tuple[str, bool]] = []
    for _ in range(n):
        if bases and rng.random() < 0.3:
            text = _reword(rng.choice(bases), rng)
        else:
            words = rng.sample(FILLER, 3) + rng.sample(rare, 2)
            text = (
                f"{rng.choice(SYSTEMS)} {rng.choice(VERBS)} {rng.choice(SYSTEMS)} on "
                f"{rng.choice(TASKS)} in the {rng.choice(SETTINGS)} setting with "
                f"{' '.join(words)} by {rng.randint(1, 40)} points"
            )
            if rng.random() < 0.4:
                text += f" across {rng.randint(2, 100)} languages of the {rng.choice(rare)} set"
            text += "."
            bases.append(text)
        rows.append((text, is_truncated(text)))
    return rows


def _reword(text: str, rng: random.Random) -> str:
    """A small rewording, or the table's cut at 120 characters."""
    choice = rng.random()
    if choice < 0.3 and len(text) > 125:
        return text[:120]
    if choice < 0.6:
        return text.replace(" in the ", " in the whole ", 1)
    if choice < 0.8:
        return text.replace(" with ", " when trained with ", 1)
    return text.rstrip(".") + " overall."


def merge(rows: list[tuple[str, bool]], index: ClaimIndex | None = None) -> list[int]:
    """Claim id of each row, merged as ingestion does (find, else a new claim; then add)."""
    prepared.cache_clear()
    meant.cache_clear()
    index = index or ClaimIndex()
    ids: list[int] = []
    claims = 0
    for text, truncated in rows:
        claim_id = index.find(text, truncated)
        if claim_id is None:
            claims += 1
            claim_id = claims
        index.add(claim_id, text, truncated)
        ids.append(claim_id)
    return ids


class ExhaustiveIndex(ClaimIndex):
    """Every probe against every mention, by text and by meaning (the reference)."""

    def find(self, text: str, truncated: bool, every: bool = True) -> int | None:
        return super().find(text, truncated, every=True)


def review_file(rows: list[tuple[str, bool]], folder: Path) -> Path:
    """A review with these rows in its claims table."""
    lines = ["A Synthetic Review", "", f"{len(rows)} claims extracted; 0 verified.", ""]
    lines += ["Claim\tVerified\tConfidence"]
    lines += [f"{text}\t✓\t0.5" for text, _ in rows]
    path = folder / f"review_{len(rows)}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(rows: list[tuple[str, bool]], folder: Path) -> int:
    """Ingest one review of these rows into a new SQLite database; returns its claims."""
    from claimlab.config import Settings
    from claimlab.services.reports import ingest_reports
    from claimlab.store import migrate

    url = f"sqlite:///{folder / 'claimlab.db'}"
    migrate.upgrade(url)
    settings = Settings(home=folder / "home", database_url=url)
    (result,) = ingest_reports(settings, [review_file(rows, folder)])
    assert result.status == "added", result.error
    return result.new_claims


@pytest.mark.parametrize("n", SIZES)
def test_merge(benchmark, n: int):
    rows = claim_rows(n)
    ids = benchmark.pedantic(merge, args=(rows,), rounds=1, iterations=1)
    assert n * 0.6 < len(set(ids)) < n


@pytest.mark.parametrize("n", SIZES)
def test_ingest(benchmark, n: int, tmp_path: Path):
    rows = claim_rows(n)
    claims = benchmark.pedantic(ingest, args=(rows, tmp_path), rounds=1, iterations=1)
    assert n * 0.6 < claims < n


def main() -> None:
    """Print rows -> seconds for merging and ingesting, and check the blocked merge."""
    print("rows  merge_s  ingest_s  claims")
    for n in SIZES:
        rows = claim_rows(n)
        start = time.perf_counter()
        ids = merge(rows)
        merged = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            ingest(rows, Path(tmp))
            ingested = time.perf_counter() - start
        print(f"{n:5d}  {merged:7.2f}  {ingested:8.2f}  {len(set(ids))}", flush=True)
    if "--check" in sys.argv:
        rows = claim_rows(2_000)
        start = time.perf_counter()
        same = merge(rows) == merge(rows, ExhaustiveIndex())
        print(
            f"2000 rows, exhaustive merge gives the same claims: {same} "
            f"({time.perf_counter() - start:.1f} s for both)"
        )


if __name__ == "__main__":
    main()
