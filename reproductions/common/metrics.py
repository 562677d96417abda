"""Evaluation metrics and significance tests shared by recipes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

Qrels = Mapping[str, Mapping[str, int]]
"""query id -> document id -> relevance grade (>0 is relevant)."""
Run = Mapping[str, Mapping[str, float]]
"""query id -> document id -> score (higher ranks first)."""


def reciprocal_rank_at_k(qrels: Qrels, run: Run, k: int = 10) -> dict[str, float]:
    """Per-query RR@k computed by `ir-measures` (trec_eval); queries missing from `run` get 0."""
    import ir_measures  # imported here: capability listing should not pay for it

    measure = ir_measures.RR @ k
    qrels_ = {q: {d: int(r) for d, r in docs.items()} for q, docs in qrels.items()}
    run_ = {q: {d: float(s) for d, s in docs.items()} for q, docs in run.items() if q in qrels_}
    per_query = {q: 0.0 for q in qrels_}
    for row in ir_measures.iter_calc([measure], qrels_, run_):
        per_query[row.query_id] = float(row.value)
    return per_query


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean (nan for no values)."""
    return float(sum(values) / len(values)) if values else math.nan


def std(values: Sequence[float]) -> float:
    """Sample standard deviation (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def accuracy(predictions: Sequence[Any], labels: Sequence[Any]) -> float:
    """Share of predictions equal to their labels."""
    if len(predictions) != len(labels):
        raise ValueError("predictions and labels differ in length")
    return mean([float(p == y) for p, y in zip(predictions, labels, strict=True)])


def paired_ttest(treatment: Sequence[float], control: Sequence[float]) -> dict[str, float]:
    """Two-sided paired t-test (scipy) of treatment vs control over the same items."""
    from scipy import stats

    if len(treatment) != len(control):
        raise ValueError("paired samples differ in length")
    diffs = [a - b for a, b in zip(treatment, control, strict=True)]
    result: dict[str, float] = {
        "n": len(diffs),
        "mean_treatment": mean(treatment),
        "mean_control": mean(control),
        "mean_diff": mean(diffs),
    }
    if len(diffs) < 2 or all(d == diffs[0] for d in diffs):
        # scipy returns nan when every difference is identical; say so rather than guess.
        result.update(t=math.nan, p=1.0 if all(d == 0 for d in diffs) else math.nan)
        return result
    test = stats.ttest_rel(treatment, control)
    result.update(t=float(test.statistic), p=float(test.pvalue))
    return result
