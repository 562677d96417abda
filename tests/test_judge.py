"""claimlab.judging.judge on constructed runs: each edge case of issue 14 with its exact state."""

from __future__ import annotations

import json
import math

import pytest
from support.verdicts import ACC, CHANCE, RULES, comparison, judge_pair, plan, runs, side

from claimlab.judging.judge import combine, judge_claim
from claimlab.records import (
    CANNOT_RUN,
    INCONCLUSIVE,
    INVALID,
    NOT_RUN,
    REFUTED,
    SUPPORTED,
    UNINFORMATIVE,
)
from claimlab.runs.plan import Check, PredicatePlan

HIGH = [0.70, 0.72, 0.71]
LOW = [0.60, 0.61, 0.625]
SMALL_HIGH, SMALL_LOW = [0.7051, 0.7123, 0.7082], [0.700, 0.705, 0.703]
"""A real gain of half a point."""
NAN, INF = math.nan, math.inf


@pytest.mark.parametrize(
    ("lhs", "rhs", "op", "qualifier", "state"),
    [
        # directional: a one-sided test each way
        (HIGH, LOW, ">", None, SUPPORTED),
        (LOW, HIGH, ">", None, REFUTED),
        (LOW, HIGH, "<", None, SUPPORTED),
        (HIGH, LOW, "<", None, REFUTED),
        (HIGH, [0.66, 0.75, 0.69], ">", None, INCONCLUSIVE),
        # a real gain of half a point: plain ">" holds, "significantly" cannot say, not large
        (SMALL_HIGH, SMALL_LOW, ">", None, SUPPORTED),
        (SMALL_HIGH, SMALL_LOW, ">", "significantly", INCONCLUSIVE),
        (SMALL_HIGH, SMALL_LOW, ">", "large margin", REFUTED),
        (HIGH, LOW, ">", "significantly", SUPPORTED),
        (HIGH, LOW, ">", "large margin", SUPPORTED),
        (HIGH, LOW, ">", "slightly", REFUTED),
        (SMALL_HIGH, SMALL_LOW, ">", "slightly", SUPPORTED),
        (SMALL_LOW, SMALL_HIGH, "<", "slightly lower but close", SUPPORTED),
        # non-inferiority and non-superiority
        ([0.700, 0.702, 0.701], [0.701, 0.700, 0.702], ">=", None, SUPPORTED),
        (LOW, HIGH, ">=", None, REFUTED),
        (LOW, HIGH, "≥", None, REFUTED),
        (HIGH, LOW, "<=", None, REFUTED),
        ([0.700, 0.702, 0.701], [0.701, 0.700, 0.702], "<=", None, SUPPORTED),
        # equivalence (TOST): only a narrow interval inside the margin supports
        ([0.700, 0.702, 0.701], [0.701, 0.700, 0.702], "≈", "similar", SUPPORTED),
        ([0.700, 0.702, 0.701], [0.701, 0.700, 0.702], "≈", None, SUPPORTED),
        (HIGH, LOW, "≈", "almost on par", REFUTED),
        (HIGH, LOW, "≈", "not significantly different", REFUTED),
        # 3 seeds, a 5-point gap, paired p = 0.19: the old rule said supported
        ([0.72, 0.62, 0.81], [0.69, 0.60, 0.71], "≈", "not significantly different", INCONCLUSIVE),
        # lhs trails by 1.5 points: "almost on par" holds, "similar" does not
        ([0.695, 0.705, 0.701], [0.712, 0.718, 0.716], "≈", "almost on par", SUPPORTED),
        ([0.695, 0.705, 0.701], [0.712, 0.718, 0.716], "≈", "similar", REFUTED),
        # words with no rule are never guessed at
        (HIGH, LOW, "≈", "large margin", INCONCLUSIVE),
    ],
)
def test_rules(lhs, rhs, op, qualifier, state):
    got, check = judge_pair(lhs, rhs, op, qualifier)
    assert (got, check["state"]) == (state, state), check["reason"]


