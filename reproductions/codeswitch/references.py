"""Reference baselines of a codeswitch run, from the candidates each setting re-ranks.

`ref/chance/K`: the exact expected MRR@k of a uniformly random order of the same candidates
(per query, the probability that the first relevant candidate lands at rank r, times 1/r);
`ref/first-stage/K`: MRR@k of BM25's own order of them. The per-kind averages average the
settings, like the metrics. The t-test keys (diff/t/p vs zero-shot) get none.
"""

from __future__ import annotations

from reproductions.codeswitch.config import CodeSwitchConfig
from reproductions.codeswitch.data import IRData
from reproductions.codeswitch.evaluation import eval_queries
from reproductions.common.metrics import mean
from reproductions.common.references import first_stage_rr, random_order_rr


def reference_metrics(
    cfg: CodeSwitchConfig, data: IRData, not_run: dict[str, str]
) -> dict[str, float]:
    """`ref/chance/...` and `ref/first-stage/...` of every measured MRR key."""
    k = cfg.mrr_k
    out: dict[str, float] = {}
    by_kind: dict[str, dict[str, list[float]]] = {}
    for setting in cfg.settings:
        if setting in not_run:
            continue
        qids, candidates = eval_queries(cfg, data, setting)
        chance, first = [], []
        for qid in qids:
            ranked = candidates[qid][: cfg.eval_depth]
            relevant = {d for d, grade in data.qrels[qid].items() if grade > 0}
            chance.append(random_order_rr(len(ranked), len(relevant.intersection(ranked)), k))
            first.append(first_stage_rr(ranked, relevant, k))
        kind = setting.split("/")[0]
        for name, values in (("chance", chance), ("first-stage", first)):
            value = mean(values)
            out[f"ref/{name}/{setting}/mrr@{k}"] = round(value, 6)
            by_kind.setdefault(kind, {}).setdefault(name, []).append(value)
    for kind, named in by_kind.items():
        for name, values in named.items():
            out[f"ref/{name}/{kind}/avg/mrr@{k}"] = round(mean(values), 6)
    return out
