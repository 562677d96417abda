"""Paper data: mMARCO (unicamp-dl/mmarco) and MS MARCO's own files, as the authors read them.

Sources (checked against the authors' scripts/download.sh and src/train_data/baseline_zeroshot.py):
- queries and passages per language: mMARCO's `google` translation release on the hub;
- relevance: `qrels.dev.small.tsv`; evaluated queries: `{language}_queries.dev.small.tsv`;
- first stage (`first_stage`): MS MARCO's official `top1000.dev` (the paper), or mMARCO's BM25 run
  `run.bm25_{language}-msmarco.txt` of the English collection (`mmarco-bm25`);
- training pairs (`training`): the shuffled `qidpidtriples.train.full` (sentence-transformers'
  `msmarco-qidpidtriples.rnd-shuf.train.tsv.gz`) read in order, every (ratio+1)-th line giving its
  positive and the others their negative, up to 20M pairs (the authors' 1:4), or the first
  `ratio` negatives per query-positive of mMARCO's `triples.train.ids.small.tsv` (`triples-small`).

Nothing is copied into memory whole. Raw files are downloaded into `DIR/raw/` (resumable) and
read line by line; texts stay in the raw TSVs behind an offset index (`tsvstore.py`); training
pairs are an int32 array `ir/pairs.train.npy`. Every output is written atomically and skipped
when present, so an interrupted build resumes. `DISK_GB` states the disk a paper build needs.
"""

from __future__ import annotations

import os
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from reproductions.codeswitch import downloads
from reproductions.codeswitch.data import read_qrels
from reproductions.codeswitch.tsvstore import TsvStore
from reproductions.common.files import write_json_atomic, write_text_atomic

REPO = "unicamp-dl/mmarco"
LANGUAGE_NAMES = {
    "en": "english", "de": "german", "it": "italian", "nl": "dutch", "ru": "russian",
    "ar": "arabic", "fr": "french", "es": "spanish", "pt": "portuguese", "id": "indonesian",
    "zh": "chinese", "ja": "japanese", "hi": "hindi", "vi": "vietnamese",
}  # fmt: skip
HUB_FILES = {
    "collection": "data/google/collections/{language}_collection.tsv",
    "queries_train": "data/google/queries/train/{language}_queries.train.tsv",
    "queries_dev": "data/google/queries/dev/{language}_queries.dev.small.tsv",
    "qrels_dev": "data/qrels.dev.small.tsv",
}
"""Files read from the dataset repo for every run ({language} is the mMARCO language name)."""
FIRST_STAGES = {
    "top1000.dev": "https://msmarco.blob.core.windows.net/msmarcoranking/top1000.dev.tar.gz",
    "mmarco-bm25": "hf:data/google/runs/run.bm25_english-msmarco.txt",
}
"""Candidates re-ranked for every setting (ids are parallel across languages)."""
TRAININGS = {
    "shuffled-qidpidtriples": "https://sbert.net/datasets/msmarco-qidpidtriples.rnd-shuf.train.tsv.gz",
    "triples-small": "hf:data/triples.train.ids.small.tsv",
}
"""Training id triples (qid, positive pid, negative pid)."""
PAPER_MAX_TRAIN_PAIRS = 20_000_000
"""The authors' cap on pointwise training pairs (baseline_zeroshot.py: max_train_samples = 2e7)."""
DISK_GB = {
    "collections (per language, raw TSV)": 3.5,
    "offset index (per language)": 0.15,
    "train queries (per language)": 0.1,
    "top1000.dev.tar.gz (not unpacked)": 0.7,
    "shuffled triples .tsv.gz": 2.6,
    "pairs.train.npy (20M pairs)": 0.25,
}
"""Approximate disk use of a paper data build: 6 languages come to about 26 GB."""

Fetch = Callable[[str, Path], Path]


def _source(ref: str, revision: str) -> str:
    return f"hf://datasets/{REPO}@{revision}/{ref[3:]}" if ref.startswith("hf:") else ref