def test_rule_is_stated_with_its_test_and_margin():
    _, check = judge_pair(HIGH, LOW, ">")
    assert check["test"] == "paired t-test over 3 seeds"
    assert check["level"] == 90 and check["margin"] == 0.01
    assert check["rule"].startswith("> (directional; paired t-test over 3 seeds, one-sided tests")
    assert "lies above 0; refuted when it lies below 0" in check["rule"]
    _, check = judge_pair(HIGH, LOW, "<")
    assert check["diff_of"] == "rhs − lhs" and check["diff"] == pytest.approx(sum(LOW) / 3 - 0.71)
    assert check["rule"].startswith("sides swapped, > (directional")


def test_unpaired_seeds_use_welch():
    _, check = judge_pair(HIGH + [0.705], LOW, ">")
    assert check["state"] == SUPPORTED
    assert check["test"] == "Welch's t-test over 4 and 3 seeds"


@pytest.mark.parametrize(
    ("lhs", "rhs", "op", "qualifier", "lhs_chance", "rhs_chance", "state", "reason"),
    [
        # two runs collapsed at chance: equivalent, but it says nothing
        ([1 / 3] * 3, [1 / 3] * 3, "≈", None, CHANCE, CHANCE, UNINFORMATIVE, "a is not sig"),
        ([0.34, 0.33, 0.335], [0.33, 0.34, 0.333], ">=", None, CHANCE, CHANCE, UNINFORMATIVE, ""),
        # one collapsed side: the old rule refuted ">" with p = 0.0002
        ([0.33, 0.34, 0.333], HIGH, ">", None, CHANCE, CHANCE, UNINFORMATIVE, "a is not sig"),
        (HIGH, [0.33, 0.34, 0.333], ">", None, CHANCE, CHANCE, UNINFORMATIVE, "b is not sig"),
        # a run with no reference baseline
        (HIGH, LOW, ">", None, None, CHANCE, UNINFORMATIVE, "recorded no reference baseline"),
        # zero variance of a model metric: a 1e-4 gap is not a large margin
        ([0.7001] * 3, [0.7] * 3, ">", "large margin", CHANCE, CHANCE, INCONCLUSIVE, "did not"),
        ([0.7001] * 3, LOW, ">", None, CHANCE, CHANCE, INCONCLUSIVE, "did not vary"),
        # fewer than three seeds
        (HIGH[:2], LOW[:2], ">", None, CHANCE, CHANCE, INCONCLUSIVE, "at least 3 on each"),
        # not finite numbers
        ([0.70, NAN, 0.72], LOW, ">", None, CHANCE, CHANCE, INVALID, "a seed 2: "),
        (HIGH, [0.6, 0.61, INF], "≈", None, CHANCE, CHANCE, INVALID, "b seed 3: "),
        (HIGH, LOW, ">", None, NAN, CHANCE, INVALID, "ref/chance/xnli/zero-shot/avg/accuracy"),
    ],
)
def test_edge_cases(lhs, rhs, op, qualifier, lhs_chance, rhs_chance, state, reason):
    got, check = judge_pair(lhs, rhs, op, qualifier, lhs_chance, rhs_chance)
    assert (got, check["state"]) == (state, state), check["reason"]
    assert reason in check["reason"]


@pytest.mark.parametrize(
    ("lhs_nb", "rhs_nb", "state", "reason"),
    [
        # both sides well above chance, but a is no better than a word-count classifier
        (
            [0.75] * 3,
            None,
            UNINFORMATIVE,
            "a is not significantly above a bag-of-words naive Bayes (mean 0.71 vs naive-bayes "
            "0.75, one-sided p = 0.99",
        ),
        ([0.60] * 3, [0.65] * 3, UNINFORMATIVE, "b is not significantly above a bag-of-words"),
        # both above their naive Bayes: tested as usual
        ([0.60] * 3, [0.50] * 3, SUPPORTED, "the support test rejects"),
        # recorded for some seeds only: not screened against a partial baseline
        ([0.60, None, 0.60], None, UNINFORMATIVE, "a seed(s) 2 did not record ref/naive-bayes/"),
    ],
)
def test_a_side_must_beat_the_naive_bayes_recorded_beside_it(lhs_nb, rhs_nb, state, reason):
    found = {
        **runs("a", HIGH, refs={"naive-bayes": lhs_nb} if lhs_nb else None),
        **runs("b", LOW, refs={"naive-bayes": rhs_nb} if rhs_nb else None),
    }
    p = plan(comparison(">"), {"avg": (3, 3)})
    got, (record,), _ = judge_claim([p], found, RULES, "mini", [])
    check = record["measured"]["avg"]
    assert (got, check["state"]) == (state, state), check["reason"]
    assert reason in check["reason"]
    assert check["lhs"]["chance"] == pytest.approx(CHANCE)
    if lhs_nb and None not in lhs_nb:
        assert check["lhs"]["naive-bayes"] == pytest.approx(lhs_nb[0]), "shown with the side"


