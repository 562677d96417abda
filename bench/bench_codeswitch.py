"""Throughput of the code-switcher (words/s), BL-CS and ML-CS.

.venv/bin/python bench/bench_codeswitch.py          # prints words/s
.venv/bin/pytest bench/bench_codeswitch.py --benchmark-only
"""

from __future__ import annotations

import random
import time

from reproductions.common.lexicon import parse_lexicon
from reproductions.common.switcher import CodeSwitcher

VOCAB = [f"word{i}" for i in range(5_000)]


def _setup(n_docs: int = 2_000, words: int = 60) -> tuple[CodeSwitcher, list[str]]:
    rng = random.Random(0)
    # 80% coverage, like a real lexicon that misses some words.
    lexicons = {
        lang: parse_lexicon([f"{w} {lang}{w}" for w in VOCAB if rng.random() < 0.8], "en", lang)
        for lang in ("de", "fr", "it", "nl", "ru")
    }
    docs = [
        " ".join(rng.choice(VOCAB) for _ in range(words)).capitalize() + "." for _ in range(n_docs)
    ]
    return CodeSwitcher(lexicons, 0.5), docs


def _switch_all(switcher: CodeSwitcher, docs: list[str], target: str | list[str]) -> int:
    rng = random.Random(1)
    for doc in docs:
        switcher.switch(doc, target, rng)
    return sum(len(d.split()) for d in docs)


def test_bench_bl_cs(benchmark) -> None:
    switcher, docs = _setup()
    benchmark(_switch_all, switcher, docs, "de")


def test_bench_ml_cs(benchmark) -> None:
    switcher, docs = _setup()
    benchmark(_switch_all, switcher, docs, ["de", "fr", "it", "nl", "ru"])


def main() -> None:
    """Print words per second of BL-CS and ML-CS at p = 0.5."""
    switcher, docs = _setup(n_docs=20_000)
    for name, target in (("bl-cs", "de"), ("ml-cs", ["de", "fr", "it", "nl", "ru"])):
        start = time.perf_counter()
        words = _switch_all(switcher, docs, target)
        seconds = time.perf_counter() - start
        print(f"{name}: {words / seconds:,.0f} words/s ({words:,} words in {seconds:.2f} s)")


if __name__ == "__main__":
    main()
