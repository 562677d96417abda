"""Metric helpers: RR@10 through ir-measures, paired t-test, accuracy."""

from __future__ import annotations

import math

import pytest

from reproductions.common.metrics import accuracy, mean, paired_ttest, reciprocal_rank_at_k


def test_mrr_at_10_on_a_hand_made_run() -> None:
    qrels = {"q1": {"d3": 1}, "q2": {"d1": 1, "d9": 1}, "q3": {"d5": 1}, "q4": {"d7": 1}}
    run = {
        # relevant at rank 3 -> 1/3
        "q1": {"d1": 0.9, "d2": 0.8, "d3": 0.7, "d4": 0.1},
        # first relevant (d9) at rank 2 -> 1/2
        "q2": {"d4": 3.0, "d9": 2.0, "d1": 1.0},
        # relevant at rank 11 -> 0 at cut-off 10
        "q3": {f"x{i}": 20.0 - i for i in range(10)} | {"d5": 0.5},
        # q4 not retrieved at all -> 0
    }
    per_query = reciprocal_rank_at_k(qrels, run, k=10)
    assert per_query == pytest.approx({"q1": 1 / 3, "q2": 1 / 2, "q3": 0.0, "q4": 0.0})
    assert mean(list(per_query.values())) == pytest.approx((1 / 3 + 1 / 2) / 4)


def test_paired_ttest_matches_hand_computation() -> None:
    a, b = [0.5, 0.6, 0.9, 0.4], [0.4, 0.6, 0.5, 0.3]
    diffs = [0.1, 0.0, 0.4, 0.1]
    m = sum(diffs) / 4
    sd = math.sqrt(sum((d - m) ** 2 for d in diffs) / 3)
    result = paired_ttest(a, b)
    assert result["t"] == pytest.approx(m / (sd / 2))
    assert 0 < result["p"] < 1
    assert result["mean_diff"] == pytest.approx(m)
    assert paired_ttest([0.3, 0.3], [0.3, 0.3])["p"] == 1.0


def test_accuracy() -> None:
    assert accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    with pytest.raises(ValueError):
        accuracy([1], [1, 0])