def test_a_side_below_naive_bayes_is_never_evidence_either_way():
    """The refutation HIGH > LOW would give is withheld when LOW's side is at naive Bayes."""
    found = {**runs("a", LOW, refs={"naive-bayes": [0.62] * 3}), **runs("b", HIGH)}
    got, (record,), _ = judge_claim(
        [plan(comparison(">"), {"avg": (3, 3)})], found, RULES, "mini", []
    )
    assert got == UNINFORMATIVE
    assert record["measured"]["avg"]["reason"].startswith("a is not significantly above a bag")


def test_failed_seeds_are_reported_and_not_counted():
    found = {
        **runs("a", [0.70, 0.72, None], status=["succeeded", "succeeded", "failed"]),
        **runs("b", LOW),
    }
    p = plan(comparison(">"), {"avg": (3, 3)})
    state, (record,), _ = judge_claim([p], found, RULES, "mini", [])
    check = record["measured"]["avg"]
    assert state == INCONCLUSIVE
    assert check["lhs"]["seeds"] == {
        "planned": [1, 2, 3],
        "used": [1, 2],
        "failed": {"3": "failed"},
        "pending": [],
    }
    assert "a seed 3: failed" in check["reason"]
    assert (record["seeds_planned"], record["seeds_used"]) == (3, 2)


def test_five_planned_one_failed_still_judged_on_four():
    found = {
        **runs(
            "a", [0.70, 0.72, 0.71, None, 0.715], status=["succeeded"] * 3 + ["failed", "succeeded"]
        ),
        **runs("b", LOW + [0.615, 0.62]),
    }
    state, (record,), _ = judge_claim(
        [plan(comparison(">"), {"avg": (5, 5)})], found, RULES, "mini", []
    )
    assert state == SUPPORTED
    assert record["measured"]["avg"]["lhs"]["seeds"]["failed"] == {"4": "failed"}
    assert record["measured"]["avg"]["test"] == "Welch's t-test over 4 and 5 seeds"


def test_pending_and_unmeasured_seeds():
    p = plan(comparison(">"), {"avg": (3, 3)})
    pending = {**runs("a", HIGH, status=["succeeded", "running", "queued"]), **runs("b", LOW)}
    assert judge_claim([p], pending, RULES, "mini", [])[0] == INCONCLUSIVE
    nothing = runs("b", LOW)
    state, (record,), _ = judge_claim([p], nothing, RULES, "mini", [])
    assert state == NOT_RUN and record["measured"]["avg"]["reason"].startswith("not run (a)")
    unmeasured = {**runs("a", [None] * 3), **runs("b", LOW)}
    assert judge_claim([p], unmeasured, RULES, "mini", [])[0] == CANNOT_RUN


