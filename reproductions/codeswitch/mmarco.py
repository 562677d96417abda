"""Paper data: mMARCO (unicamp-dl/mmarco) through `datasets`, converted to the local data layout.

Only this module touches the network, and only inside `build_mmarco_dir`; `datasets` is imported
there (it is in the `paper` extra). The file paths below are those of the dataset repository's
`google` translation release; `plan` prints them so they can be checked before a paper run.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reproductions.codeswitch.data import IRData, write_ir_dir

REPO = "unicamp-dl/mmarco"
LANGUAGE_NAMES = {
    "en": "english", "de": "german", "it": "italian", "nl": "dutch", "ru": "russian",
    "ar": "arabic", "fr": "french", "es": "spanish", "pt": "portuguese", "id": "indonesian",
    "zh": "chinese", "ja": "japanese", "hi": "hindi", "vi": "vietnamese",
}  # fmt: skip
FILES = {
    "collection": "data/google/collections/{language}_collection.tsv",
    "queries_train": "data/google/queries/train/{language}_queries.train.tsv",
    "queries_dev": "data/google/queries/dev/{language}_queries.dev.tsv",
    "run_dev": "data/google/runs/run.bm25_{language}.txt",
    "triples_train": "data/triples.train.ids.small.tsv",
    "qrels_dev": "data/qrels.dev.small.tsv",
}
"""Files read from the dataset repo ({language} is the mMARCO language name)."""


def file_urls(languages: Iterable[str], revision: str) -> dict[str, str]:
    """`hf://` URL of every file a paper run reads (printed by plan; nothing is fetched)."""
    urls = {}
    for key, pattern in FILES.items():
        langs = languages if "{language}" in pattern else ["-"]
        for lang in langs:
            path = pattern.format(language=LANGUAGE_NAMES.get(lang, lang))
            urls[f"{key}:{lang}" if lang != "-" else key] = (
                f"hf://datasets/{REPO}@{revision}/{path}"
            )
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


def _load_tsv(url: str, columns: list[str]) -> Any:
    import datasets  # paper extra; imported only when a paper run actually loads data

    return datasets.load_dataset(
        "csv",
        data_files={"data": url},
        delimiter="\t",
        column_names=columns,
        quoting=csv.QUOTE_NONE,
        split="data",
    )


def build_mmarco_dir(
    out_dir: str | Path,
    languages: list[str],
    revision: str,
    negatives: int,
    depth: int,
    max_train_queries: int | None,
    max_eval_queries: int | None,
) -> Path:
    """Download the mMARCO files via `datasets` and write them in the local data layout."""
    urls = file_urls(languages, revision)
    triples = group_triples(
        (
            (r["qid"], r["pos"], r["neg"])
            for r in _load_tsv(urls["triples_train"], ["qid", "pos", "neg"])
        ),
        negatives,
        max_train_queries,
    )
    qrels = qrels_from_rows(
        (r["qid"], r["it"], r["pid"], r["rel"])
        for r in _load_tsv(urls["qrels_dev"], ["qid", "it", "pid", "rel"])
    )
    qids = sorted(qrels)[:max_eval_queries] if max_eval_queries else sorted(qrels)
    qrels = {q: qrels[q] for q in qids}
    run = _load_tsv(urls["run_dev:en"], ["qid", "pid", "rank"])
    candidates = ranked_lists(
        ((r["qid"], r["pid"], r["rank"]) for r in run if str(r["qid"]) in qrels), depth
    )
    train_q = {q for q, _, _ in triples}
    train_d = {d for _, pos, neg in triples for d in (*pos, *neg)}
    test_d = {d for docs in candidates.values() for d in docs}
    data = IRData(
        name="mMARCO (paper): MS MARCO train triples, dev small BM25 top-1000",
        train_queries={}, train_docs={}, triples=triples, test_queries={}, test_docs={},
        qrels=qrels, candidates={"en": candidates},
    )  # fmt: skip
    for lang in languages:
        queries: dict[str, str] = {}
        for key, wanted in (("queries_train", train_q), ("queries_dev", set(qids))):
            for r in _load_tsv(urls[f"{key}:{lang}"], ["id", "text"]):
                if str(r["id"]) in wanted:
                    queries[str(r["id"])] = r["text"]
        docs = {
            str(r["id"]): r["text"]
            for r in _load_tsv(urls[f"collection:{lang}"], ["id", "text"])
            if str(r["id"]) in train_d or str(r["id"]) in test_d
        }
        data.train_queries[lang] = {q: queries[q] for q in train_q if q in queries}
        data.test_queries[lang] = {q: queries[q] for q in qids if q in queries}
        data.train_docs[lang] = {d: docs[d] for d in train_d if d in docs}
        data.test_docs[lang] = {d: docs[d] for d in test_d if d in docs}
    write_ir_dir(data, out_dir)
    return Path(out_dir)
