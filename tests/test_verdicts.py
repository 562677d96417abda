"""Verdict statistics: comparisons with qualifiers, claimed values, combining predicates."""

import pytest

from claimlab.judging.stats import (
    CANNOT_RUN,
    INCONCLUSIVE,
    NOT_RUN,
    REFUTED,
    SUPPORTED,
    Rules,
    combine,
    judge_comparison,
    judge_value,
)

RULES = Rules.load()
HIGH = [0.70, 0.71, 0.72]
LOW = [0.60, 0.61, 0.62]
NOISY = [0.695, 0.705, 0.72]


def test_rules_load_from_package():
    assert RULES.alpha == 0.05
    assert RULES.qualifiers["large margin"]["margin"] == 0.02


@pytest.mark.parametrize(
    ("lhs", "rhs", "op", "qualifier", "state"),
    [
        (HIGH, LOW, ">", None, SUPPORTED),
        (LOW, HIGH, ">", None, REFUTED),
        (HIGH, NOISY, ">", None, INCONCLUSIVE),
        (LOW, HIGH, "<", None, SUPPORTED),
        (HIGH, LOW, ">", "large margin", SUPPORTED),
        ([0.705, 0.712, 0.708], [0.70, 0.705, 0.703], ">", "large margin", REFUTED),
        (HIGH, LOW, ">", "significantly", SUPPORTED),
        ([0.700, 0.705, 0.701], [0.705, 0.708, 0.706], "<", "slightly lower but close", SUPPORTED),
        (LOW, HIGH, "<", "slightly lower but close", REFUTED),
        ([0.700, 0.702, 0.701], [0.701, 0.700, 0.702], "≈", "similar", SUPPORTED),
        (HIGH, LOW, "≈", "almost on par", REFUTED),
    ],
)
def test_comparisons(lhs, rhs, op, qualifier, state):
    outcome = judge_comparison(lhs, rhs, op, qualifier, RULES)
    assert outcome.state == state, outcome
    assert outcome.measured["lhs"]["n"] == 3 and "ci" in outcome.measured
    assert outcome.rule


def test_paired_test_sees_what_welch_misses():
    a = [0.60, 0.70, 0.80]
    b = [0.59, 0.69, 0.79]  # same seeds, always 1 point behind, large spread across seeds
    assert judge_comparison(a, b, ">", None, RULES).state == INCONCLUSIVE
    paired = judge_comparison(a, b, ">", None, RULES, paired=True)
    assert paired.state == SUPPORTED and paired.measured["test"] == "paired t-test"


def test_one_seed_is_never_a_test():
    outcome = judge_comparison([0.9], [0.1], ">", None, RULES)
    assert outcome.state == INCONCLUSIVE and "fewer than 2 seeds" in outcome.rule


def test_value_prediction_interval_and_tolerance():
    assert judge_value([0.30, 0.31, 0.29], 0.30, RULES).state == SUPPORTED
    assert judge_value([0.30, 0.31, 0.29], 0.40, RULES).state == REFUTED
    wide = judge_value([0.30, 0.31, 0.29], 0.34, RULES)  # outside mean ± 2sd, inside the PI
    assert wide.state == SUPPORTED and wide.measured["interval"][1] > 0.34
    assert judge_value([0.300], 0.304, RULES).state == SUPPORTED
    assert judge_value([0.300], 0.310, RULES).state == REFUTED
    assert judge_value([], 0.3, RULES).state == NOT_RUN


def test_combine():
    assert combine([SUPPORTED, SUPPORTED]) == SUPPORTED
    assert combine([SUPPORTED, REFUTED, NOT_RUN]) == REFUTED
    assert combine([SUPPORTED, INCONCLUSIVE]) == INCONCLUSIVE
    assert combine([NOT_RUN, CANNOT_RUN]) == NOT_RUN
    assert combine([CANNOT_RUN]) == CANNOT_RUN
    assert combine([SUPPORTED, CANNOT_RUN]) == INCONCLUSIVE
    assert combine([]) == NOT_RUN


def test_not_worse_and_no_significant_difference():
    level = [0.700, 0.702, 0.701]
    assert judge_comparison(level, [0.701, 0.700, 0.702], "≥", None, RULES).state == SUPPORTED
    assert judge_comparison(LOW, HIGH, "≥", None, RULES).state == REFUTED
    same = judge_comparison(HIGH, NOISY, "≈", "not significantly different", RULES)
    assert same.state == SUPPORTED and same.measured["p"] >= RULES.alpha
    assert judge_comparison(HIGH, LOW, "≈", "not significantly different", RULES).state == REFUTED