def test_nan_in_one_claim_leaves_the_other_claims_and_predicates_judged():
    broken = {**runs("a", [0.70, NAN, 0.72]), **runs("b", LOW)}
    fine = {**runs("c", HIGH), **runs("d", LOW)}
    one = plan(comparison(">"), {"avg": (3, 3)})
    other = plan(comparison(">", lhs="c", rhs="d"), {"avg": (3, 3)})
    assert judge_claim([one], broken, RULES, "mini", [])[0] == INVALID
    assert judge_claim([other], fine, RULES, "mini", [])[0] == SUPPORTED
    state, records, _ = judge_claim([one, other], {**broken, **fine}, RULES, "mini", [])
    assert [r["state"] for r in records] == [INVALID, SUPPORTED] and state == INVALID
    assert records[0]["measured"]["avg"]["lhs"]["values"] == [0.70, 0.72]
    refuted = plan(comparison("<", lhs="c", rhs="d"), {"avg": (3, 3)})
    state, records, _ = judge_claim([one, refuted], {**broken, **fine}, RULES, "mini", [])
    assert [r["state"] for r in records] == [INVALID, REFUTED] and state == REFUTED


# de alone would refute "a > b" (one-sided p = 0.037); over three pairs Holm needs p < 0.05/3.
PAIRS = {
    "de": ([0.60, 0.64, 0.61], [0.62, 0.65, 0.64]),
    "fr": (HIGH, LOW),
    "es": ([0.71, 0.73, 0.70], [0.61, 0.60, 0.63]),
}


def _pairs(names: list[str]) -> tuple[str, dict]:
    found = {}
    for name in names:
        lhs, rhs = PAIRS[name]
        found |= runs("a", lhs, ACC.format(pair=name)) | runs("b", rhs, ACC.format(pair=name))
    p = plan(comparison(">", "consistently", pairs="each"), {n: (3, 3) for n in names})
    state, (record,), _ = judge_claim([p], found, RULES, "mini", [])
    return state, record


def test_holm_over_the_pairs_of_consistently():
    state, record = _pairs(["de"])
    assert state == REFUTED
    state, record = _pairs(["de", "fr", "es"])
    checks = record["measured"]
    assert {k: c["state"] for k, c in checks.items()} == {
        "de": INCONCLUSIVE,
        "fr": SUPPORTED,
        "es": SUPPORTED,
    }
    assert state == INCONCLUSIVE
    assert checks["de"]["p_refute"] == pytest.approx(0.0371, abs=1e-4)
    assert checks["de"]["p_refute_holm"] == pytest.approx(3 * checks["de"]["p_refute"])
    assert record["rule"].startswith("each of 3 checks (de, fr, es): > consistently")


def test_holm_runs_over_every_predicate_of_the_claim():
    lhs, rhs = PAIRS["de"]
    found = runs("a", lhs) | runs("b", rhs) | runs("c", HIGH) | runs("d", LOW)
    plans = [
        plan(comparison(">"), {"avg": (3, 3)}),
        plan(comparison(">", lhs="c", rhs="d"), {"avg": (3, 3)}),
    ]
    state, records, rule = judge_claim(plans, found, RULES, "mini", [])
    assert [r["state"] for r in records] == [INCONCLUSIVE, SUPPORTED] and state == INCONCLUSIVE
    assert "Holm-corrected over the claim's 2 check(s)" in rule
    assert rule.startswith("all predicates supported -> supported; any refuted -> refuted")


def _data(op: str, lhs: list[float], rhs: list[float]) -> str:
    key = "stats/{pair}/en/mean_tokens"
    p = {
        "kind": "data",
        "recipe": "weam",
        "lhs": "mbert",
        "rhs": "mbert",
        "lhs_task": "xnli",
        "rhs_task": "bitext",
        "op": op,
        "metric": "mean_tokens",
    }
    found = runs("mbert", lhs, key.format(pair="xnli"), None)
    found |= runs("mbert", rhs, key.format(pair="bitext"), None)
    check = Check(
        "data",
        side("mbert", len(lhs), key.format(pair="xnli")),
        side("mbert", len(rhs), key.format(pair="bitext")),
    )
    return judge_claim([PredicatePlan(p, [check])], found, RULES, "mini", [])[0]


def test_a_deterministic_data_statistic_needs_no_spread_and_no_chance():
    assert _data("<", [20.0] * 3, [30.0] * 3) == SUPPORTED
    assert _data(">", [20.0] * 3, [30.0] * 3) == REFUTED
    # relative margin: 2% of the rhs mean; 30.3 vs 30 is within it, 31 is not
    assert _data("≈", [30.3] * 3, [30.0] * 3) == SUPPORTED
    assert _data("≈", [31.0] * 3, [30.0] * 3) == REFUTED
    assert _data("<", [20.0] * 2, [30.0] * 2) == INCONCLUSIVE