def file_urls(
    languages: Iterable[str],
    revision: str,
    first_stage: str = "top1000.dev",
    training: str = "shuffled-qidpidtriples",
) -> dict[str, str]:
    """Every file a paper run reads, by role (printed by plan; nothing is fetched)."""
    urls = {}
    for key, pattern in HUB_FILES.items():
        for lang in languages if "{language}" in pattern else ["-"]:
            path = pattern.format(language=LANGUAGE_NAMES.get(lang, lang))
            urls[f"{key}:{lang}" if lang != "-" else key] = (
                f"hf://datasets/{REPO}@{revision}/{path}"
            )
    urls["first_stage"] = _source(FIRST_STAGES[first_stage], revision)
    urls["training"] = _source(TRAININGS[training], revision)
    return urls


def group_triples(
    rows: Iterable[tuple[str, str, str]], negatives: int, max_queries: int | None
) -> list[tuple[str, list[str], list[str]]]:
    """(qid, pos, neg) id rows -> (qid, [pos], [up to `negatives` negs]) per query-positive."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for qid, pos, neg in rows:
        key = (str(qid), str(pos))
        if key not in grouped and max_queries and len(grouped) >= max_queries:
            continue
        if len(grouped[key]) < negatives:
            grouped[key].append(str(neg))
    return [(q, [p], negs) for (q, p), negs in grouped.items()]


def shuffled_pairs(
    rows: Iterable[tuple[str, str, str]], ratio: int, max_pairs: int | None
) -> Iterator[tuple[int, int, int]]:
    """The authors' pointwise pairs from shuffled (qid, pos, neg) rows: line n gives its positive
    when n % (ratio + 1) == 0, else its negative; stops after `max_pairs` pairs."""
    for n, (qid, pos, neg) in enumerate(rows):
        if max_pairs is not None and n >= max_pairs:
            return
        if n % (ratio + 1) == 0:
            yield int(qid), int(pos), 1
        else:
            yield int(qid), int(neg), 0


def ranked_lists(rows: Iterable[tuple[str, str, int]], depth: int) -> dict[str, list[str]]:
    """(qid, pid, rank) rows of a BM25 run -> qid -> top-`depth` pids in rank order."""
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for qid, pid, rank in rows:
        ranked[str(qid)].append((int(rank), str(pid)))
    return {q: [p for _, p in sorted(v)[:depth]] for q, v in ranked.items()}


def qrels_from_rows(rows: Iterable[tuple[str, str, str, int]]) -> dict[str, dict[str, int]]:
    """MS MARCO qrels rows (qid, 0, pid, rel) -> qid -> pid -> rel."""
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for qid, _, pid, rel in rows:
        qrels[str(qid)][str(pid)] = int(rel)
    return dict(qrels)


def _fields(lines: Iterable[str], n: int, path: Path) -> Iterator[list[str]]:
    """Tab- or space-separated lines with at least `n` fields; a shorter line is an error."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\r\n").split("\t") if "\t" in line else line.split()
        if len(parts) < n:
            raise ValueError(f"{path}:{number}: expected {n} fields, got {line[:80]!r}")
        yield parts


def first_stage_rows(path: Path, first_stage: str) -> Iterator[tuple[str, str, int]]:
    """(qid, pid, rank) of a first-stage file; top1000.dev is unranked, so rank = file order."""
    if first_stage == "top1000.dev":
        seen: dict[str, int] = defaultdict(int)
        for qid, pid, *_ in _fields(downloads.open_lines(path, "top1000.dev"), 2, path):
            seen[qid] += 1
            yield qid, pid, seen[qid]
    else:
        for qid, pid, rank, *_ in _fields(downloads.open_lines(path), 3, path):
            yield qid, pid, int(rank)


def _run_text(run: dict[str, list[str]]) -> str:
    return "".join(
        f"{q} Q0 {d} {rank} {-rank} first\n"
        for q, docs in run.items()
        for rank, d in enumerate(docs, start=1)
    )


