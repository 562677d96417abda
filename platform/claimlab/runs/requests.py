"""The one way claims and studies describe a run: its raw config and its queue request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimlab.records import RunRequest

TIMEOUT_S = {"smoke": 600.0, "mini": 4 * 3600.0, "paper": 72 * 3600.0}
"""Seconds a job of each profile may run before the worker stops it."""
GPUS = {"smoke": 0.0, "mini": 0.0, "paper": 1.0}
"""GPUs a job of each profile asks the Ray executor for."""


def raw_config(
    recipe: str,
    profile: str,
    seed: int,
    fields: dict[str, Any],
    *,
    data_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
) -> dict[str, Any]:
    """What the recipe is asked to run; where data and caches live is not part of its identity."""
    raw: dict[str, Any] = {"recipe": recipe, "profile": profile, "seed": seed, **fields}
    if profile == "mini" and data_dir is not None:
        raw["data_dir"] = str(data_dir)
    if cache_dir is not None:
        raw["cache_dir"] = str(cache_dir)
    return raw


def run_request(
    recipe: str,
    profile: str,
    seed: int,
    config: dict[str, Any],
    config_hash: str,
    *,
    priority: int = 0,
) -> RunRequest:
    """A queue request for a resolved config, with its profile's timeout and GPU count."""
    return RunRequest(
        recipe,
        profile,
        seed,
        config,
        config_hash,
        timeout_s=TIMEOUT_S[profile],
        gpus=GPUS[profile],
        priority=priority,
    )
