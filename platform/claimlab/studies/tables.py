"""A study's numbers: mean and 95% interval over seeds per (level, system, pair)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import fmean, stdev
from typing import Any

from scipy import stats

from claimlab.judging.measure import TRIVIAL, ref_key
from claimlab.records import RunView
from claimlab.runs import recipes
from claimlab.studies.cells import Cell
from claimlab.studies.files import Study, split_pair


@dataclass(frozen=True)
class Row:
    """Mean and 95% CI of one (level, system, pair) over seeds."""

    level: Any
    system: str
    pair: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    values: list[float]
    pending: int
    chance: list[float | None] = field(default_factory=list)
    """ref/chance/<key> of the runs behind `values`, in the same order (None: not recorded)."""
    trivial: dict[str, list[float | None]] = field(default_factory=dict)
    """name -> ref/<name>/<key> of the same runs, for the TRIVIAL models any of them records."""


def table(study: Study, found: list[Cell], known: dict[str, RunView]) -> list[Row]:
    """The study's numbers from the finished runs among `known` (n = 0: still pending)."""
    rows = []
    for cell in found:
        for pair in study.pairs:
            setting, where = split_pair(study, pair)
            key = recipes.metric_key(study.recipe, study.task, setting, where, study.metric)
            values, pending = [], 0
            refs: dict[str, list[float | None]] = {name: [] for name in ("chance", *TRIVIAL)}
            for digest in cell.runs.values():
                run = known.get(digest)
                if run is None or run.status != "succeeded":
                    pending += 1
                elif run.metrics.get(key) is not None:
                    values.append(float(run.metrics[key]))
                    for name, per_run in refs.items():
                        ref = run.metrics.get(ref_key(name, key))
                        per_run.append(float(ref) if ref is not None else None)
            chance = refs.pop("chance")
            mean, lo, hi = interval(values)
            rows.append(
                Row(
                    cell.level,
                    cell.system,
                    pair or "avg",
                    len(values),
                    mean,
                    lo,
                    hi,
                    values,
                    pending,
                    chance,
                    {n: r for n, r in refs.items() if any(x is not None for x in r)},
                )
            )
    return rows


def interval(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and two-sided 95% t interval; no interval from fewer than two values."""
    if not values:
        return None, None, None
    mean = fmean(values)
    if len(values) < 2:
        return mean, None, None
    half = float(stats.t.ppf(0.975, len(values) - 1)) * stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half
