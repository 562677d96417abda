"""What claimlab knows of the recipes: their capability tables, config resolution, metric names.

Recipes are started only through `python -m reproductions run`; this module reads their
declared capabilities and resolves configs (which trains and downloads nothing).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

BASELINE = {"weam": "mbert", "codeswitch": "zero-shot"}
"""The system a claim compares against when it names none ("improves the scores")."""
DEFAULT_TASK = {"weam": "xnli", "codeswitch": "passage-reranking"}
TASK_METRIC = {
    "xnli": "accuracy",
    "mlqa": "f1",
    "bitext": "p@1",
    "stats": "mean_tokens",
    "passage-reranking": "mrr@10",
}


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


def pairs(recipe: str, setting: str, profile: str) -> list[str]:
    """Language pairs (or languages) a setting covers at `profile`."""
    caps = capabilities()[recipe]
    if recipe == "codeswitch":
        return list(caps["settings"][setting]["details"]["pairs"].get(profile, []))
    if profile == "paper":
        return list(caps["tasks"]["xnli"]["details"]["languages"]["paper"])
    return ["de", "fr"]


def metric_key(recipe: str, task: str, setting: str | None, pair: str | None, metric: str) -> str:
    """The key under which a run's result.json reports this measurement."""
    where = pair or "avg"
    if recipe == "codeswitch":
        return f"{setting}/{where}/{metric}"
    if task == "bitext":
        return f"bitext/{'en-' + pair if pair else 'avg'}/{metric}"
    if task == "stats":
        return f"stats/{setting}/{where}/{metric}"
    return f"{task}/{setting}/{where}/{metric}"


def paper_config(recipe: str) -> dict[str, Any]:
    """The recipe's resolved paper-profile config (what a published run would use)."""
    return resolve({"recipe": recipe, "profile": "paper", "seed": 1})[0]
