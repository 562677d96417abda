"""The retrieval data a run reads, in the minibench `ir/` layout (also used for smoke and paper).

ir/queries.{lang}.{split}.jsonl   {"id", "text"}, parallel by id across languages
ir/docs.{lang}.{split}.jsonl      {"id", "text"}
ir/qrels.{split}.txt              TREC qrels: qid 0 docid rel
ir/bm25.{run}.{split}.run         TREC run of a first stage (run: en, de, fr, ... or mlir)
ir/mlir.{split}.tsv               optional: docid <TAB> language of the MLIR collection
ir/triples.{split}.jsonl          optional: {"qid", "pos": [...], "neg": [...]}; without it
                                  negatives are the top English BM25 hits that are not relevant
ir/pairs.train.npy                optional (paper): int32 rows (qid, docid, label), the pointwise
                                  training pairs in order; replaces triples and the train qrels/run
ir/stores.json                    optional (paper): {"queries"|"docs": {lang: {split: path}}}, raw
                                  `id<TAB>text` files (relative to the folder) read through an
                                  offset index instead of JSONL copies (tsvstore.py)
lexicon/en-{lang}.txt             MUSE format
parallel/{lang}.train.jsonl       optional: {"en": ..., "<lang>": ...} for tokenizer/MLM text
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reproductions.codeswitch.tsvstore import TsvStore
from reproductions.common.files import read_json, read_jsonl, write_jsonl
from reproductions.common.hashing import sha256_text
from reproductions.common.recipe import ConfigError

Texts = dict[str, Mapping[str, str]]
"""language -> id -> text (a dict, or a TsvStore over a raw file at the paper profile)."""


@dataclass
class IRData:
    """Everything a codeswitch run reads, parallel across languages by id."""

    name: str
    """What this data stands in for, e.g. `synthetic smoke set` or `mMARCO (paper)`."""
    train_queries: Texts
    train_docs: Texts
    triples: list[tuple[str, list[str], list[str]]]
    """(query id, positive doc ids, negative doc ids) of the training set."""
    test_queries: Texts
    test_docs: Texts
    qrels: dict[str, dict[str, int]]
    candidates: dict[str, dict[str, list[str]]]
    """First-stage run name (`en`, `de`, ..., `mlir`) -> test query -> doc ids, best first."""
    mlir_languages: dict[str, str] = field(default_factory=dict)
    """Optional fixed language of each test document in the MLIR collection."""
    extra_texts: dict[str, list[str]] = field(default_factory=dict)
    """Further monolingual text per language for tokenizer/MLM training (parallel corpora)."""
    pairs: np.ndarray | None = None
    """Paper: (qid, did, label) int rows, the training pairs in order (memory-mapped)."""

    def iter_training_pairs(self, negatives: int) -> Iterator[tuple[str, str, int]]:
        """Pointwise (qid, did, label) pairs: each positive with up to `negatives` negatives, or
        the rows of `pairs` as they are (their ratio was fixed when the data was built)."""
        if self.pairs is not None:
            for start in range(0, len(self.pairs), 1 << 16):
                for qid, did, label in np.asarray(self.pairs[start : start + (1 << 16)]).tolist():
                    yield str(qid), str(did), int(label)
            return
        for qid, pos, neg in self.triples:
            yield from ((qid, did, 1) for did in pos)
            yield from ((qid, did, 0) for did in neg[:negatives])

    def training_pairs(self, negatives: int) -> list[tuple[str, str, int]]:
        """The pairs of `iter_training_pairs` as a list (small data sets only)."""
        return list(self.iter_training_pairs(negatives))


def _texts(ir: Path, kind: str, split: str) -> Texts:
    out: Texts = {}
    for path in sorted(ir.glob(f"{kind}.*.{split}.jsonl")):
        lang = path.name.split(".")[1]
        out[lang] = {str(r["id"]): r["text"] for r in read_jsonl(path)}
    return {**out, **_stores(ir, kind, split)}


def _stores(ir: Path, kind: str, split: str) -> dict[str, Mapping[str, str]]:
    """Texts of `ir/stores.json` (paths relative to the data folder), one store per file."""
    path = ir / "stores.json"
    if not path.is_file():
        return {}
    spec = read_json(path)
    opened: dict[str, TsvStore] = {}
    out: dict[str, Mapping[str, str]] = {}
    for lang, splits in spec.get(kind, {}).items():
        if split in splits:
            rel = splits[split]
            if not (ir.parent / rel).is_file():
                raise ConfigError(f"{path}: {kind}/{lang}/{split} names {rel}, which is missing")
            out[lang] = opened.setdefault(rel, TsvStore(ir.parent / rel))
    return out


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels file -> qid -> did -> relevance."""
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, did, rel = line.split()[:4]
            qrels[qid][did] = int(rel)
    return dict(qrels)


def read_run(path: Path) -> dict[str, list[str]]:
    """TREC run file -> qid -> doc ids in rank order."""
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, did, rank = line.split()[:4]
            ranked[qid].append((int(rank), did))
    return {q: [d for _, d in sorted(v)] for q, v in ranked.items()}


