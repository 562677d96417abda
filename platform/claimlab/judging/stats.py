"""Judge claim predicates from measured numbers over seeds: tests, intervals, tolerances."""

from __future__ import annotations

import math
import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from statistics import fmean, stdev
from typing import Any

from scipy import stats

from claimlab.records import CANNOT_RUN, INCONCLUSIVE, NOT_RUN, REFUTED, SUPPORTED


@dataclass(frozen=True)
class Rules:
    """Thresholds from qualifiers.toml."""

    alpha: float
    margin: float
    qualifiers: dict[str, dict[str, float]]
    abs_tolerance: float
    rel_tolerance: float

    @classmethod
    def load(cls, text: str | None = None) -> Rules:
        """Rules from `text`, default: the qualifiers.toml shipped with claimlab."""
        if text is None:
            text = resources.files("claimlab.judging").joinpath("qualifiers.toml").read_text()
        data = tomllib.loads(text)
        return cls(
            alpha=data["alpha"],
            margin=data["comparison"]["margin"],
            qualifiers=data["qualifiers"],
            abs_tolerance=data["values"]["abs_tolerance"],
            rel_tolerance=data["values"]["rel_tolerance"],
        )


@dataclass(frozen=True)
class Outcome:
    """The judgement of one predicate."""

    state: str
    rule: str
    measured: dict[str, Any] = field(default_factory=dict)


def summary(values: list[float]) -> dict[str, Any]:
    """Mean, sample sd and n of per-seed values."""
    return {
        "mean": fmean(values) if values else None,
        "sd": stdev(values) if len(values) > 1 else None,
        "n": len(values),
        "values": list(values),
    }


def _diff_interval(a: list[float], b: list[float], paired: bool, alpha: float):
    """Mean of a - b, its (1 - alpha) CI and the test's name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # identical values: handled below
        if paired:
            res, name = stats.ttest_rel(a, b), "paired t-test"
        else:
            res, name = stats.ttest_ind(a, b, equal_var=False), "Welch's t-test"
    diff = fmean(a) - fmean(b)
    if not math.isfinite(res.statistic):  # zero variance: the difference is exact
        return diff, (diff, diff), float(diff == 0), name
    ci = res.confidence_interval(1 - alpha)
    return diff, (float(ci.low), float(ci.high)), float(res.pvalue), name


def judge_comparison(
    lhs: list[float],
    rhs: list[float],
    op: str,
    qualifier: str | None,
    rules: Rules,
    paired: bool = False,
) -> Outcome:
    """Judge `lhs op rhs` (op is >, <, ≈ or ≥ "not worse") over seeds, with a qualifier."""
    measured: dict[str, Any] = {"lhs": summary(lhs), "rhs": summary(rhs)}
    if len(lhs) < 2 or len(rhs) < 2:
        return Outcome(INCONCLUSIVE, "fewer than 2 seeds on a side: no test", measured)
    a, b = (rhs, lhs) if op == "<" else (lhs, rhs)
    diff, (lo, hi), p, test = _diff_interval(a, b, paired and len(a) == len(b), rules.alpha)
    level = round(100 * (1 - rules.alpha))
    measured.update({"diff": diff, "ci": [lo, hi], "p": p, "test": test})
    q = (qualifier or "").lower()
    params = rules.qualifiers.get(q, {})
    side = "lhs - rhs" if op != "<" else "rhs - lhs"
    if q == "not significantly different":
        rule = f"no significant difference: {test} p >= {rules.alpha}; refuted if p < {rules.alpha}"
        return Outcome(SUPPORTED if p >= rules.alpha else REFUTED, rule, measured)
    if op == "≥":
        c = rules.qualifiers["similar"]["close"]
        rule = (
            f"not worse: the {level}% CI of lhs - rhs ({test}) above -{c}; "
            f"refuted if it lies below -{c}"
        )
        if lo > -c:
            return Outcome(SUPPORTED, rule, measured)
        if hi < -c:
            return Outcome(REFUTED, rule, measured)
        return Outcome(INCONCLUSIVE, rule, measured)
    if "close" in params and op != "≈":
        c = params["close"]
        rule = (
            f"{q}: {side} > 0 on average and its {level}% CI ({test}) within ±{c}; "
            f"refuted if the CI lies above {c} or below 0"
        )
        if diff > 0 and -c <= lo and hi <= c:
            return Outcome(SUPPORTED, rule, measured)
        if lo > c or hi < 0:
            return Outcome(REFUTED, rule, measured)
        return Outcome(INCONCLUSIVE, rule, measured)
    if op == "≈":
        c = params.get("close", rules.qualifiers["similar"]["close"])
        rule = f"equivalence: the {level}% CI of lhs - rhs ({test}) within ±{c}; refuted if outside"
        if -c <= lo and hi <= c:
            return Outcome(SUPPORTED, rule, measured)
        if lo > c or hi < -c:
            return Outcome(REFUTED, rule, measured)
        return Outcome(INCONCLUSIVE, rule, measured)
    m = params.get("margin", rules.margin)
    rule = f"{side}: {level}% CI ({test}) above 0"
    rule += f" and mean gain at least {m}" if m else ""
    rule += f"; refuted if the CI lies below {m}"
    if lo > 0 and diff >= m:
        return Outcome(SUPPORTED, rule, measured)
    if hi < m:
        return Outcome(REFUTED, rule, measured)
    return Outcome(INCONCLUSIVE, rule, measured)


def judge_value(values: list[float], claimed: float, rules: Rules) -> Outcome:
    """Judge a claimed number: CORE-Bench's prediction interval, or a tolerance with one seed."""
    measured = summary(values)
    if not values:
        return Outcome(NOT_RUN, "no measurement", measured)
    mean = measured["mean"]
    if len(values) == 1:
        tol = max(rules.abs_tolerance, rules.rel_tolerance * abs(claimed))
        rule = f"one seed: |measured - claimed| <= max({rules.abs_tolerance}, "
        rule += f"{rules.rel_tolerance}·|claimed|) = {tol:.4g}"
        measured["interval"] = [mean - tol, mean + tol]
        ok = abs(mean - claimed) <= tol
        return Outcome(SUPPORTED if ok else REFUTED, rule, measured)
    n, sd = len(values), measured["sd"]
    t = float(stats.t.ppf(1 - rules.alpha / 2, n - 1))
    half = t * sd * math.sqrt(1 + 1 / n)
    measured["interval"] = [mean - half, mean + half]
    rule = f"CORE-Bench: claimed within mean ± t(0.975, {n - 1})·sd·sqrt(1 + 1/{n})"
    ok = mean - half <= claimed <= mean + half
    return Outcome(SUPPORTED if ok else REFUTED, rule, measured)


def combine(states: list[str]) -> str:
    """A claim's state from its predicates' states."""
    if not states:
        return NOT_RUN
    runnable = [s for s in states if s != CANNOT_RUN]
    if not runnable:
        return CANNOT_RUN
    if REFUTED in runnable:
        return REFUTED
    if all(s == NOT_RUN for s in runnable):
        return NOT_RUN
    if all(s == SUPPORTED for s in states):
        return SUPPORTED
    return INCONCLUSIVE