def _training_pairs(
    path: Path, training: str, ratio: int, max_pairs: int | None, max_queries: int | None
) -> np.ndarray:
    rows = ((q, p, n) for q, p, n, *_ in _fields(downloads.open_lines(path), 3, path))
    if training == "triples-small":
        flat = (
            (int(q), int(d), label)
            for q, pos, negs in group_triples(rows, ratio, max_queries)
            for d, label in [(pos[0], 1), *((n, 0) for n in negs)]
        )
        out = array("i", (x for row in flat for x in row))
    else:
        out, queries = array("i"), set()
        for qid, pid, label in shuffled_pairs(rows, ratio, max_pairs):
            if max_queries and qid not in queries:
                if len(queries) >= max_queries:
                    continue
                queries.add(qid)
            out.extend((qid, pid, label))
    return np.frombuffer(out, dtype=np.int32).reshape(-1, 3).copy()


def _once(path: Path, make: Callable[[], str]) -> None:
    if not path.is_file():
        write_text_atomic(path, make())


def build_mmarco_dir(
    out_dir: str | Path,
    languages: list[str],
    revision: str,
    negatives: int,
    depth: int,
    max_train_queries: int | None,
    max_eval_queries: int | None,
    *,
    first_stage: str = "top1000.dev",
    training: str = "shuffled-qidpidtriples",
    max_train_pairs: int | None = PAPER_MAX_TRAIN_PAIRS,
    fetch: Fetch | None = None,
) -> Path:
    """Fetch the paper's files into `out_dir/raw` and write the `ir/` layout (resumable)."""
    fetch = fetch or downloads.fetch  # looked up now, so tests can stand in for the network
    out, urls = Path(out_dir), file_urls(languages, revision, first_stage, training)
    raw, ir = out / "raw", out / "ir"
    ir.mkdir(parents=True, exist_ok=True)
    local = {key: fetch(url, raw) for key, url in urls.items()}

    test_qrels = ir / "qrels.test.txt"
    if not test_qrels.is_file():
        rows = _fields(downloads.open_lines(local["qrels_dev"]), 4, local["qrels_dev"])
        qrels = qrels_from_rows((q, z, p, int(r)) for q, z, p, r, *_ in rows)
        kept = sorted((q for q in qrels if any(r > 0 for r in qrels[q].values())), key=int)
        kept = kept[:max_eval_queries] if max_eval_queries else kept
        text = "".join(f"{q} 0 {d} {r}\n" for q in kept for d, r in qrels[q].items())
        write_text_atomic(test_qrels, text)
    qids = list(read_qrels(test_qrels))
    wanted = set(qids)

    def candidates() -> str:
        rows = first_stage_rows(local["first_stage"], first_stage)
        return _run_text(ranked_lists((r for r in rows if r[0] in wanted), depth))

    _once(ir / "bm25.en.test.run", candidates)
    pairs_file = ir / "pairs.train.npy"
    if not pairs_file.is_file():
        pairs = _training_pairs(
            local["training"], training, negatives, max_train_pairs, max_train_queries
        )
        tmp = ir / "pairs.train.tmp.npy"
        np.save(tmp, pairs)
        os.replace(tmp, pairs_file)

    stores: dict[str, dict[str, dict[str, str]]] = {"queries": {}, "docs": {}}
    for lang in languages:
        stores["queries"][lang] = {
            "train": str(local[f"queries_train:{lang}"].relative_to(out)),
            "test": str(local[f"queries_dev:{lang}"].relative_to(out)),
        }
        collection = str(local[f"collection:{lang}"].relative_to(out))
        stores["docs"][lang] = {"train": collection, "test": collection}
    for kind in stores.values():
        for splits in kind.values():
            for rel in set(splits.values()):
                TsvStore(out / rel)  # builds the offset index now, not in the first training step
    write_json_atomic(ir / "stores.json", stores)
    manifest: dict[str, Any] = {
        "first_stage": first_stage,
        "training": training,
        "sources": urls,
        "eval_queries": len(qids),
        "train_pairs": int(np.load(pairs_file, mmap_mode="r").shape[0]),
        "disk_bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
    }
    write_json_atomic(out / "manifest.json", manifest)
    return out
