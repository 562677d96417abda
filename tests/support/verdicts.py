"""Constructed runs and plans for judging tests: numbers in, claimlab.judging.judge out."""

from __future__ import annotations

from typing import Any

from claimlab.judging.judge import judge_claim
from claimlab.judging.rules import Rules
from claimlab.records import RunView
from claimlab.runs.plan import Check, PredicatePlan, Side

RULES = Rules.load()
ACC = "xnli/zero-shot/{pair}/accuracy"
CHANCE = 1 / 3
"""Chance accuracy of the three-class stand-in used throughout."""


def runs(
    system: str,
    values: list[Any],
    key: str = ACC.format(pair="avg"),
    chance: float | None = CHANCE,
    status: str | list[str] = "succeeded",
    refs: dict[str, list[float | None]] | None = None,
) -> dict[str, RunView]:
    """One run per seed (1, 2, ...) of `system` reporting `values` under `key` (None: no key),
    with ref/chance/<key> and, per seed, the other references `refs` gives (None: not recorded)."""
    out = {}
    for seed, value in enumerate(values, 1):
        state = status if isinstance(status, str) else status[seed - 1]
        metrics: dict[str, Any] = {} if value is None else {key: value}
        if chance is not None and state == "succeeded":
            metrics[f"ref/chance/{key}"] = chance
        for name, per_seed in (refs or {}).items():
            if per_seed[seed - 1] is not None:
                metrics[f"ref/{name}/{key}"] = per_seed[seed - 1]
        digest = f"{system}|{key}|{seed}"
        out[digest] = RunView(seed, digest, "weam", "mini", seed, {}, state, metrics, None, None)
    return out


def side(system: str, seeds: int, key: str = ACC.format(pair="avg")) -> Side:
    """A plan side whose runs are the ones `runs` builds."""
    return Side(system, key, {s: f"{system}|{key}|{s}" for s in range(1, seeds + 1)})


def comparison(op: str, qualifier: str | None = None, **fields: Any) -> dict[str, Any]:
    """A weam accuracy comparison predicate of systems a and b."""
    p = {
        "kind": "comparison",
        "recipe": "weam",
        "lhs": "a",
        "op": op,
        "rhs": "b",
        "metric": "accuracy",
        "task": "xnli",
        "setting": "zero-shot",
        **fields,
    }
    if qualifier:
        p["qualifier"] = qualifier
    return p


def plan(p: dict[str, Any], pairs: dict[str, tuple[int, int]]) -> PredicatePlan:
    """A plan with one check per pair label, each side with its seed count."""
    lhs, rhs = p.get("lhs", "a"), p.get("rhs", "b")
    checks = [
        Check(
            label,
            side(lhs, n_lhs, ACC.format(pair=label)),
            side(rhs, n_rhs, ACC.format(pair=label)) if n_rhs else None,
        )
        for label, (n_lhs, n_rhs) in pairs.items()
    ]
    return PredicatePlan(p, checks)


def judge_pair(
    lhs: list[Any],
    rhs: list[Any],
    op: str,
    qualifier: str | None = None,
    lhs_chance: float | None = CHANCE,
    rhs_chance: float | None = CHANCE,
) -> tuple[str, dict[str, Any]]:
    """(claim state, the check's record) of `a op b` on one average check."""
    found = {**runs("a", lhs, chance=lhs_chance), **runs("b", rhs, chance=rhs_chance)}
    state, records, _ = judge_claim(
        [plan(comparison(op, qualifier), {"avg": (len(lhs), len(rhs))})], found, RULES, "mini", []
    )
    return state, records[0]["measured"]["avg"]
