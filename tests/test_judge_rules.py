"""qualifiers.toml and the statistics under the judge: margins, rules, tests, Holm, intervals."""

from __future__ import annotations

import math

import pytest
from scipy import stats as scipy_stats

from claimlab.claims.predicates import QUALIFIERS
from claimlab.judging import stats
from claimlab.judging.rules import Condition, Rules, RulesError
from claimlab.runs import recipes

RULES = Rules.load()


def test_every_metric_of_every_recipe_has_a_margin_with_its_source():
    for recipe, table in recipes.capabilities().items():
        for metric in table["metrics"]:
            scale = RULES.metrics.get(metric)
            assert scale is not None, f"{recipe}: no margin for {metric}"
            assert scale.margin > 0 and len(scale.source) > 20


def test_every_qualifier_has_its_own_rule():
    keys = set(RULES.rules)
    for q in QUALIFIERS:
        assert {f"> {q}", f"≈ {q}"} & keys, q
    assert RULES.rules["≈ similar"].support != RULES.rules["≈ almost on par"].support
    large = RULES.rules["> large margin"]
    assert large.support == (Condition("above", 2.0),) and large.refute == (
        Condition("below", 2.0),
    )


def test_rule_lookup_flips_and_reads_legacy_spellings():
    rule, flipped, key = RULES.rule_for("<", "significantly")
    assert (rule.key, flipped, key) == ("> significantly", True, "> significantly")
    assert RULES.rule_for("≤", None)[1:] == (True, ">=")
    assert RULES.rule_for("<", "slightly lower but close")[2] == "> slightly"
    assert RULES.rule_for("≈", "large margin")[0] is None


def test_rule_in_words_names_the_thresholds_in_metric_units():
    words = RULES.rules["≈ almost on par"].words(0.01, "paired t-test over 3 seeds", 0.05)
    assert "90% interval of lhs − rhs lies above -0.02 and below 0.01" in words
    assert "refuted when it lies above 0.01 or below -0.02" in words


def test_a_relative_margin_scales_with_the_rhs():
    assert RULES.metrics["mean_tokens"].margin_for(50.0) == pytest.approx(1.0)
    assert RULES.metrics["accuracy"].margin_for(50.0) == 0.01


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alpha = 0.05", "missing field 'min_seeds'"),
        ("alpha = ", "qualifiers.toml: "),
    ],
)
def test_a_broken_rules_file_names_the_problem(text, message):
    with pytest.raises(RulesError, match=message):
        Rules.load(text)


def test_paired_and_welch_match_scipy():
    a, b = [0.70, 0.72, 0.71, 0.69], [0.60, 0.63, 0.62, 0.64]
    paired = stats.difference(a, b, paired=True)
    ref = scipy_stats.ttest_rel(a, b, alternative="greater")
    assert paired.p_above(0.0) == pytest.approx(ref.pvalue)
    welch = stats.difference(a, b, paired=False)
    ref = scipy_stats.ttest_ind(a, b, equal_var=False, alternative="less")
    assert welch.p_below(0.0) == pytest.approx(ref.pvalue)
    lo, hi = welch.interval(0.05)
    ci = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.90)
    assert (lo, hi) == pytest.approx((ci.low, ci.high))


def test_a_difference_without_spread_is_exact():
    d = stats.difference([0.5, 0.6, 0.7], [0.4, 0.5, 0.6], paired=True)
    assert d.exact and d.interval(0.05) == pytest.approx((0.1, 0.1))
    assert (d.p_above(0.05), d.p_above(0.15), d.p_below(0.15)) == (0.0, 1.0, 0.0)


def test_holm():
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert stats.holm([0.5]) == [0.5]
    assert stats.holm([]) == []


def test_core_bench_interval():
    values = [0.30, 0.31, 0.29]
    t = scipy_stats.t.ppf(0.975, 2)
    vi = stats.value_interval(values, 0.30, 1, 0.05, 0.005)
    assert vi.half == pytest.approx(t * 0.01 * math.sqrt(1 / 3 + 1)) and vi.p == 1.0
    vi = stats.value_interval(values, 0.40, 4, 0.05, 0.005)
    assert vi.half == pytest.approx(t * 0.01 * math.sqrt(1 / 3 + 1 / 4))
    assert vi.p == pytest.approx(2 * scipy_stats.t.sf(0.10 / (0.01 * math.sqrt(1 / 3 + 1 / 4)), 2))
    assert stats.value_interval([0.3, 0.3001, 0.3002], 0.3, 1, 0.05, 0.006).half == 0.006
