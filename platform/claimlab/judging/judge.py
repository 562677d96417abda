"""Judge a claim at a profile from its predicate plans and the runs' measured numbers."""

from __future__ import annotations

import re
from typing import Any

from claimlab.judging import stats as v
from claimlab.runs import recipes
from claimlab.runs.plan import Check, PredicatePlan, Side
from claimlab.store.entities import RunView


def _claimed(p: dict[str, Any]) -> Any:
    kind = p.get("kind", "comparison")
    if kind in ("value", "hyperparameter"):
        return p["value"]
    lhs = p["lhs"] + (f" @{p['lhs_task']}" if p.get("lhs_task") else "")
    rhs = p["rhs"] + (f" @{p['rhs_task']}" if p.get("rhs_task") else "")
    if p.get("lhs_setting") or p.get("rhs_setting"):
        lhs += f" ({p.get('lhs_setting') or p.get('setting')})"
        rhs += f" ({p.get('rhs_setting') or p.get('setting')})"
    text = f"{lhs} {p['op']} {rhs}"
    return text + (f", {p['qualifier']}" if p.get("qualifier") else "")


def _values(side: Side, runs: dict[str, RunView]) -> tuple[dict[int, float], str | None]:
    """Per-seed values of a side, or the reason they are missing (not run / cannot run)."""
    values, missing, unmeasured = {}, [], []
    for seed, digest in side.runs.items():
        run = runs.get(digest)
        if run is None or run.status != "succeeded":
            missing.append(f"seed {seed}: {run.status if run else 'not queued'}")
            continue
        value = run.metrics.get(side.metric_key)
        if value is None:
            unmeasured.append(seed)
        else:
            values[seed] = float(value)
    if unmeasured and not values:
        return {}, f"cannot: the recipe did not measure {side.metric_key}"
    if missing and not values:
        return {}, "not run: " + "; ".join(missing)
    return values, None


def _check(check: Check, p: dict[str, Any], runs: dict[str, RunView], rules: v.Rules):
    lhs, why = _values(check.lhs, runs)
    rhs, why_r = _values(check.rhs, runs) if check.rhs else ({}, None)
    reason = why or why_r
    if reason:
        state = v.CANNOT_RUN if reason.startswith("cannot") else v.NOT_RUN
        return v.Outcome(state, reason, {})
    if check.rhs is None:
        return v.judge_value([lhs[s] for s in sorted(lhs)], p["value"], rules)
    paired = sorted(lhs) == sorted(rhs)
    a, b = [lhs[s] for s in sorted(lhs)], [rhs[s] for s in sorted(rhs)]
    return v.judge_comparison(a, b, p["op"], p.get("qualifier"), rules, paired=paired)


def judge_predicate(
    plan: PredicatePlan,
    runs: dict[str, RunView],
    rules: v.Rules,
    profile: str,
    evidence: list[str],
) -> dict[str, Any]:
    """The stored record of one predicate's judgement."""
    p = plan.predicate
    record: dict[str, Any] = {"predicate": p, "claimed": _claimed(p)}
    if p.get("kind") == "hyperparameter":
        state, rule, measured = _hyperparameter(p, evidence)
        return {**record, "state": state, "rule": rule, "measured": measured, "n_seeds": 0}
    if plan.cannot_run:
        return {
            **record,
            "state": v.CANNOT_RUN,
            "rule": plan.cannot_run,
            "measured": None,
            "n_seeds": 0,
        }
    outcomes = [(c.label, _check(c, p, runs, rules)) for c in plan.checks]
    state = v.combine([o.state for _, o in outcomes])
    n_seeds = min(
        (o.measured.get("lhs", o.measured).get("n", 0) for _, o in outcomes if o.measured),
        default=0,
    )
    stand_in = (
        recipes.capabilities()[p["recipe"]]["tasks"]
        .get(p.get("task"), {})
        .get("details", {})
        .get("stand_in", {})
        .get(profile)
    )
    rule = (
        outcomes[0][1].rule
        if len(outcomes) == 1
        else (f"each of {len(outcomes)} language pairs: {outcomes[0][1].rule}")
    )
    measured = {label: o.measured | {"state": o.state} for label, o in outcomes}
    return {
        **record,
        "state": state,
        "rule": rule,
        "measured": measured,
        "n_seeds": n_seeds,
        "stand_in": stand_in,
    }


def _hyperparameter(p: dict[str, Any], evidence: list[str]) -> tuple[str, str, dict[str, Any]]:
    """Check a claimed setting against the grounded passages, then the recipe's paper config."""
    entry = recipes.capabilities()[p["recipe"]]["parameters"][p["parameter"]]
    paper = entry.get("details", {}).get("paper")
    names = [p["parameter"], *entry.get("aliases", [])]
    in_source = _source_value(evidence, names)
    measured = {"paper_config": paper, "source": in_source}
    if in_source is not None:
        ok = abs(in_source - float(p["value"])) <= 1e-9 * max(1.0, abs(in_source))
        state = v.SUPPORTED if ok else v.REFUTED
        return (
            state,
            "consistent with the paper's text" if ok else "contradicted by the paper's text",
            measured,
        )
    note = "not found in source"
    if paper is not None:
        agrees = abs(float(paper) - float(p["value"])) <= 1e-12 + 1e-9 * abs(float(paper))
        note += f"; the recipe's paper profile uses {paper} ({'same' if agrees else 'different'})"
    return v.INCONCLUSIVE, note, measured


def _source_value(texts: list[str], names: list[str]) -> float | None:
    """The number a passage gives for a parameter ("learning rate of 5e-5"), if any."""
    for text in texts:
        for name in names:
            pattern = re.escape(name).replace(r"\ ", r"\s+").replace("_", "[ _]")
            m = re.search(
                rf"{pattern}\W{{0,3}}(?:is\s+|was\s+|of\s+|to\s+|=\s*|as\s+|set\s+to\s+)*"
                r"([-+]?\d+(?:\.\d+)?(?:e-?\d+)?)",
                text,
                re.I,
            )
            if m:
                return float(m.group(1))
    return None


def judge_claim(
    plans: list[PredicatePlan],
    runs: dict[str, RunView],
    rules: v.Rules,
    profile: str,
    evidence: list[str],
) -> tuple[str, list[dict[str, Any]], str]:
    """The claim's state, its predicate records and the rule in words."""
    records = [judge_predicate(p, runs, rules, profile, evidence) for p in plans]
    state = v.combine([r["state"] for r in records])
    rule = (
        "all predicates supported -> supported; any refuted -> refuted; otherwise inconclusive "
        f"({len(records)} predicate(s) at profile {profile})"
    )
    return state, records, rule
