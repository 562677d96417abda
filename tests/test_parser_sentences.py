"""The claim parser on a set of sentences written for the tests, each with its exact reading.

Counts: right (the exact expected predicates, or the expected needs-spec / description),
needs-spec (expected predicates, got needs-spec: allowed, never a guess) and wrong
(anything else: a reading that differs, or predicates where needs-spec was expected).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from claimlab.claims.parser import SpecParser, validate
from reproductions import contract

FIXTURE = Path(__file__).parent / "fixtures" / "claim_sentences.yaml"
DATA = yaml.safe_load(FIXTURE.read_text())
SENTENCES = DATA["sentences"]
FIELDS = (
    "kind lhs op rhs metric task setting lhs_setting rhs_setting lhs_task rhs_task pairs "
    "qualifier margin hedge parameter value"
).split()
CAPS = contract.capabilities()
PARSER = SpecParser(CAPS)


def _expected(entry: dict) -> list[dict] | str:
    """The fixture's predicates with the recipe's task and metric filled in where unstated."""
    if isinstance(entry["expect"], str):
        return entry["expect"]
    out = []
    for p in entry["expect"]:
        p = {"kind": "comparison", **p}
        if p["kind"] in ("comparison", "value"):
            p = {**DATA["defaults"][entry["recipe"]], **p}
        out.append({k: p[k] for k in FIELDS if k in p})
    return out


def _got(predicates: list[dict]) -> list[dict]:
    return [{k: p[k] for k in FIELDS if p.get(k) is not None} for p in predicates]


def _key(p: dict) -> str:
    return repr(sorted(p.items()))


def outcome(entry: dict) -> tuple[str, object]:
    """("right" | "needs-spec" | "wrong", what the parser gave)."""
    spec = PARSER.parse(entry["text"], entry.get("truncated", False))
    expected = _expected(entry)
    if isinstance(expected, str):
        return ("right" if spec.status == expected else "wrong"), (spec.status, spec.reason)
    if spec.status == "needs-spec":
        return "needs-spec", spec.reason
    if spec.status != "parsed":
        return "wrong", (spec.status, spec.reason)
    got = _got(validate(spec.predicates, CAPS))
    same = sorted(map(_key, got)) == sorted(map(_key, expected))
    return ("right" if same else "wrong"), got


def test_fixture_is_large_enough_and_covers_negation_and_passive():
    tagged = [s for s in SENTENCES if {"neg", "passive"} & set(s.get("tags", []))]
    assert len(SENTENCES) >= 80
    assert len(tagged) >= 25
    assert {s["recipe"] for s in SENTENCES} >= {"weam", "codeswitch"}


@pytest.mark.parametrize("entry", SENTENCES, ids=[s["text"][:60] for s in SENTENCES])
def test_sentence(entry):
    state, got = outcome(entry)
    assert state != "wrong", f"expected {_expected(entry)}, got {got}"


@pytest.mark.parametrize("entry", SENTENCES, ids=[s["text"][:60] for s in SENTENCES])
def test_source_is_the_claims_own_words(entry):
    spec = PARSER.parse(entry["text"], entry.get("truncated", False))
    for p in spec.predicates:
        assert p["source"] and p["source"] in entry["text"], p


def test_counts(capsys):
    counts = Counter(outcome(entry)[0] for entry in SENTENCES)
    tagged = sum(1 for s in SENTENCES if {"neg", "passive"} & set(s.get("tags", [])))
    with capsys.disabled():
        print(
            f"\nclaim sentences: {len(SENTENCES)} ({tagged} with negation or passive voice); "
            f"right {counts['right']}, needs-spec {counts['needs-spec']}, wrong {counts['wrong']}"
        )
    assert counts["wrong"] == 0
    assert counts["needs-spec"] <= 5  # expected readings the parser gave up on: keep it low
