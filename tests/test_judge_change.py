"""Study answers in words by the judge's tests: trend words only for real changes of a margin."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimlab.judging.change import change
from claimlab.judging.rules import Rules
from claimlab.studies.answers import answer
from claimlab.studies.files import Study
from claimlab.studies.tables import Row, interval

RULES = Rules.load()
BASE = [0.30, 0.32, 0.31]


@pytest.mark.parametrize(
    ("first", "last", "word"),
    [
        (BASE, [0.40, 0.41, 0.42], "rises"),
        ([0.40, 0.41, 0.42], BASE, "falls"),
        # real but smaller than the 1-point margin: no trend word
        (BASE, [0.305, 0.326, 0.314], "stays within ±0.01"),
        # the intervals overlap, which is not "no difference": it is no clear change
        (BASE, [0.33, 0.30, 0.36], "no clear change"),
        ([0.30, 0.31], [0.40, 0.41], "too few seeds to tell"),
        ([0.30] * 3, [0.40, 0.41, 0.42], "cannot tell"),
        (BASE, [x + 0.1 for x in BASE], "cannot tell"),
    ],
)
def test_change_words(first, last, word):
    assert change(first, last, "mrr@10", RULES, paired=True).word == word


def test_a_deterministic_metric_may_be_constant():
    moved = change([20.0] * 3, [30.0] * 3, "mean_tokens", RULES, paired=True, deterministic=True)
    assert (moved.word, moved.trend) == ("rises", True)


def _row(level, system, values, chance=0.1, naive_bayes=None):
    mean, lo, hi = interval(values)
    refs = [chance] * len(values)
    trivial = {"naive-bayes": [naive_bayes] * len(values)} if naive_bayes else {}
    return Row(level, system, "en-de", len(values), mean, lo, hi, values, 0, refs, trivial)


def _study():
    return Study(
        path="s.yaml",
        name="s",
        question="q",
        recipe="codeswitch",
        factor="switch_prob",
        levels=[0.25, 0.5, 1.0],
        task="passage-reranking",
        metric="mrr@10",
        systems=["bl-cs"],
        setting="clir",
        profile="smoke",
        seeds=3,
        label="p",
    )


def _system_study(levels):
    """An XNLI zero-shot study whose factor is the system, the first level its reference."""
    return replace(
        _study(),
        factor="system",
        recipe="weam",
        task="xnli",
        metric="accuracy",
        setting="zero-shot",
        levels=levels,
    )


def test_answer_compares_the_first_and_last_declared_levels_not_best_and_worst():
    study = _study()
    rows = [
        _row(0.25, "bl-cs", BASE),
        _row(0.5, "bl-cs", [0.60, 0.62, 0.61]),  # the best cell, in the middle
        _row(1.0, "bl-cs", [0.305, 0.326, 0.314]),
    ]
    text = answer(study, rows)
    assert ", from p=0.25 to p=1.0: en-de: bl-cs: stays within ±0.01 (0.310, n=3 to 0.315" in text
    assert "0.610" not in text and "highest" not in text and "overlap" not in text


def test_a_cell_at_chance_makes_the_answer_uninformative_not_a_trend():
    rows = [
        _row(0.25, "bl-cs", [0.30, 0.31, 0.32], chance=0.31),
        _row(1.0, "bl-cs", [0.6, 0.62, 0.61]),
    ]
    text = answer(_study(), rows)
    assert (
        "bl-cs: uninformative (bl-cs at 0.25 is not significantly above chance: 0.310 vs 0.310"
        in text
    )
    assert "rises" not in text


def test_a_cell_without_a_recorded_chance_level_is_uninformative():
    rows = [
        _row(0.25, "bl-cs", [0.30, 0.31, 0.32], chance=None),
        _row(1.0, "bl-cs", [0.6, 0.62, 0.61]),
    ]
    text = answer(_study(), rows)
    assert "uninformative (bl-cs at 0.25: the runs recorded no reference baseline)" in text


def test_a_cell_no_better_than_naive_bayes_makes_the_answer_uninformative():
    rows = [
        _row(0.25, "bl-cs", [0.30, 0.31, 0.32], naive_bayes=0.2),
        _row(1.0, "bl-cs", [0.6, 0.62, 0.61], naive_bayes=0.7),
    ]
    text = answer(_study(), rows)
    assert (
        "bl-cs: uninformative (bl-cs at 1.0 is not significantly above a bag-of-words naive "
        "Bayes: 0.610 vs 0.700" in text
    )
    assert "rises" not in text
    rows[1] = _row(1.0, "bl-cs", [0.6, 0.62, 0.61], naive_bayes=0.5)
    assert "bl-cs: rises (0.310, n=3 to 0.610, n=3" in answer(_study(), rows)


def test_with_system_as_the_factor_each_system_is_compared_with_the_first():
    study = _system_study(["mbert", "mbert+cs", "mbert+weam"])
    rows = [
        _row("mbert", "mbert", BASE),
        _row("mbert+cs", "mbert+cs", [0.40, 0.41, 0.42]),
        _row("mbert+weam", "mbert+weam", [0.30, 0.31, 0.32], naive_bayes=0.35),
    ]
    text = answer(study, rows)
    assert ", each system against mbert: en-de: mbert+cs against mbert: rises (0.310" in text
    assert (
        "; mbert+weam against mbert: uninformative (mbert+weam is not significantly above a "
        "bag-of-words naive Bayes: 0.310 vs 0.350" in text
    )


def test_comparisons_the_judge_words_the_same_are_named_once_together():
    study = _system_study(["mbert", "mbert+cs", "mbert+tlm", "mbert+weam"])
    rows = [
        _row("mbert", "mbert", BASE, naive_bayes=0.35),  # the reference sits below naive Bayes
        _row("mbert+cs", "mbert+cs", [0.40, 0.41, 0.42]),
        _row("mbert+tlm", "mbert+tlm", [0.30, 0.31, 0.32]),
        _row("mbert+weam", "mbert+weam", [0.33, 0.34, 0.35]),
    ]
    text = answer(study, rows)
    assert (
        "en-de: mbert+cs, mbert+tlm and mbert+weam against mbert: uninformative (mbert is not "
        "significantly above a bag-of-words naive Bayes: 0.310 vs 0.350" in text
    )
    assert text.count("uninformative") == 1
    rows[0] = _row("mbert", "mbert", BASE, naive_bayes=0.2)
    text = answer(study, rows)
    assert "en-de: mbert+cs against mbert: rises (0.310, n=3 to 0.410" in text
    assert "; mbert+tlm against mbert: no clear change (0.310, n=3 to 0.310" in text
    assert "; mbert+weam against mbert: rises (0.310, n=3 to 0.340" in text
    assert "uninformative" not in text
