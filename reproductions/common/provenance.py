"""Provenance of a run: config and hash, seed, code, command, packages, device, data, time."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from reproductions.common.hashing import sha256_json

PACKAGES = (
    "torch",
    "transformers",
    "tokenizers",
    "numpy",
    "scipy",
    "ir-measures",
    "datasets",
    "safetensors",
)
"""Packages whose versions every result records (missing ones are recorded as None)."""

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_hash(config: dict[str, Any], exclude: tuple[str, ...] = ()) -> str:
    """sha256 of the config without execution-only fields (paths, device, threads).

    Fields set to None are left out too: an option a recipe gains later (None: off) keeps
    the identity of every run recorded before it existed.
    """
    return sha256_json({k: v for k, v in config.items() if k not in exclude and v is not None})


def git_state(repo: str | Path = REPO_ROOT) -> dict[str, Any]:
    """Current commit and whether the work tree has uncommitted changes (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=20
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each package, None when absent."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def collect_provenance(
    *,
    config: dict[str, Any],
    config_hash_: str,
    seed: int | None,
    device: str,
    data_manifest_hash: str | None,
    started_at: float,
    finished_at: float,
    command: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything needed to tell how a result was produced."""
    git = git_state()
    return {
        "config": config,
        "config_hash": config_hash_,
        "seed": seed,
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "command": command if command is not None else [sys.executable, *sys.argv],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "device": device,
        "data_manifest_hash": data_manifest_hash,
        "started_at": round(started_at, 3),
        "finished_at": round(finished_at, 3),
        "wall_time_s": round(finished_at - started_at, 3),
        **(extra or {}),
    }
