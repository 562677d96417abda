"""Properties every verdict keeps, whatever the numbers (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from support.verdicts import judge_pair

from claimlab.records import INVALID, NOT_RUN, SUPPORTED, UNINFORMATIVE

GRID = 1024
"""Accuracies are multiples of 1/1024: sums and differences stay exact in floating point."""
CHANCE = 256 / GRID

accuracy = st.integers(min_value=300, max_value=1000).map(lambda k: k / GRID)
seeds = st.integers(min_value=3, max_value=5)


@st.composite
def paired(draw):
    """Two sides measured on the same 3-5 seeds."""
    n = draw(seeds)
    return draw(st.lists(accuracy, min_size=n, max_size=n)), draw(
        st.lists(accuracy, min_size=n, max_size=n)
    )


FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "≈": "≈"}
WORDS = [
    (">", None),
    (">", "significantly"),
    (">", "large margin"),
    (">", "slightly"),
    ("<", None),
    (">=", None),
    ("<=", None),
    ("≈", None),
    ("≈", "similar"),
    ("≈", "not significantly different"),
]
SYMMETRIC = [w for w in WORDS if w[0] != "≈" or w[1] != "almost on par"]
EVERY = [*WORDS, ("≈", "almost on par")]
CASES = settings(max_examples=150, deadline=None)


@CASES
@given(paired(), st.sampled_from(SYMMETRIC))
def test_swapping_sides_with_the_flipped_operator_gives_the_same_verdict(sides, words):
    (lhs, rhs), (op, qualifier) = sides, words
    state, check = judge_pair(lhs, rhs, op, qualifier, CHANCE, CHANCE)
    swapped, other = judge_pair(rhs, lhs, FLIP[op], qualifier, CHANCE, CHANCE)
    assert state == swapped, (check["reason"], other["reason"])


@CASES
@given(paired(), st.sampled_from(EVERY), st.integers(min_value=-200, max_value=200))
def test_adding_a_constant_to_both_sides_changes_nothing(sides, words, shift):
    (lhs, rhs), (op, qualifier), c = sides, words, shift / GRID
    state, check = judge_pair(lhs, rhs, op, qualifier, CHANCE, CHANCE)
    moved = judge_pair(
        [x + c for x in lhs], [x + c for x in rhs], op, qualifier, CHANCE + c, CHANCE + c
    )
    assert moved[0] == state, (check["reason"], moved[1]["reason"])


@CASES
@given(paired(), st.sampled_from(EVERY), st.booleans(), st.integers(min_value=0, max_value=40))
def test_an_uninformative_run_is_never_evidence(sides, words, on_lhs, above):
    (lhs, rhs), (op, qualifier) = sides, words
    collapsed = lhs if on_lhs else rhs
    # this side's chance level sits at or above its mean: it is not above chance
    level = sum(collapsed) / len(collapsed) + above / GRID
    lhs_chance, rhs_chance = (level, CHANCE) if on_lhs else (CHANCE, level)
    state, check = judge_pair(lhs, rhs, op, qualifier, lhs_chance, rhs_chance)
    assert state == UNINFORMATIVE, check["reason"]


@CASES
@given(
    paired(),
    st.sampled_from([None, "similar", "not significantly different", "almost on par"]),
    st.floats(min_value=1.0, max_value=20.0),
)
def test_more_noise_never_turns_an_equivalence_claim_supported(sides, qualifier, factor):
    lhs, rhs = sides

    def noisier(values: list[float]) -> list[float]:
        mean = sum(values) / len(values)
        return [mean + factor * (v - mean) for v in values]

    quiet, _ = judge_pair(lhs, rhs, "≈", qualifier, -100.0, -100.0)
    loud, check = judge_pair(noisier(lhs), noisier(rhs), "≈", qualifier, -100.0, -100.0)
    assert loud not in (INVALID, NOT_RUN)
    if quiet != SUPPORTED:
        assert loud != SUPPORTED, check["reason"]
