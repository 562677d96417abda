"""Bounded-memory training and re-ranking at the paper's scale (20M training pairs; 6,980 queries x
1,000 candidates per setting): examples are tokenised when a batch asks for them, and re-ranking
runs in chunks of queries whose results are saved as they finish, so a restarted run resumes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reproductions.common.files import read_json, write_json_atomic
from reproductions.common.metrics import reciprocal_rank_at_k

PairText = Callable[[int], tuple[str, str, int]]
"""Example index -> (query text, passage text, label)."""
Scorer = Callable[[list[str], list[str]], list[float]]
"""(queries, passages) -> one relevance score per pair."""


def example_rng(seed: int, index: int) -> random.Random:
    """RNG of one example: the same draws whatever order or process reads the example in."""
    return random.Random(f"{seed}:{index}")


class LazyPairs(Sequence[dict[str, Any]]):
    """Training pairs tokenised on access (for `common.train.train`, which indexes examples)."""

    def __init__(self, count: int, text_of: PairText, tokenizer: Any, max_length: int) -> None:
        self.count, self.text_of = count, text_of
        self.tokenizer, self.max_length = tokenizer, max_length

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        if not 0 <= index < self.count:
            raise IndexError(index)
        query, passage, label = self.text_of(index)
        enc = self.tokenizer(query, passage, truncation="longest_first", max_length=self.max_length)
        keys = [k for k in ("input_ids", "token_type_ids", "attention_mask") if k in enc]
        return {**{k: list(enc[k]) for k in keys}, "labels": float(label)}


def rerank_chunked(
    qids: Sequence[str],
    candidates: Callable[[str], tuple[str, list[tuple[str, str]]]],
    score: Scorer,
    qrels: Mapping[str, Mapping[str, int]],
    k: int,
    out_dir: Path,
    queries_per_chunk: int = 100,
) -> dict[str, float]:
    """Per-query RR@k, scoring `queries_per_chunk` queries at a time.

    `candidates(qid)` gives (query text, [(doc id, passage text), ...]). Chunk i is saved to
    `out_dir/chunks/{i:05d}.json` (its query ids, RR@k and top-k ids with scores) and reused when
    a restarted run finds it with the same query ids.
    """
    chunks = out_dir / "chunks"
    chunks.mkdir(parents=True, exist_ok=True)
    per_query: dict[str, float] = {}
    for number, start in enumerate(range(0, len(qids), queries_per_chunk)):
        part = list(qids[start : start + queries_per_chunk])
        path = chunks / f"{number:05d}.json"
        if path.is_file():
            saved = read_json(path)
            if saved["qids"] == part:
                per_query.update(saved["rr"])
                continue
        queries, passages, index = [], [], []
        for qid in part:
            qtext, docs = candidates(qid)
            for did, ptext in docs:
                queries.append(qtext)
                passages.append(ptext)
                index.append((qid, did))
        run: dict[str, dict[str, float]] = {q: {} for q in part}
        for (qid, did), value in zip(index, score(queries, passages), strict=True):
            run[qid][did] = value
        rr = reciprocal_rank_at_k({q: qrels[q] for q in part}, run, k)
        top = {q: sorted(run[q].items(), key=lambda x: -x[1])[:k] for q in part}
        write_json_atomic(path, {"qids": part, "rr": rr, "top": top})
        per_query.update(rr)
    return per_query


def variant_text_of(
    cfg: Any, variant: Any, data: Any, lexicons: Mapping[str, Any]
) -> Callable[[int], tuple[str, str, int]]:
    """Texts of training pair i of a variant, computed on demand from `data.pairs` (paper data).

    The same choices as `training.build_pairs`: zero-shot/fine-tuning read the side languages'
    texts (`xx`: a language drawn per pair), bl-cs/ml-cs switch the English texts; the switching
    draws come from the example's own RNG (`example_rng(data_seed, i)`), query side first.
    """
    from reproductions.codeswitch.variants import pick
    from reproductions.common.switcher import CodeSwitcher

    pairs, seed = data.pairs, cfg.data_seed
    langs = list(cfg.languages)
    others = [lang for lang in langs if lang != "en"]
    switcher = CodeSwitcher(
        {k: lexicons[k] for k in others if k in lexicons}, cfg.switch_prob, cfg.translation_choice
    )

    def side(key: str, lang: str) -> str:
        return pick(f"{seed}:{lang}:{key}", langs) if lang == "xx" else lang

    def target(lang: str) -> str | list[str] | None:
        return None if lang == "en" else (others if lang == "xx" else lang)

    def text_of(index: int) -> tuple[str, str, int]:
        qid, did, label = (int(x) for x in pairs[index])
        q, d = str(qid), str(did)
        if variant.system in ("zero-shot", "fine-tuning"):
            ql, dl = side(f"{q}/{d}", variant.qlang), side(f"{d}/{q}", variant.dlang)
            return data.train_queries[ql][q], data.train_docs[dl][d], label
        query, doc = data.train_queries["en"][q], data.train_docs["en"][d]
        rng = example_rng(seed, index)
        if variant.system == "wiki-cs":
            from reproductions.codeswitch.training import wiki_switch

            query, doc = wiki_switch(cfg, switcher, q, d, query, doc, rng)
            return query, doc, label
        if (qt := target(variant.qlang)) is not None:
            query = switcher.switch(query, qt, rng)
        if (dt := target(variant.dlang)) is not None:
            doc = switcher.switch(doc, dt, rng)
        return query, doc, label

    return text_of
