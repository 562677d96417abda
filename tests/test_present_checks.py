"""A predicate's checks as the claim page shows them: numbers to 4 digits, a dash where none."""

from support.verdicts import RULES, comparison, plan, runs

from claimlab.judging.judge import judge_claim
from claimlab.present.frames import checks_frame


def _record(lhs_nb: float) -> dict:
    found = {
        **runs("a", [0.70, 0.72, 0.71], refs={"naive-bayes": [lhs_nb] * 3}),
        **runs("b", [0.60, 0.61, 0.625]),
    }
    _, (record,), _ = judge_claim(
        [plan(comparison(">"), {"avg": (3, 3)})], found, RULES, "mini", []
    )
    return record


def test_a_tested_check_shows_its_difference_interval_and_p():
    (row,) = checks_frame(_record(lhs_nb=0.5)).to_dict("records")
    assert (row["check"], row["n"], row["lhs mean"], row["rhs mean"]) == (
        "avg",
        3,
        "0.71",
        "0.6117",
    )
    assert (row["diff"], row["test"]) == ("0.09833", "paired t-test over 3 seeds")
    assert row["interval"].startswith("[0.0") and float(row["p"]) < 0.05


def test_a_screened_check_shows_dashes_not_none():
    (row,) = checks_frame(_record(lhs_nb=0.75)).to_dict("records")
    assert "uninformative" in row["state"]
    assert (row["diff"], row["interval"], row["p"], row["test"]) == ("–", "–", "–", "–")
    assert row["lhs values"] == "0.7, 0.72, 0.71"
