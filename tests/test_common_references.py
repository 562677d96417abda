"""Reference baselines on hand-made examples with known counts."""

from __future__ import annotations

import itertools
import math

import pytest

from reproductions.common.references import (
    first_stage_rr,
    fit_naive_bayes,
    majority_accuracy,
    naive_bayes_accuracy,
    random_order_rr,
    words,
)


def test_majority_class_is_the_most_frequent_training_label():
    train = ["a", "a", "a", "b", "c"]
    assert majority_accuracy(train, ["a", "a", "b", "c"]) == 0.5
    assert majority_accuracy(train, ["a", "a", "a", "b"]) == 0.75


def test_majority_accuracy_is_never_below_one_over_classes():
    # the majority class "a" is 1 of 5 test labels (0.2), below 1/3
    assert majority_accuracy(["a", "a", "b", "c"], ["a", "b", "b", "c", "c"]) == pytest.approx(
        1 / 3
    )


def test_majority_tie_goes_to_the_first_label_in_sorted_order():
    assert majority_accuracy(["b", "a", "b", "a"], ["a", "a", "a", "b"]) == 0.75


def test_words_are_lower_cased_word_runs():
    assert words("Open the FILE-menu, then Save.") == [
        "open",
        "the",
        "file",
        "menu",
        "then",
        "save",
    ]


def test_naive_bayes_probabilities_from_known_counts():
    # pos: good x2, movie x1 (3 words); neg: bad x1, movie x1 (2 words); |V| = 3, alpha = 1
    model = fit_naive_bayes(["good good movie", "bad movie"], ["pos", "neg"])
    assert model.classes == ["neg", "pos"]
    prob = {w: math.exp(model.log_likelihood[i][1]) for w, i in model.vocabulary.items()}
    assert prob == pytest.approx({"good": 3 / 6, "movie": 2 / 6, "bad": 1 / 6})
    prob = {w: math.exp(model.log_likelihood[i][0]) for w, i in model.vocabulary.items()}
    assert prob == pytest.approx({"good": 1 / 5, "movie": 2 / 5, "bad": 2 / 5})
    assert [math.exp(x) for x in model.log_prior] == pytest.approx([0.5, 0.5])
    # "movie": 1/3 (pos) < 2/5 (neg); an unknown word leaves the tie to the first class
    assert model.predict(["GOOD", "bad", "movie", "great"]) == ["pos", "neg", "neg", "neg"]


def test_naive_bayes_accuracy_counts_hits_on_the_test_set():
    train = (["good good movie", "bad movie"], ["pos", "neg"])
    assert (
        naive_bayes_accuracy(*train, ["good", "bad", "movie", "good"], ["pos", "pos", "neg", "neg"])
        == 0.5
    )


def test_random_order_rr_with_one_relevant_in_n():
    harmonic = sum(1 / r for r in range(1, 11))
    assert random_order_rr(20, 1, 10) == pytest.approx(harmonic / 20)
    assert random_order_rr(8, 1, 10) == pytest.approx(sum(1 / r for r in range(1, 9)) / 8)
    assert random_order_rr(2, 1) == 0.75
    assert random_order_rr(5, 0) == 0.0


@pytest.mark.parametrize(("n", "m", "k"), [(6, 2, 3), (5, 3, 10), (7, 1, 4), (4, 4, 2)])
def test_random_order_rr_equals_the_average_over_every_order(n, m, k):
    relevant = set(range(m))
    orders = list(itertools.permutations(range(n)))
    brute = sum(first_stage_rr(order, relevant, k) for order in orders) / len(orders)
    assert random_order_rr(n, m, k) == pytest.approx(brute)


def test_first_stage_rr_reads_the_given_order():
    assert first_stage_rr(["x", "y", "z"], {"z"}, 10) == pytest.approx(1 / 3)
    assert first_stage_rr(["x", "y", "z"], {"z", "y"}, 10) == 0.5
    assert first_stage_rr(["x", "y", "z"], {"z"}, 2) == 0.0