def _value(values: list[float], claimed: float, paper_runs: int | None = None, chance=0.1):
    p = {
        "kind": "value",
        "recipe": "weam",
        "lhs": "a",
        "metric": "accuracy",
        "task": "xnli",
        "setting": "zero-shot",
        "value": claimed,
    }
    if paper_runs:
        p["paper_runs"] = paper_runs
    state, (record,), _ = judge_claim(
        [plan(p, {"avg": (len(values), 0)})], runs("a", values, chance=chance), RULES, "paper", []
    )
    return state, record["measured"]["avg"]


def test_claimed_numbers_core_bench():
    state, m = _value([0.30, 0.31, 0.29], 0.30)
    assert state == SUPPORTED
    half = 4.302652729911275 * 0.01 * math.sqrt(1 / 3 + 1)
    assert m["interval"] == pytest.approx([0.30 - half, 0.30 + half])
    assert _value([0.30, 0.31, 0.29], 0.36)[0] == REFUTED
    # a paper mean of 5 runs narrows the interval: sqrt(1/3 + 1/5)
    state, m = _value([0.30, 0.31, 0.29], 0.34, paper_runs=5)
    assert state == REFUTED and m["interval"][1] == pytest.approx(
        0.30 + 4.3027 * 0.01 * math.sqrt(8 / 15), abs=1e-4
    )
    # two seeds: the old interval [0.25, 0.35]-ish supported a claimed 0.90
    assert _value([0.25, 0.35], 0.90)[0] == INCONCLUSIVE
    # the floor: a tiny spread still leaves the one-seed tolerance max(0.005, 2%·claimed)
    state, m = _value([0.3000, 0.3001, 0.3002], 0.3050)
    assert state == SUPPORTED and m["floor"] == pytest.approx(0.0061)
    assert _value([0.3000, 0.3001, 0.3002], 0.3080)[0] == REFUTED
    # identical seeds: zero variance of a model metric
    assert _value([0.30] * 3, 0.30)[0] == INCONCLUSIVE
    # too noisy to check a number: half-width above 5 margins
    state, m = _value([0.30, 0.40, 0.35], 0.35)
    assert state == INCONCLUSIVE and "vary too much" in m["reason"]
    # a run at chance is no evidence about the paper's number
    assert _value([0.33, 0.34, 0.335], 0.90, chance=CHANCE)[0] == UNINFORMATIVE


def test_combine_rule():
    assert combine([SUPPORTED, SUPPORTED]) == SUPPORTED
    assert combine([SUPPORTED, REFUTED, NOT_RUN, INVALID, UNINFORMATIVE]) == REFUTED
    assert combine([SUPPORTED, INVALID, UNINFORMATIVE]) == INVALID
    assert combine([SUPPORTED, UNINFORMATIVE]) == UNINFORMATIVE
    assert combine([SUPPORTED, INCONCLUSIVE]) == INCONCLUSIVE
    assert combine([NOT_RUN, CANNOT_RUN]) == NOT_RUN
    assert combine([CANNOT_RUN]) == CANNOT_RUN
    assert combine([SUPPORTED, CANNOT_RUN]) == INCONCLUSIVE
    assert combine([]) == NOT_RUN


def test_records_store_seeds_and_json_safe_numbers():
    state, records, _ = judge_claim(
        [plan(comparison(">"), {"avg": (3, 3)})],
        runs("a", [0.7, INF, 0.71]) | runs("b", LOW),
        RULES,
        "mini",
        [],
    )
    text = json.dumps(records, allow_nan=False)
    assert state == INVALID and "a seed 2: xnli/zero-shot/avg/accuracy = inf" in text
    assert records[0]["stand_in"].startswith("minibench cls")
    assert (records[0]["seeds_planned"], records[0]["seeds_used"]) == (3, 2)
