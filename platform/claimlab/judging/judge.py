"""Judge a claim at a profile from its predicate plans and the runs' measured numbers."""

from __future__ import annotations

from typing import Any

from claimlab.claims.predicates import kind_of
from claimlab.judging import checks, stats
from claimlab.judging.checks import CheckResult
from claimlab.judging.hyperparameters import judge_hyperparameter
from claimlab.judging.measure import read_side
from claimlab.judging.rules import Rules
from claimlab.records import (
    CANNOT_RUN,
    INCONCLUSIVE,
    INVALID,
    NOT_RUN,
    REFUTED,
    SUPPORTED,
    UNINFORMATIVE,
    RunView,
)
from claimlab.runs import recipes
from claimlab.runs.plan import PredicatePlan

COMBINE_RULE = (
    "all predicates supported -> supported; any refuted -> refuted (only valid, informative "
    "checks can refute; refutation tests Holm-corrected over the claim's {checks} check(s)); "
    "otherwise any invalid measurement -> invalid measurement; any uninformative -> "
    "uninformative; all not run -> not run; all cannot run at this profile -> cannot run at "
    "this profile; otherwise inconclusive. A predicate's checks (language pairs) combine the "
    "same way."
)
"""How predicate states make the claim's state (and check states a predicate's)."""


def combine(states: list[str]) -> str:
    """A claim's state from its predicates' states, or a predicate's from its checks'."""
    if not states:
        return NOT_RUN
    runnable = [s for s in states if s != CANNOT_RUN]
    if not runnable:
        return CANNOT_RUN
    if REFUTED in runnable:
        return REFUTED
    if all(s == SUPPORTED for s in states):
        return SUPPORTED
    for state in (INVALID, UNINFORMATIVE):
        if state in runnable:
            return state
    if all(s == NOT_RUN for s in runnable):
        return NOT_RUN
    return INCONCLUSIVE


def _claimed(p: dict[str, Any]) -> Any:
    kind = kind_of(p)
    if kind in ("value", "hyperparameter"):
        return p["value"]
    lhs = p["lhs"] + (f" @{p['lhs_task']}" if p.get("lhs_task") else "")
    rhs = p["rhs"] + (f" @{p['rhs_task']}" if p.get("rhs_task") else "")
    if p.get("lhs_setting") or p.get("rhs_setting"):
        lhs += f" ({p.get('lhs_setting') or p.get('setting')})"
        rhs += f" ({p.get('rhs_setting') or p.get('setting')})"
    text = f"{lhs} {p['op']} {rhs}"
    if p.get("margin"):
        text += f" by {p['margin']['value']:g} {p['margin']['unit']}"
    text += f", {p['qualifier']}" if p.get("qualifier") else ""
    return text + (f" ({p['hedge']})" if p.get("hedge") else "")


class _Predicate:
    """One predicate's checks, tested before the claim's Holm step and decided after."""

    def __init__(self, plan: PredicatePlan, runs: dict[str, RunView], rules: Rules) -> None:
        self.plan, self.p = plan, plan.predicate
        self.checks: list[CheckResult] = []
        self.fixed: tuple[str, str, Any] | None = None
        self.rule_words = ""
        kind = kind_of(self.p)
        if kind == "hyperparameter":
            return
        if plan.cannot_run:
            self.fixed = CANNOT_RUN, plan.cannot_run, None
            return
        table = recipes.capabilities()[self.p["recipe"]]
        metric = self.p.get("metric", "")
        if kind == "value":
            k = int(self.p.get("paper_runs") or 1)
            for c in plan.checks:
                self.checks.append(
                    checks.value(
                        c.label,
                        read_side(c.lhs, runs),
                        float(self.p["value"]),
                        k,
                        metric,
                        table,
                        rules,
                    )
                )
            return
        rule, flipped, key = rules.rule_for(self.p.get("op", ""), self.p.get("qualifier"))
        for c in plan.checks:
            assert c.rhs is not None
            self.checks.append(
                checks.comparison(
                    c.label,
                    read_side(c.lhs, runs),
                    read_side(c.rhs, runs),
                    rule,
                    flipped,
                    key,
                    metric,
                    table,
                    rules,
                )
            )

    @property
    def tested(self) -> list[CheckResult]:
        """Checks waiting for the claim's Holm step."""
        return [c for c in self.checks if c.state is None]

    def record(self, profile: str, evidence: list[str]) -> dict[str, Any]:
        """The stored record of this predicate's judgement."""
        p = self.p
        base: dict[str, Any] = {"predicate": p, "claimed": _claimed(p)}
        if kind_of(p) == "hyperparameter":
            table = recipes.capabilities()[p["recipe"]]
            state, rule, measured = judge_hyperparameter(p, evidence, table)
            return {**base, "state": state, "rule": rule, "measured": measured, "n_seeds": 0}
        if self.fixed:
            state, rule, measured = self.fixed
            return {**base, "state": state, "rule": rule, "measured": measured, "n_seeds": 0}
        states = [c.state or INCONCLUSIVE for c in self.checks]
        used = [len(s["seeds"]["used"]) for c in self.checks for s in _sides(c.measured)]
        planned = [len(s["seeds"]["planned"]) for c in self.checks for s in _sides(c.measured)]
        return {
            **base,
            "state": combine(states),
            "rule": self._rule(),
            "measured": {c.label: c.record() for c in self.checks},
            "n_seeds": min(used, default=0),
            "seeds_planned": max(planned, default=0),
            "seeds_used": min(used, default=0),
            "stand_in": _stand_in(p, profile),
        }

    def _rule(self) -> str:
        words = next((c.measured["rule"] for c in self.checks if "rule" in c.measured), "")
        if len(self.checks) == 1:
            return words or self.checks[0].reason
        head = f"each of {len(self.checks)} checks ({', '.join(c.label for c in self.checks)})"
        notes = [f"{c.label}: {c.state}" for c in self.checks]
        text = f"{head}: {words}" if words else head
        if self.p.get("margin"):
            text += "; the stated size is shown, not tested"
        return f"{text} [{'; '.join(notes)}]"


def _sides(measured: dict[str, Any]) -> list[dict[str, Any]]:
    sides = [measured[s] for s in ("lhs", "rhs") if s in measured]
    return sides or [measured]


def _stand_in(p: dict[str, Any], profile: str) -> str | None:
    task = recipes.capabilities()[p["recipe"]]["tasks"].get(p.get("task"), {})
    return task.get("details", {}).get("stand_in", {}).get(profile)


def judge_claim(
    plans: list[PredicatePlan],
    runs: dict[str, RunView],
    rules: Rules,
    profile: str,
    evidence: list[str],
) -> tuple[str, list[dict[str, Any]], str]:
    """The claim's state, its predicate records and the rule in words."""
    predicates = [_Predicate(plan, runs, rules) for plan in plans]
    tested = [c for pred in predicates for c in pred.tested]
    adjusted = stats.holm([c.p_refute for c in tested])  # type: ignore[misc]
    for check, p_holm in zip(tested, adjusted, strict=True):
        check.decide(p_holm, rules.alpha)
    records = [pred.record(profile, evidence) for pred in predicates]
    state = combine([r["state"] for r in records])
    rule = COMBINE_RULE.format(checks=len(tested))
    return state, records, f"{rule} ({len(records)} predicate(s) at profile {profile})"
