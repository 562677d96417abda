"""One check of a predicate (a pair, or the average): screened, tested, then decided.

A check is screened in this order, the first that applies giving its state: a number that is
not finite -> invalid measurement; no numbers -> not run / cannot run; no rule or margin for
its wording or metric -> inconclusive; fewer than `min_seeds` seeds used on a side ->
inconclusive; a side not significantly above its run's chance level (or no chance level
recorded, for a metric that varies by seed), or above a trivial model its runs record beside
the metric (naive Bayes) -> uninformative; seeds that did not vary on a
metric that should -> inconclusive. Otherwise it is tested, and decided once the claim's
refutation p-values have been Holm-corrected together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimlab.judging import stats
from claimlab.judging.measure import TRIVIAL, SideData, json_safe, ref_key
from claimlab.judging.rules import Rule, Rules
from claimlab.records import (
    CANNOT_RUN,
    INCONCLUSIVE,
    INVALID,
    NOT_RUN,
    REFUTED,
    SUPPORTED,
    UNINFORMATIVE,
)


@dataclass
class CheckResult:
    """A check's numbers and, once decided, its state and the reason."""

    label: str
    measured: dict[str, Any]
    state: str | None = None
    reason: str = ""
    p_support: float | None = None
    p_refute: float | None = None
    numbers: str = ""
    """The tested numbers in words, e.g. '90% interval of lhs − rhs [0.05, 0.11]'."""
    undecided: str = "neither test rejects at α: the seeds cannot tell"

    def decide(self, p_refute_holm: float, alpha: float) -> None:
        """Supported, refuted or inconclusive from the test and the Holm-adjusted refutation."""
        assert self.p_support is not None and self.p_refute is not None
        self.measured["p_refute_holm"] = p_refute_holm
        supported, refuted = self.p_support < alpha, p_refute_holm < alpha
        tests = f"support p = {self.p_support:.3g}, refutation p (Holm) = {p_refute_holm:.3g}"
        if supported and refuted:
            self.state = INCONCLUSIVE
            why = "both tests reject: a real difference, but smaller than the wording's margin"
        elif supported:
            self.state, why = SUPPORTED, "the support test rejects"
        elif refuted:
            self.state, why = REFUTED, "the refutation test rejects after Holm's correction"
        else:
            self.state, why = INCONCLUSIVE, self.undecided
        self.reason = f"{why}; {self.numbers}; {tests}"

    def record(self) -> dict[str, Any]:
        """What is stored for this check."""
        return json_safe({**self.measured, "state": self.state, "reason": self.reason})


def deterministic(table: dict[str, Any], metric: str) -> bool:
    """Whether `metric` is declared not to vary by seed."""
    return bool(table["metrics"].get(metric, {}).get("details", {}).get("deterministic"))


def _side_record(data: SideData) -> dict[str, Any]:
    values = data.ordered()
    chance = [data.chance[s] for s in data.used if data.chance.get(s) is not None]
    return {
        "system": data.system,
        "key": data.key,
        **stats.summary(values),
        "seeds": data.seeds_record(),
        "chance": stats.summary(chance)["mean"] if chance else None,
        **{
            name: stats.summary([by_seed[s] for s in data.used if s in by_seed])["mean"]
            for name, by_seed in data.trivial.items()
        },
    }


def screen(sides: list[SideData], table: dict[str, Any], metric: str, rules: Rules):
    """(state, reason) when the sides cannot be tested, else None."""
    invalid = [why for s in sides for why in s.invalid]
    if invalid:
        return INVALID, "not a finite number: " + "; ".join(invalid)
    for s in sides:
        if not s.values:
            if s.unmeasured and not s.pending:
                return CANNOT_RUN, f"cannot: the recipe did not measure {s.key}"
            waiting = [f"seed {seed}: {why}" for seed, why in sorted(s.failed.items())]
            waiting += [f"seed {seed}: not finished" for seed in s.pending]
            return NOT_RUN, f"not run ({s.system}): " + "; ".join(waiting)
    short = [s for s in sides if len(s.values) < rules.min_seeds]
    if short:
        used = ", ".join(f"{s.system}: {len(s.values)} of {len(s.planned)}" for s in sides)
        failed = [f"{s.system} seed {k}: {why}" for s in sides for k, why in s.failed.items()]
        note = f"; failed: {'; '.join(failed)}" if failed else ""
        return INCONCLUSIVE, (
            f"seeds used ({used}){note}; support or refutation needs at least "
            f"{rules.min_seeds} on each side"
        )
    if deterministic(table, metric):
        return None
    higher = table["metrics"].get(metric, {}).get("details", {}).get("higher_is_better", True)
    for s in sides:
        missing = [seed for seed in s.used if s.chance.get(seed) is None]
        if missing:
            return UNINFORMATIVE, (
                f"the run recorded no reference baseline ({ref_key('chance', s.key)}) for "
                f"{s.system}, seed(s) {', '.join(map(str, missing))}"
            )
        floors = {"chance": [s.chance[seed] for seed in s.used]}
        for name, by_seed in s.trivial.items():
            missing = [seed for seed in s.used if seed not in by_seed]
            if missing:
                return UNINFORMATIVE, (
                    f"{s.system} seed(s) {', '.join(map(str, missing))} did not record "
                    f"ref/{name}/{s.key}, which the other seeds did"
                )
            floors[name] = [by_seed[seed] for seed in s.used]
        for name, floor in floors.items():
            why = _not_beyond(s, floor, name, higher, rules.alpha)
            if why:
                return UNINFORMATIVE, why
    for s in sides:
        if not stats.varies(s.ordered()):
            return INCONCLUSIVE, (
                f"the seeds did not vary: {s.system} gives {s.ordered()[0]:.6g} on every seed "
                f"of a metric that should vary by seed"
            )
    return None


