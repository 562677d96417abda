"""Claimed hyperparameters against the numbers the paper's passages give for them."""

from __future__ import annotations

import pytest

from claimlab.judging.hyperparameters import judge_hyperparameter, source_values
from claimlab.records import INCONCLUSIVE, REFUTED, SUPPORTED
from claimlab.runs import recipes

TABLE = {
    "parameters": {
        "learning_rate": {"aliases": ["lr", "learning rate"], "details": {"paper": 5e-5}},
        "batch_size": {"aliases": ["batch size"], "details": {"paper": 32}},
        "mask_prob": {"aliases": ["masking probability", "p"], "details": {"paper": 0.3}},
        "train_steps": {"aliases": ["training steps"], "details": {}},
        "weam_lambda": {"aliases": ["lambda", "λ", "loss weight"], "details": {"paper": 1.0}},
    }
}
LR = ["learning_rate", "lr", "learning rate"]
OTHERS = ["batch size", "masking probability", "training steps", "λ", "lambda"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("We use a learning rate of 5e-5.", [5e-5]),
        ("The learning rate is 5e−5 throughout.", [5e-5]),
        ("with a learning rate of 5 × 10^-5 and", [5e-5]),
        ("learning rate = 5·10⁻⁵", [5e-5]),
        ("The learning rate was set to 0.00005", [5e-5]),
        ("learning rate 5E-05", [5e-5]),
        ("The learning rate is set to 5e-5, the batch size to 32", [5e-5]),
        ("learning rate of 5e-5 for 3 epochs", [5e-5]),
        ("learning rates of 1e-5, 3e-5 and 5e-5 were tried", [1e-5, 3e-5, 5e-5]),
        ("a learning rate of 5e-5 (pre-training) and 2e-5 (fine-tuning)", [5e-5, 2e-5]),
        ("The learning rate matters. We train 3 epochs.", []),
        ("We use 5e-5 as the learning rate.", []),
    ],
)
def test_learning_rate_in_passages(text, values):
    assert source_values([text], LR, OTHERS) == pytest.approx(values)


@pytest.mark.parametrize(
    ("parameter", "claimed", "text", "state", "source"),
    [
        ("mask_prob", 0.3, "The masking probability is 30 %.", SUPPORTED, 0.3),
        ("mask_prob", 0.3, "a masking probability of 30%", SUPPORTED, 0.3),
        ("mask_prob", 0.15, "a masking probability of 30%", REFUTED, 0.3),
        ("train_steps", 1000, "We run 1,000 training steps", INCONCLUSIVE, None),
        ("train_steps", 1000, "training steps: 1,000 in total", SUPPORTED, 1000),
        ("weam_lambda", 1, "we set λ = 1 in all runs", SUPPORTED, 1),
        ("weam_lambda", 0.5, "the loss weight λ=1.0", REFUTED, 1),
        ("learning_rate", 5e-5, "learning rate of 5e-5 and 2e-5", INCONCLUSIVE, None),
        ("learning_rate", 2e-5, "The learning rate is 5 × 10^-5.", REFUTED, 5e-5),
        ("batch_size", 32, "Nothing about it here.", INCONCLUSIVE, None),
    ],
)
def test_judge_hyperparameter(parameter, claimed, text, state, source):
    p = {"kind": "hyperparameter", "recipe": "x", "parameter": parameter, "value": claimed}
    got, rule, measured = judge_hyperparameter(p, [text], TABLE)
    assert (got, measured["source"]) == (state, source), rule


def test_several_values_and_missing_values_say_why():
    p = {"kind": "hyperparameter", "recipe": "x", "parameter": "learning_rate", "value": 5e-5}
    state, rule, measured = judge_hyperparameter(p, ["lr 5e-5", "lr 2e-5"], TABLE)
    assert (
        state == INCONCLUSIVE and rule == "the passages give several values for it (5e-05, 2e-05)"
    )
    assert measured["candidates"] == [5e-5, 2e-5]
    state, rule, _ = judge_hyperparameter({**p, "value": 1e-4}, [], TABLE)
    assert (state, rule) == (
        INCONCLUSIVE,
        "not found in source; the recipe's paper profile uses 5e-05 (different)",
    )


def test_the_recipes_own_aliases_are_read():
    weam = recipes.capabilities()["weam"]
    p = {"kind": "hyperparameter", "recipe": "weam", "parameter": "weam_lambda", "value": 1.0}
    state, _, measured = judge_hyperparameter(p, ["The loss is MLM + λ · CL with λ = 1."], weam)
    assert (state, measured["source"]) == (SUPPORTED, 1)
    p = {"kind": "hyperparameter", "recipe": "weam", "parameter": "learning_rate", "value": 5e-5}
    state, _, measured = judge_hyperparameter(p, ["We use an lr of 5 × 10^-5."], weam)
    assert (state, measured["source"]) == (SUPPORTED, 5e-5)
