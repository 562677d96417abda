"""What claimlab knows of the recipes: their capability tables, config resolution, metric names.

Recipes are started only through `python -m reproductions run`; this module reads their
declared capabilities and resolves configs (which trains and downloads nothing). Every fact
about a recipe (baseline, default task and metric, language pairs, metric-key spelling) is
read from its capability table, never copied here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def capabilities() -> dict[str, dict[str, Any]]:
    """Every registered recipe's capability table."""
    from reproductions import contract

    return contract.capabilities()


def resolve(raw: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The recipe's fully resolved config for `raw` and its config hash."""
    from reproductions import contract

    _, config = contract.resolve(raw)
    return config, contract.config_hash(config)


def available(recipe: str, kind: str, name: str, profile: str) -> bool:
    """True when `name` (a system, task, setting or metric) can be measured at `profile`."""
    entry = capabilities()[recipe][kind].get(name)
    return entry is not None and profile in entry.get("profiles", [])


def baseline(recipe: str) -> str:
    """The system a claim compares against when it names none ("improves the scores")."""
    return capabilities()[recipe]["baseline"]


def default_task(recipe: str) -> str:
    """The task a claim is about when it names none."""
    return capabilities()[recipe]["default_task"]


def task_metric(recipe: str, task: str) -> str:
    """The metric a task is scored with when a claim names none."""
    return _task(recipe, task)["metric"]


def pairs(recipe: str, setting: str | None, profile: str, task: str | None = None) -> list[str]:
    """Language pairs (or languages) measured at `profile`: the setting's, else the task's."""
    caps = capabilities()[recipe]
    by_setting = caps["settings"].get(setting, {}).get("details", {}).get("pairs")
    if by_setting is not None:
        return list(by_setting.get(profile, []))
    return list(_task(recipe, task or default_task(recipe))["languages"].get(profile, []))


def metric_key(recipe: str, task: str, setting: str | None, pair: str | None, metric: str) -> str:
    """The key under which a run's result.json reports this measurement (pair None: average)."""
    details = _task(recipe, task)
    template = details["metric_key"]
    if pair is None:
        template = details.get("metric_key_avg", template)
    return template.format(task=task, setting=setting, pair=pair or "avg", metric=metric)


def deterministic(recipe: str, metric: str) -> bool:
    """True for a metric that does not vary by seed (a data statistic)."""
    entry = capabilities()[recipe]["metrics"].get(metric, {})
    return bool(entry.get("details", {}).get("deterministic"))


def _task(recipe: str, task: str) -> dict[str, Any]:
    """A task's details; ValueError naming recipe and task when the table has no such task."""
    entry = capabilities()[recipe]["tasks"].get(task)
    if entry is None:
        raise ValueError(f"recipe {recipe!r} has no task {task!r}")
    return entry.get("details", {})
