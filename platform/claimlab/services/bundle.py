"""Results bundles: finished runs of one profile in a JSON file, exported and imported.

A bundle records runs as finished without running them (like `jobs import` does for a
result.json): recipe, profile, seed, resolved config, config hash, metrics with their
`ref/...` reference baselines, and a provenance summary.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimlab.config import Settings
from claimlab.records import PROFILES, RunRequest, RunView
from claimlab.runs import recipes
from claimlab.services.access import guard, session
from claimlab.store import bundles as store_bundles
from claimlab.store import queue

FORMAT = 1
"""The bundle format version, stored as "claimlab_results"."""
PROVENANCE_KEYS = (
    "seed",
    "git_commit",
    "git_dirty",
    "python",
    "platform",
    "packages",
    "device",
    "data_manifest_hash",
    "started_at",
    "finished_at",
    "wall_time_s",
    "predicted_classes",
)
"""What a bundle keeps of a run's provenance (not machine paths or stage hashes)."""
_HASH = re.compile(r"^[0-9a-f]{64}$")


class BundleError(ValueError):
    """A bundle that cannot be imported; the message names the file and the field."""


def provenance_summary(provenance: dict[str, Any] | None) -> dict[str, Any]:
    """The provenance a bundle carries: versions, machine, times, data and stand-in notes."""
    prov = provenance or {}
    summary = {k: prov[k] for k in PROVENANCE_KEYS if k in prov}
    details = prov.get("recipe_details")
    if isinstance(details, dict):
        summary["recipe_details"] = {k: v for k, v in details.items() if k != "stages"}
    return summary


def export_bundle(settings: Settings, profile: str) -> dict[str, Any]:
    """Every succeeded run at `profile` as a bundle."""
    if profile not in PROFILES:
        raise BundleError(f"unknown profile {profile!r}: use {', '.join(PROFILES)}")
    with session(settings) as s:
        runs = store_bundles.finished_runs(s, profile)
    return {
        "claimlab_results": FORMAT,
        "profile": profile,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": [_run_entry(r) for r in runs],
    }


def _run_entry(run: RunView) -> dict[str, Any]:
    return {
        "recipe": run.recipe,
        "profile": run.profile,
        "seed": run.seed,
        "config": run.config,
        "config_hash": run.config_hash,
        "metrics": run.metrics,
        "provenance": provenance_summary(run.provenance),
    }


def read_bundle(path: Path) -> dict[str, Any]:
    """Read and validate a bundle file; BundleError names the file, line or field at fault."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise BundleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    validate_bundle(data, str(path))
    return data


def validate_bundle(data: Any, source: str) -> None:
    """Raise BundleError unless `data` is a bundle whose hashes match its configs."""
    if not isinstance(data, dict):
        raise BundleError(f"{source}: expected a JSON object with 'runs', got {_kind(data)}")
    if data.get("claimlab_results") != FORMAT:
        raise BundleError(
            f"{source}: claimlab_results: expected format {FORMAT}, "
            f"got {data.get('claimlab_results')!r}"
        )
    profile = data.get("profile")
    if profile not in PROFILES:
        raise BundleError(f"{source}: profile: {profile!r} is not one of {', '.join(PROFILES)}")
    runs = data.get("runs")
    if not isinstance(runs, list):
        raise BundleError(f"{source}: runs: expected a list, got {_kind(runs)}")
    seen: dict[str, int] = {}
    for index, run in enumerate(runs):
        where = f"{source}: runs[{index}]"
        _validate_run(run, profile, where)
        if run["config_hash"] in seen:
            raise BundleError(f"{where}.config_hash: same run as runs[{seen[run['config_hash']]}]")
        seen[run["config_hash"]] = index


def _validate_run(run: Any, profile: str, where: str) -> None:
    if not isinstance(run, dict):
        raise BundleError(f"{where}: expected an object, got {_kind(run)}")
    for name, kind in (("recipe", str), ("seed", int), ("config", dict), ("metrics", dict)):
        value = run.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BundleError(f"{where}.{name}: expected {kind.__name__}, got {_kind(value)}")
    if run.get("profile") != profile:
        raise BundleError(f"{where}.profile: {run.get('profile')!r}, the bundle is {profile!r}")
    if not isinstance(run.get("provenance"), dict):
        raise BundleError(
            f"{where}.provenance: expected an object, got {_kind(run.get('provenance'))}"
        )
    config = run["config"]
    for name in ("recipe", "profile", "seed"):
        if config.get(name) != run[name]:
            raise BundleError(
                f"{where}.config.{name}: {config.get(name)!r} differs from the run's {run[name]!r}"
            )
    if not run["metrics"]:
        raise BundleError(f"{where}.metrics: empty; a finished run has numbers")
    for key, value in run["metrics"].items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if value is not None and not (number and math.isfinite(value)):
            raise BundleError(f"{where}.metrics[{key!r}]: expected a number, got {value!r}")
    digest = run.get("config_hash")
    if not isinstance(digest, str) or not _HASH.match(digest):
        raise BundleError(f"{where}.config_hash: expected 64 hex digits, got {digest!r}")
    try:
        _, computed = recipes.resolve(config)
    except (KeyError, ValueError, TypeError) as exc:
        raise BundleError(f"{where}.config: the recipe does not accept it: {exc}") from None
    if computed != digest:
        raise BundleError(
            f"{where}.config_hash: {digest[:12]}… does not match its config under the current "
            f"recipes ({computed[:12]}…): made by another version of the recipes?"
        )


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def import_bundle(settings: Settings, path: Path) -> tuple[str, dict[str, int]]:
    """Record a bundle's runs as finished (idempotent by config hash); its profile and counts
    per outcome (imported, unchanged).

    The whole file is validated before anything is written.
    """
    guard(settings, write=True)
    data = read_bundle(path)
    counts: dict[str, int] = {}
    with session(settings, write=True) as s:
        for run in data["runs"]:
            req = RunRequest(
                run["recipe"], run["profile"], run["seed"], run["config"], run["config_hash"]
            )
            provenance = {**run["provenance"], "imported_from": path.name}
            outcome = queue.import_run(s, req, run["metrics"], provenance, f"bundle:{path.name}")
            counts[outcome] = counts.get(outcome, 0) + 1
    return data["profile"], counts
