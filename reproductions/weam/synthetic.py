"""A tiny synthetic en/de/fr data folder (minibench layout) for the smoke profile and tests.

Each language has made-up words for the same concepts. Sentences are concept sequences drawn
from topics; the de/fr sides translate word by word with local reordering and an occasional
extra function word, so an aligner has real work; classification texts are labelled by topic and
parallel across languages (their de/fr training splits play translate-train).

Parallel pairs carry a domain, as minibench's do: `help` pairs are long sentences over the
classification topics (like help prose), `messages` pairs short ones over a vocabulary of their
own (like software messages); dev and test pairs are messages. The lexicons cover every concept.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path

from reproductions.common.files import write_json_atomic, write_jsonl, write_text_atomic

SYLLABLES = {
    "en": ["ba", "co", "di", "fu", "ga", "ho", "ji", "ku", "lo", "ma", "ne", "pi", "ro", "su"],
    "de": ["sch", "ei", "au", "ber", "kle", "mun", "stra", "tz", "wal", "zu", "ock", "ruh", "ge"],
    "fr": ["eau", "oir", "que", "ment", "lle", "gne", "ron", "vie", "ette", "ois", "pre", "tou"],
}
FUNCTION_WORDS = {"de": ["der", "und", "mit"], "fr": ["le", "et", "avec"]}
TOPICS = ["alpha", "beta", "gamma", "delta"]
MESSAGES = "messages"
"""The pseudo-topic of the messages domain: its own concepts, in no classification text."""


@dataclass(frozen=True)
class SyntheticSpec:
    """Sizes of the generated set (all of it is a function of these and the seed)."""

    seed: int = 0
    n_concepts: int = 160
    train_pairs: int = 600
    dev_pairs: int = 40
    test_pairs: int = 100
    cls_train: int = 160
    cls_dev: int = 40
    cls_test: int = 80
    languages: tuple[str, ...] = ("de", "fr")
    help_share: float = 0.5
    """Share of training pairs in the help domain (the rest are messages)."""


def _vocab(lang: str, n: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < n:
        word = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 3)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def generate(spec: SyntheticSpec, out_dir: str | Path) -> Path:
    """Write parallel/, cls/, lexicon/ and manifest.json under `out_dir`."""
    out = Path(out_dir)
    rng = random.Random(spec.seed)
    langs = ["en", *spec.languages]
    vocab = {lang: _vocab(lang, spec.n_concepts, rng) for lang in langs}
    groups = [*TOPICS, MESSAGES]
    per_topic = spec.n_concepts // (len(groups) + 1)
    topic_words = {t: list(range(i * per_topic, (i + 1) * per_topic)) for i, t in enumerate(groups)}
    general = list(range(len(groups) * per_topic, spec.n_concepts))

    def sentence(topic: str, lo: int, hi: int) -> list[int]:
        n = rng.randint(lo, hi)
        return [
            rng.choice(topic_words[topic]) if rng.random() < 0.6 else rng.choice(general)
            for _ in range(n)
        ]

    def render(concepts: list[int], lang: str) -> str:
        words = [vocab[lang][c] for c in concepts]
        if lang != "en":
            for i in range(len(words) - 1):
                if rng.random() < 0.25:
                    words[i], words[i + 1] = words[i + 1], words[i]
            if rng.random() < 0.5:
                words.insert(rng.randrange(len(words) + 1), rng.choice(FUNCTION_WORDS[lang]))
        return " ".join(words) + "."

    counts: dict[str, int] = {}
    for lang in spec.languages:
        for split, n in (
            ("train", spec.train_pairs),
            ("dev", spec.dev_pairs),
            ("test", spec.test_pairs),
        ):
            rows = []
            for _ in range(n):
                if split == "train" and rng.random() < spec.help_share:
                    domain, concepts = "help", sentence(rng.choice(TOPICS), 6, 12)
                else:
                    domain, concepts = "messages", sentence(MESSAGES, 4, 8)
                rows.append(
                    {"en": render(concepts, "en"), lang: render(concepts, lang), "domain": domain}
                )
            if split == "train":
                counts[f"parallel/{lang}.train/help"] = sum(r["domain"] == "help" for r in rows)
            counts[f"parallel/{lang}.{split}"] = write_jsonl(
                out / "parallel" / f"{lang}.{split}.jsonl", rows
            )
    for split, n in (("train", spec.cls_train), ("dev", spec.cls_dev), ("test", spec.cls_test)):
        items = []
        for _ in range(n):
            topic = rng.choice(TOPICS)
            items.append((topic, sentence(topic, 8, 14)))
        for lang in langs:
            rows = [{"text": render(c, lang), "label": t} for t, c in items]
            counts[f"cls/{lang}.{split}"] = write_jsonl(out / "cls" / f"{lang}.{split}.jsonl", rows)
    for lang in spec.languages:
        lines = "".join(f"{vocab['en'][c]} {vocab[lang][c]}\n" for c in range(spec.n_concepts))
        write_text_atomic(out / "lexicon" / f"en-{lang}.txt", lines)
    manifest = {"generator": "reproductions.weam.synthetic", "spec": asdict(spec), "rows": counts}
    write_json_atomic(out / "manifest.json", manifest)
    return out
