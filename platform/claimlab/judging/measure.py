"""Per-seed numbers of one side of a check, read from its runs: used, failed, pending, invalid."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from claimlab.records import RunView
from claimlab.runs.plan import Side

TRIVIAL = {"naive-bayes": "a bag-of-words naive Bayes"}
"""Trivial models a run may record beside a metric (ref/<name>/<key>); a side must beat each
one recorded. The first-stage order is not one: it is English BM25's for every setting (as the
paper's top1000.dev), made with the English query a MoIR or CLIR re-ranker never sees."""
PENDING = ("queued", "running")


def ref_key(name: str, key: str) -> str:
    """Where a run records reference `name` beside metric key `key` (interface 2): "chance" for the
    no-skill level, or one of the TRIVIAL models."""
    return f"ref/{name}/{key}"


@dataclass
class SideData:
    """What the runs of one side hold, seed by seed."""

    system: str
    key: str
    planned: list[int]
    values: dict[int, float] = field(default_factory=dict)
    """Finite numbers of succeeded runs."""
    chance: dict[int, float | None] = field(default_factory=dict)
    """ref/chance/<key> of the same runs (None: not recorded)."""
    trivial: dict[str, dict[int, float]] = field(default_factory=dict)
    """name -> seed -> ref/<name>/<key> of the same runs, for the TRIVIAL models they record."""
    failed: dict[int, str] = field(default_factory=dict)
    """seed -> why it has no number (failed, cancelled, not measured)."""
    pending: list[int] = field(default_factory=list)
    """Seeds not finished (queued, running or never queued)."""
    invalid: list[str] = field(default_factory=list)
    """Reasons a number is not a finite number, e.g. 'seed 2: nan'."""
    unmeasured: list[int] = field(default_factory=list)
    """Seeds whose succeeded run does not report the key."""

    @property
    def used(self) -> list[int]:
        """Seeds with a number, in order."""
        return sorted(self.values)

    def ordered(self, seeds: list[int] | None = None) -> list[float]:
        """Values of `seeds` (default: all used), in seed order."""
        return [self.values[s] for s in (seeds if seeds is not None else self.used)]

    def seeds_record(self) -> dict[str, Any]:
        """Seeds planned, used, failed and pending, as stored with the verdict."""
        return {
            "planned": list(self.planned),
            "used": self.used,
            "failed": {str(s): why for s, why in sorted(self.failed.items())},
            "pending": list(self.pending),
        }


def _number(value: Any) -> float | None:
    """A finite float, or None when `value` is not one."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def read_side(side: Side, runs: dict[str, RunView]) -> SideData:
    """The numbers of `side` from the runs by config hash."""
    data = SideData(side.system, side.metric_key, sorted(side.runs))
    chance_key = ref_key("chance", side.metric_key)
    for seed in data.planned:
        run = runs.get(side.runs[seed])
        if run is None or run.status in PENDING:
            data.pending.append(seed)
            continue
        if run.status != "succeeded":
            data.failed[seed] = run.status
            continue
        raw = run.metrics.get(side.metric_key)
        if raw is None:
            data.unmeasured.append(seed)
            data.failed[seed] = f"no {side.metric_key} in the result"
            continue
        value = _number(raw)
        if value is None:
            data.invalid.append(f"{side.system} seed {seed}: {side.metric_key} = {raw!r}")
            continue
        data.values[seed] = value
        ref = run.metrics.get(chance_key)
        if ref is not None and _number(ref) is None:
            data.invalid.append(f"{side.system} seed {seed}: {chance_key} = {ref!r}")
        data.chance[seed] = _number(ref)
        for name in TRIVIAL:
            key = ref_key(name, side.metric_key)
            if key not in run.metrics:
                continue
            number = _number(run.metrics[key])
            if number is None:
                data.invalid.append(f"{side.system} seed {seed}: {key} = {run.metrics[key]!r}")
            else:
                data.trivial.setdefault(name, {})[seed] = number
    return data


def json_safe(value: Any) -> Any:
    """`value` with non-finite floats spelled as strings (JSON has no NaN or infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
