"""Statistics over per-seed numbers: differences with one-sided tests, Holm, CORE-Bench intervals.

Every function takes finite numbers; the judge screens NaN and infinities out first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from claimlab.judging.rules import Rules  # noqa: F401  (re-exported: callers load rules here)

EXACT = 1e-12
"""A standard error at or below this (times the numbers' scale) is zero: the seeds did not vary."""


def summary(values: list[float]) -> dict[str, Any]:
    """Mean, sample sd and n of per-seed values (None where undefined)."""
    arr = np.asarray(values, dtype=float)
    return {
        "mean": float(arr.mean()) if arr.size else None,
        "sd": float(arr.std(ddof=1)) if arr.size > 1 else None,
        "n": int(arr.size),
        "values": [float(v) for v in arr],
    }


def varies(values: list[float]) -> bool:
    """True when the values are not all the same."""
    return len(values) > 1 and max(values) != min(values)


@dataclass(frozen=True)
class Difference:
    """The estimated difference lhs − rhs, its standard error and degrees of freedom."""

    estimate: float
    se: float
    df: float
    test: str

    @property
    def exact(self) -> bool:
        """No spread: the estimate is the difference, the tests are comparisons."""
        return self.se <= EXACT * max(1.0, abs(self.estimate))

    def p_above(self, threshold: float) -> float:
        """One-sided p-value of H0: d <= threshold."""
        if self.exact:
            return 0.0 if self.estimate > threshold else 1.0
        return float(stats.t.sf((self.estimate - threshold) / self.se, self.df))

    def p_below(self, threshold: float) -> float:
        """One-sided p-value of H0: d >= threshold."""
        if self.exact:
            return 0.0 if self.estimate < threshold else 1.0
        return float(stats.t.sf((threshold - self.estimate) / self.se, self.df))

    def interval(self, alpha: float) -> tuple[float, float]:
        """The two one-sided (1 − alpha) bounds: the (1 − 2·alpha) two-sided interval."""
        if self.exact:
            return self.estimate, self.estimate
        half = float(stats.t.ppf(1 - alpha, self.df)) * self.se
        return self.estimate - half, self.estimate + half


def difference(lhs: list[float], rhs: list[float], paired: bool) -> Difference:
    """lhs − rhs by a paired t-test (same seeds, same order) or Welch's t-test."""
    a, b = np.asarray(lhs, dtype=float), np.asarray(rhs, dtype=float)
    if paired:
        if a.size != b.size:
            raise ValueError("a paired test needs the same seeds on both sides")
        d = a - b
        se = float(d.std(ddof=1) / math.sqrt(d.size))
        return Difference(float(d.mean()), se, d.size - 1, f"paired t-test over {d.size} seeds")
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(math.sqrt(va + vb))
    if va + vb == 0:
        df = float(a.size + b.size - 2)
    else:
        df = float((va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)))
    test = f"Welch's t-test over {a.size} and {b.size} seeds"
    return Difference(float(a.mean() - b.mean()), se, df, test)


def holm(pvalues: list[float]) -> list[float]:
    """Holm-adjusted p-values, in the input's order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


@dataclass(frozen=True)
class ValueInterval:
    """CORE-Bench's interval around the mean of n seeds for a number that is a mean of k runs."""

    mean: float
    half: float
    """Half-width: max(t·sd·sqrt(1/n + 1/k), floor)."""
    floor: float
    p: float
    """Two-sided p-value of the claimed number, same t distribution (1 inside the floor)."""


def value_interval(
    values: list[float], claimed: float, k: int, alpha: float, floor: float
) -> ValueInterval:
    """The interval mean ± t(1 − alpha/2, n − 1)·sd·sqrt(1/n + 1/k), never narrower than floor."""
    n = len(values)
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    scale = sd * math.sqrt(1 / n + 1 / k)
    half = max(float(stats.t.ppf(1 - alpha / 2, n - 1)) * scale, floor)
    gap = abs(claimed - mean)
    if gap <= floor:
        p = 1.0
    elif scale <= EXACT * max(1.0, abs(mean)):
        p = 0.0
    else:
        p = float(2 * stats.t.sf(gap / scale, n - 1))
    return ValueInterval(mean, half, floor, p)


def above(values: list[float], reference: list[float], alpha: float) -> tuple[bool, float]:
    """Whether values lie significantly above reference, seed by seed (one-sided, paired)."""
    d = difference(values, reference, paired=True)
    p = d.p_above(0.0)
    return p < alpha, p