def mine_triples(
    qrels: dict[str, dict[str, int]],
    run: dict[str, list[str]],
    negatives: int,
    depth: int = 100,
    seed: int = 1,
) -> list[tuple[str, list[str], list[str]]]:
    """Triples: relevant docs as positives; negatives drawn from the non-relevant first-stage
    hits within `depth` (as MS MARCO's training negatives are drawn from BM25's top 1000)."""
    triples = []
    for qid in sorted(qrels):
        pos = sorted(d for d, r in qrels[qid].items() if r > 0)
        pool = [d for d in run.get(qid, [])[:depth] if qrels[qid].get(d, 0) <= 0]
        neg = sorted(pool, key=lambda d: sha256_text(f"{seed}:{qid}:{d}"))[:negatives]
        if pos and neg:
            triples.append((qid, pos, neg))
    return triples


def load_ir_dir(
    data_dir: str | Path,
    negatives: int,
    negative_depth: int = 100,
    data_seed: int = 1,
    first_stage: str = "en",
    eval_split: str = "test",
    name: str | None = None,
) -> IRData:
    """Read a data folder in the layout above."""
    data_dir = Path(data_dir)
    ir = data_dir / "ir"
    pairs_file = ir / "pairs.train.npy"
    needed = [ir / f"qrels.{eval_split}.txt"]
    if not pairs_file.is_file():
        needed += [ir / "qrels.train.txt", ir / f"bm25.{first_stage}.train.run"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise ConfigError(f"data folder {data_dir} lacks {missing}")
    pairs = None
    triples_file = ir / "triples.train.jsonl"
    if pairs_file.is_file():
        triples, pairs = [], np.load(pairs_file, mmap_mode="r")
        if pairs.ndim != 2 or pairs.shape[1] != 3:
            raise ConfigError(f"{pairs_file}: expected (n, 3) rows (qid, docid, label)")
    elif triples_file.is_file():
        triples = [
            (str(r["qid"]), [str(d) for d in r["pos"]], [str(d) for d in r["neg"]])
            for r in read_jsonl(triples_file)
        ]
    else:
        train_run = read_run(ir / f"bm25.{first_stage}.train.run")
        triples = mine_triples(
            read_qrels(ir / "qrels.train.txt"), train_run, negatives, negative_depth, data_seed
        )
    mlir_file = ir / f"mlir.{eval_split}.tsv"
    mlir = {}
    if mlir_file.is_file():
        for line in mlir_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                did, lang = line.split("\t")
                mlir[did] = lang
    extra: dict[str, list[str]] = defaultdict(list)
    for path in sorted((data_dir / "parallel").glob("*.train.jsonl")):
        lang = path.name.split(".")[0]
        for r in read_jsonl(path):
            extra["en"].append(r["en"])
            extra[lang].append(r[lang])
    return IRData(
        name=name or f"retrieval set in {data_dir}",
        train_queries=_texts(ir, "queries", "train"),
        train_docs=_texts(ir, "docs", "train"),
        triples=triples,
        test_queries=_texts(ir, "queries", eval_split),
        test_docs=_texts(ir, "docs", eval_split),
        qrels=read_qrels(ir / f"qrels.{eval_split}.txt"),
        candidates={
            path.name.split(".")[1]: read_run(path)
            for path in sorted(ir.glob(f"bm25.*.{eval_split}.run"))
        },
        mlir_languages=mlir,
        extra_texts=dict(extra),
        pairs=pairs,
    )


def _records(texts: dict[str, str]) -> Iterable[dict[str, str]]:
    return ({"id": k, "text": v} for k, v in texts.items())


def _run_text(run: dict[str, list[str]], tag: str) -> str:
    return "".join(
        f"{q} Q0 {d} {rank} {-rank} {tag}\n"
        for q, docs in run.items()
        for rank, d in enumerate(docs, start=1)
    )


def write_ir_dir(data: IRData, data_dir: str | Path, first_stage: str = "en") -> None:
    """Write `data` in the layout above (lexicons are written by the caller)."""
    ir = Path(data_dir) / "ir"
    ir.mkdir(parents=True, exist_ok=True)
    for split, queries, docs in (
        ("train", data.train_queries, data.train_docs),
        ("test", data.test_queries, data.test_docs),
    ):
        for lang, texts in queries.items():
            write_jsonl(ir / f"queries.{lang}.{split}.jsonl", _records(texts))
        for lang, texts in docs.items():
            write_jsonl(ir / f"docs.{lang}.{split}.jsonl", _records(texts))
    write_jsonl(
        ir / "triples.train.jsonl",
        ({"qid": q, "pos": pos, "neg": neg} for q, pos, neg in data.triples),
    )
    train_qrels = {q: dict.fromkeys(pos, 1) for q, pos, _ in data.triples}
    for split, qrels in (("train", train_qrels), ("test", data.qrels)):
        text = "".join(f"{q} 0 {d} {r}\n" for q, docs in qrels.items() for d, r in docs.items())
        (ir / f"qrels.{split}.txt").write_text(text, encoding="utf-8")
    train_run = {q: [*pos, *neg] for q, pos, neg in data.triples}
    (ir / f"bm25.{first_stage}.train.run").write_text(_run_text(train_run, "first"), "utf-8")
    for run_name, run in data.candidates.items():
        (ir / f"bm25.{run_name}.test.run").write_text(_run_text(run, "first"), "utf-8")