def _not_beyond(
    s: SideData, floor: list[float], name: str, higher: bool, alpha: float
) -> str | None:
    """Why side `s` is no better than the baseline `name` seed by seed, else None."""
    values = s.ordered()
    ok, p = stats.above(values, floor, alpha) if higher else stats.above(floor, values, alpha)
    if ok:
        return None
    what = TRIVIAL.get(name, name)
    return (
        f"{s.system} is not significantly {'above' if higher else 'below'} {what} "
        f"(mean {stats.summary(values)['mean']:.4g} vs {name} "
        f"{stats.summary(floor)['mean']:.4g}, one-sided p = {p:.3g})"
    )


def comparison(
    label: str,
    lhs: SideData,
    rhs: SideData,
    rule: Rule | None,
    flipped: bool,
    key: str,
    metric: str,
    table: dict[str, Any],
    rules: Rules,
) -> CheckResult:
    """A tested (undecided) or screened-out check of lhs op rhs."""
    result = CheckResult(label, {"lhs": _side_record(lhs), "rhs": _side_record(rhs)})
    scale = rules.metrics.get(metric)
    config = None
    if scale is None:
        config = INCONCLUSIVE, f"qualifiers.toml has no margin for metric {metric!r}"
    elif not scale.compare:
        config = INCONCLUSIVE, f"{metric} is not compared: {scale.source}"
    elif rule is None:
        config = INCONCLUSIVE, f"qualifiers.toml has no rule for {key!r}"
    early = screen([lhs, rhs], table, metric, rules)
    if config and not (early and early[0] in (INVALID, NOT_RUN, CANNOT_RUN)):
        early = config
    if early:
        result.state, result.reason = early
        return result
    assert rule is not None and scale is not None
    a, b = (rhs, lhs) if flipped else (lhs, rhs)
    common = sorted(set(a.used) & set(b.used))
    paired = common == a.used == b.used
    diff = stats.difference(a.ordered(), b.ordered(), paired)
    if diff.exact and not deterministic(table, metric):
        result.state = INCONCLUSIVE
        result.reason = "the seeds did not vary: the difference is the same on every seed"
        return result
    margin = scale.margin_for(stats.summary(b.ordered())["mean"])
    p_sup = [_p(diff, c.side, c.k * margin) for c in rule.support]
    p_ref = [_p(diff, c.side, c.k * margin) for c in rule.refute]
    lo, hi = diff.interval(rules.alpha)
    result.p_support, result.p_refute = max(p_sup), min(p_ref)
    level = round(100 * (1 - 2 * rules.alpha))
    side = "rhs − lhs" if flipped else "lhs − rhs"
    result.numbers = f"{level}% interval of {side} [{lo:.4g}, {hi:.4g}], margin {margin:.4g}"
    result.measured.update(
        {
            "diff": diff.estimate,
            "diff_of": side,
            "ci": [lo, hi],
            "level": level,
            "margin": margin,
            "margin_source": scale.source,
            "test": diff.test,
            "p": result.p_support,
            "p_support": result.p_support,
            "p_refute": result.p_refute,
            "rule": ("sides swapped, " if flipped else "")
            + rule.words(margin, diff.test, rules.alpha),
        }
    )
    return result


def _p(diff: stats.Difference, side: str, threshold: float) -> float:
    return diff.p_above(threshold) if side == "above" else diff.p_below(threshold)


def value(
    label: str,
    data: SideData,
    claimed: float,
    k: int,
    metric: str,
    table: dict[str, Any],
    rules: Rules,
) -> CheckResult:
    """A tested or screened-out check of a claimed number against CORE-Bench's interval."""
    side = _side_record(data)
    result = CheckResult(label, {**side, "claimed": claimed, "paper_runs": k})
    scale = rules.metrics.get(metric)
    early = screen([data], table, metric, rules)
    if early is None and scale is None:
        early = INCONCLUSIVE, f"qualifiers.toml has no margin for metric {metric!r}"
    if early:
        result.state, result.reason = early
        return result
    assert scale is not None
    v = rules.values
    floor = max(v.abs_floor, v.rel_floor * abs(claimed))
    interval = stats.value_interval(data.ordered(), claimed, k, rules.alpha, floor)
    cap = v.max_half_width * scale.margin_for(claimed)
    inside = abs(claimed - interval.mean) <= interval.half
    result.p_refute = interval.p
    result.p_support = 0.0 if inside and interval.half <= cap else 1.0
    lo, hi = interval.mean - interval.half, interval.mean + interval.half
    result.numbers = f"claimed {claimed:.4g}, interval [{lo:.4g}, {hi:.4g}] (n = {len(data.used)})"
    if inside and interval.half > cap:
        result.undecided = f"the runs vary too much: half-width {interval.half:.4g} > {cap:.4g}"
    result.measured.update(
        {
            "interval": [lo, hi],
            "floor": floor,
            "max_half_width": cap,
            "p_refute": interval.p,
            "rule": (
                f"CORE-Bench: claimed within mean ± t(0.975, n − 1)·sd·√(1/n + 1/{k}), "
                f"half-width at least {floor:.4g} and at most {cap:.4g} (wider: inconclusive); "
                "refuted when outside by a two-sided test at α (Holm-corrected)"
            ),
        }
    )
    return result
