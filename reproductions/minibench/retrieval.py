"""The `ir` task: title queries, page documents, qrels and BM25 first-stage runs."""

from __future__ import annotations

from collections import Counter

from .bm25 import BM25
from .config import BuildConfig
from .helpcorpus import AlignedPage, leaks
from .jsonl import dumps
from .splits import SPLITS, hash_order, unit_interval
from .textclean import norm_key, word_count


def page_document(
    page: AlignedPage, langs: list[str], config: BuildConfig, held_out: set[str] | None
) -> dict[str, str] | None:
    """The page body per language (title left out), cut at paragraph boundaries."""
    chosen: list[dict[str, str]] = []
    words = 0
    for paragraph in page.translated(langs[1:]):
        if held_out is not None and leaks(paragraph.values(), held_out):
            continue
        n = word_count(paragraph["en"])
        if chosen and words + n > config.ir_doc_words:
            break
        chosen.append(paragraph)
        words += n
    if words < config.ir_min_doc_words:
        return None
    return {lang: "\n".join(p[lang] for p in chosen) for lang in langs}


def _bm25_run(
    docids: list[str], texts: list[str], queries: dict[str, str], config: BuildConfig
) -> list[tuple[str, list[tuple[str, float]]]]:
    """Top `ir_depth` (docid, score) per query id, in the order of `queries`."""
    index = BM25(texts, config.bm25)
    return [
        (qid, [(docids[i], score) for i, score in index.top(text, config.ir_depth)])
        for qid, text in queries.items()
    ]


def _run_lines(run: list[tuple[str, list[tuple[str, float]]]], tag: str) -> list[str]:
    """TREC run lines `qid Q0 docid rank score tag`."""
    return [
        f"{qid} Q0 {docid} {rank} {score:.4f} {tag}"
        for qid, hits in run
        for rank, (docid, score) in enumerate(hits, start=1)
    ]


def run_quality(lines: list[str], n_queries: int) -> dict[str, float]:
    """Recall at full depth and MRR@10 of a run whose relevant document shares the query id."""
    ranks = {}
    for line in lines:
        qid, _q0, docid, rank, _score, _tag = line.split()
        if qid == docid:
            ranks[qid] = int(rank)
    if not n_queries:
        return {"recall": 0.0, "mrr@10": 0.0}
    mrr = sum(1.0 / r for r in ranks.values() if r <= 10) / n_queries
    return {"recall": round(len(ranks) / n_queries, 4), "mrr@10": round(mrr, 4)}


def mlir_language(docid: str, langs: list[str], salt: str) -> str:
    """The language a document takes in the MLIR collection (uniform, fixed by hash)."""
    u = unit_interval(f"mlir:{docid}", salt)
    return langs[min(int(u * len(langs)), len(langs) - 1)]


def build_ir(
    pages: dict[str, list[AlignedPage]], config: BuildConfig, held_out: set[str]
) -> tuple[dict[str, list[str]], dict[str, object]]:
    """`ir/` files and statistics, from pages already split."""
    langs = ["en", *config.languages]
    files: dict[str, list[str]] = {}
    stats: dict[str, object] = {}
    every_page = [p for split in SPLITS for p in pages[split]]
    title_counts = Counter(norm_key(p.titles["en"]) for p in every_page)
    for split in SPLITS:
        guard = held_out if split == "train" else None
        docs: dict[str, dict[str, str]] = {}
        for page in pages[split]:
            doc = page_document(page, langs, config, guard)
            if doc is not None:
                docs[page.path] = doc
        titles_of = {p.path: p.titles for p in pages[split]}
        queries = []
        for docid in docs:
            page_titles = titles_of[docid]
            key = norm_key(page_titles["en"])
            if not key or title_counts[key] > 1:
                continue  # ambiguous titles ("General", "Options") make unanswerable queries
            if guard is not None and leaks(page_titles.values(), guard):
                continue
            if all(page_titles[lang].strip() for lang in langs):
                queries.append((hash_order(f"q:{docid}", config.split_salt), docid, page_titles))
        queries.sort()
        queries = queries[: config.ir_max_queries[split]]
        qids = sorted(docid for _k, docid, _t in queries)
        titles = {docid: t for _k, docid, t in queries}
        docids = sorted(docs)
        for lang in langs:
            files[f"ir/queries.{lang}.{split}.jsonl"] = [
                dumps({"id": q, "text": titles[q][lang]}) for q in qids
            ]
            files[f"ir/docs.{lang}.{split}.jsonl"] = [
                dumps({"id": d, "text": docs[d][lang]}) for d in docids
            ]
            run = _bm25_run(
                docids, [docs[d][lang] for d in docids], {q: titles[q][lang] for q in qids}, config
            )
            files[f"ir/bm25.{lang}.{split}.run"] = _run_lines(run, f"bm25-{lang}")
        files[f"ir/qrels.{split}.txt"] = [f"{q} 0 {q} 1" for q in qids]
        mixed = {d: mlir_language(d, langs, config.split_salt) for d in docids}
        files[f"ir/mlir.{split}.tsv"] = [f"{d}\t{mixed[d]}" for d in docids]
        # MLIR first stage: one index over the mixed collection, the query in every language
        union = {q: " ".join(titles[q][lang] for lang in langs) for q in qids}
        run = _bm25_run(docids, [docs[d][mixed[d]] for d in docids], union, config)
        files[f"ir/bm25.mlir.{split}.run"] = _run_lines(run, "bm25-mlir")
        quality = {
            lang: run_quality(files[f"ir/bm25.{lang}.{split}.run"], len(qids))
            for lang in [*langs, "mlir"]
        }
        stats[split] = {"queries": len(qids), "docs": len(docids), "bm25": quality}
    return files, stats
