"""Capability tables: what a recipe can measure, in plain data claimlab can read.

A table lists systems, tasks, settings, metrics and parameters, each with the aliases reviews use
("BL-CS", "Translate Test", "zero-shot"), and the profiles it is available at.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

ALL_PROFILES = ["smoke", "mini", "paper"]


@dataclass
class Entry:
    """One nameable thing (system, task, setting, metric or parameter)."""

    name: str
    """Canonical name used in run configs and metric names."""
    aliases: list[str] = field(default_factory=list)
    """Other spellings reviews use; matched case- and punctuation-insensitively."""
    description: str = ""
    profiles: list[str] = field(default_factory=lambda: list(ALL_PROFILES))
    """Profiles at which it can be measured."""
    details: dict[str, Any] = field(default_factory=dict)
    """Kind-specific facts (language pairs per profile, metric range, parameter values, ...).

    Tasks: `metric` (default metric), `metric_key` (a `str.format` template over task, setting,
    pair, metric; pair is a language, a pair or "avg"), optional `metric_key_avg`, and
    `languages` per profile when no setting lists pairs. Metrics: `deterministic` (True when
    the value does not vary by seed, e.g. data statistics)."""


@dataclass
class Capabilities:
    """A recipe's full capability table."""

    recipe: str
    paper: dict[str, str]
    systems: list[Entry]
    tasks: list[Entry]
    settings: list[Entry]
    metrics: list[Entry]
    parameters: list[Entry] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Profile -> what it means for this recipe (model, data, runnable here, stand-in names)."""
    metric_names: str = ""
    """How result metric keys are spelled, in words (the templates are per task, `metric_key`)."""
    baseline: str = ""
    """The system a claim compares against when it names none."""
    default_task: str = ""
    """The task a claim is about when it names none."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; entry lists become name-keyed objects."""
        out = asdict(self)
        for kind in ("systems", "tasks", "settings", "metrics", "parameters"):
            out[kind] = {e.pop("name"): e for e in out[kind]}
        return out


def normalise(text: str) -> str:
    """Casefold and drop everything but letters (any script), digits, '@' and '+'."""
    return re.sub(r"[^\w@+]|_", "", text.casefold())


def match_alias(table: dict[str, Any], kind: str, text: str) -> str | None:
    """Canonical name in `table[kind]` whose name or alias matches `text`, else None."""
    wanted = normalise(text)
    for name, entry in table[kind].items():
        if wanted in {normalise(name), *(normalise(a) for a in entry.get("aliases", []))}:
            return name
    return None


BASE_MLM_KEY = "base/{pair}/{metric}"
"""Key of the tiny base model's held-out MLM numbers; pair is en or a target language."""


def base_mlm_metrics() -> list[Entry]:
    """Metric entries of the tiny base model's held-out MLM evaluation (smoke and mini only).

    Not deterministic: they measure a trained model, so they move with its seed (base_seed),
    even though one fixed base makes them equal across a run family's seeds.
    """
    note = "of the tiny base model (the mBERT stand-in) on masked held-out dev sentences"
    common = {"deterministic": False, "metric_key": BASE_MLM_KEY}
    return [
        Entry(
            "mlm-loss",
            ["held-out MLM loss", "base model MLM loss"],
            f"mean cross-entropy (nats) over masked tokens {note}",
            profiles=["smoke", "mini"],
            details={**common, "higher_is_better": False, "range": [0, None]},
        ),
        Entry(
            "mlm-accuracy",
            ["masked-token accuracy", "base model MLM accuracy"],
            f"share of masked tokens predicted right {note}",
            profiles=["smoke", "mini"],
            details={**common, "higher_is_better": True, "range": [0, 1]},
        ),
    ]
