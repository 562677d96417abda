"""The recipe contract: one run per call, events, result.json or error.txt, resume, plan.

    python -m reproductions run --config run.json --workdir DIR
    python -m reproductions plan --config run.json
    python -m reproductions capabilities

A recipe plugs in with one line in RECIPES: a module exposing CAPABILITIES, resolve_config(raw),
plan(config, cache_root) and run(config, ctx) (see reproductions.common.recipe.Recipe).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from reproductions.common.files import read_json, write_json_atomic, write_text_atomic
from reproductions.common.recipe import ConfigError, Recipe

RECIPES: dict[str, str] = {
    "codeswitch": "reproductions.codeswitch.recipe",
    "weam": "reproductions.weam.recipe",
}
"""Recipe name (the `recipe` field of run.json) -> module implementing it."""

EXECUTION_FIELDS = ("cache_dir", "data_dir", "device", "num_threads")
"""Config fields that say where/how a run executes, not what it computes: not hashed."""

CACHE_ENV = "REPRO_CACHE_DIR"
"""Shared stage cache root when the config has no cache_dir (default: DIR/cache)."""


def load_recipe(name: str) -> Recipe:
    """Import the module registered for `name`."""
    if name not in RECIPES:
        raise ConfigError(f"unknown recipe {name!r}; registered: {sorted(RECIPES)}")
    return importlib.import_module(RECIPES[name])  # type: ignore[return-value]


def resolve(raw: dict[str, Any]) -> tuple[Recipe, dict[str, Any]]:
    """The recipe module and the fully resolved config (profile defaults applied)."""
    if not isinstance(raw, dict) or "recipe" not in raw:
        raise ConfigError('run config must be a JSON object with a "recipe" field')
    recipe = load_recipe(raw["recipe"])
    body = {k: v for k, v in raw.items() if k != "recipe"}
    return recipe, {"recipe": raw["recipe"], **recipe.resolve_config(body)}


def config_hash(config: dict[str, Any]) -> str:
    """Hash of what a run computes (execution fields excluded)."""
    from reproductions.common.provenance import config_hash as _hash

    return _hash(config, exclude=EXECUTION_FIELDS)


def cache_root(config: dict[str, Any], workdir: Path | None) -> Path | None:
    """Stage cache root: config cache_dir, else $REPRO_CACHE_DIR, else DIR/cache."""
    if config.get("cache_dir"):
        return Path(config["cache_dir"])
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return workdir / "cache" if workdir is not None else None


def plan(raw: dict[str, Any]) -> dict[str, Any]:
    """Resolved config and stage graph; downloads and trains nothing."""
    recipe, config = resolve(raw)
    graph = recipe.plan(config, cache_root(config, None))
    return {"config": config, "config_hash": config_hash(config), **graph}


def capabilities() -> dict[str, Any]:
    """Every registered recipe's capability table."""
    return {name: load_recipe(name).CAPABILITIES for name in RECIPES}


def run(raw: dict[str, Any] | str | Path, workdir: str | Path) -> int:
    """Run one config (dict or path of run.json) in `workdir`; returns the exit code."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "error.txt").unlink(missing_ok=True)
    started = time.time()
    try:
        if not isinstance(raw, dict):
            raw = load_config(raw)
        recipe, config = resolve(raw)
        digest = config_hash(config)
        result_path = workdir / "result.json"
        if result_path.exists() and read_json(result_path)["provenance"]["config_hash"] == digest:
            return 0
        write_json_atomic(workdir / "config.resolved.json", config)
        return _execute(recipe, config, digest, workdir, started)
    except Exception as exc:  # the contract: any failure becomes error.txt and a non-zero exit
        kind = "config error" if isinstance(exc, ConfigError) else "run failed"
        text = f"{kind}: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        write_text_atomic(workdir / "error.txt", text)
        print(text, file=sys.stderr)
        return 2 if isinstance(exc, ConfigError) else 1


def _execute(
    recipe: Recipe, config: dict[str, Any], digest: str, workdir: Path, started: float
) -> int:
    import torch
    from transformers.utils import logging as hf_logging

    from reproductions.common.cache import StageCache
    from reproductions.common.device import device_name, resolve_device
    from reproductions.common.events import EventWriter
    from reproductions.common.provenance import collect_provenance
    from reproductions.common.recipe import RunContext

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if config.get("num_threads"):
        torch.set_num_threads(int(config["num_threads"]))
    events = EventWriter(workdir)
    device = resolve_device(config.get("device") or "auto")
    root = cache_root(config, workdir)
    assert root is not None
    ctx = RunContext(workdir=workdir, events=events, cache=StageCache(root), device=device)
    events.log("run started", recipe=config["recipe"], config_hash=digest, pid=os.getpid())
    result = recipe.run(config, ctx)
    provenance = collect_provenance(
        config=config,
        config_hash_=digest,
        seed=config.get("seed"),
        device=device_name(device),
        data_manifest_hash=result.data_manifest_hash,
        started_at=started,
        finished_at=time.time(),
        extra={"cache_dir": str(root), **result.details},
    )
    write_json_atomic(
        workdir / "result.json", {"metrics": result.metrics, "provenance": provenance}
    )
    events.log("run finished", wall_time_s=provenance["wall_time_s"])
    return 0


def load_config(path: str | Path) -> dict[str, Any]:
    """Read run.json."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read run config {path}: {exc}") from exc
