"""A small synthetic en/de/fr retrieval set with lexicons, for the smoke profile and tests.

Each language has its own made-up words for the same concepts; documents are bags of concepts,
a query names a few of its document's key concepts, and the de/fr sides are word-by-word
translations, so lexicon switching and translate-test behave as on real data, only easier.
"""

from __future__ import annotations

import random
from pathlib import Path

from reproductions.codeswitch.data import IRData, write_ir_dir

SYLLABLES = {
    "en": ["ba", "co", "di", "fu", "ga", "ho", "ji", "ku", "lo", "ma", "ne", "pi"],
    "de": ["sch", "ei", "au", "ber", "kle", "mun", "stra", "tz", "wal", "zu", "ock", "ruh"],
    "fr": ["eau", "oir", "que", "ment", "lle", "gne", "ron", "vie", "ette", "ois", "pre", "tou"],
}


def _words(lang: str, n: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        word = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 3)))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def make_synthetic(
    seed: int = 0,
    n_concepts: int = 150,
    n_train_queries: int = 48,
    n_test_queries: int = 16,
    depth: int = 8,
    negatives: int = 4,
    doc_words: int = 12,
    lexicon_coverage: float = 0.9,
) -> tuple[IRData, dict[str, list[str]]]:
    """The synthetic data set and the lines of its `en-de` / `en-fr` lexicon files."""
    rng = random.Random(seed)
    vocab = {lang: _words(lang, n_concepts, rng) for lang in SYLLABLES}

    def doc(key: list[int]) -> list[int]:
        filler = rng.sample(range(n_concepts), doc_words - len(key))
        words = key + filler
        rng.shuffle(words)
        return words

    def render(concepts: list[int], lang: str) -> str:
        return " ".join(vocab[lang][c] for c in concepts) + "."

    def split(prefix: str, n_queries: int, n_docs: int) -> tuple[dict, dict, list]:
        docs = {f"{prefix}d{i}": doc(rng.sample(range(n_concepts), 3)) for i in range(n_docs)}
        ids = list(docs)
        queries, pairs = {}, []
        for i in range(n_queries):
            pos = ids[i]
            queries[f"{prefix}q{i}"] = rng.sample(docs[pos], 3)
            pairs.append((f"{prefix}q{i}", pos))
        return queries, docs, pairs

    tq, td, tpairs = split("tr", n_train_queries, n_train_queries * 2)
    eq, ed, epairs = split("te", n_test_queries, n_test_queries * 3)
    train_ids, test_ids = list(td), list(ed)
    triples = [
        (q, [pos], rng.sample([d for d in train_ids if d != pos], negatives)) for q, pos in tpairs
    ]
    candidates = {}
    for q, pos in epairs:
        cands = [pos, *rng.sample([d for d in test_ids if d != pos], depth - 1)]
        rng.shuffle(cands)
        candidates[q] = cands
    langs = list(SYLLABLES)
    data = IRData(
        name="synthetic smoke set (made-up en/de/fr words)",
        train_queries={lang: {q: render(c, lang) for q, c in tq.items()} for lang in langs},
        train_docs={lang: {d: render(c, lang) for d, c in td.items()} for lang in langs},
        triples=triples,
        test_queries={lang: {q: render(c, lang) for q, c in eq.items()} for lang in langs},
        test_docs={lang: {d: render(c, lang) for d, c in ed.items()} for lang in langs},
        qrels={q: {pos: 1} for q, pos in epairs},
        candidates={"en": candidates},
    )
    lexicons = {}
    for lang in ("de", "fr"):
        covered = [c for c in range(n_concepts) if rng.random() < lexicon_coverage]
        lines = [f"{vocab['en'][c]} {vocab[lang][c]}" for c in covered]
        lines[5:5] = ["this line has three fields", "lonely"]  # malformed, counted on load
        lexicons[lang] = lines
    return data, lexicons


def write_synthetic(data_dir: str | Path, seed: int = 0) -> Path:
    """Write the synthetic set in the data-folder layout (see codeswitch.data)."""
    data_dir = Path(data_dir)
    data, lexicons = make_synthetic(seed)
    write_ir_dir(data, data_dir)
    for lang, lines in lexicons.items():
        path = data_dir / "lexicon" / f"en-{lang}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_dir
