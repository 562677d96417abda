"""Atomic training checkpoints (model, optimizer, scheduler, scaler, RNG, step) and resume."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from reproductions.common.seed import get_rng_state, set_rng_state

PREFIX = "step-"


@dataclass
class Resumed:
    """What a checkpoint restored."""

    step: int
    path: Path
    extra: dict[str, Any] = field(default_factory=dict)


def _step_dirs(checkpoint_dir: Path) -> list[tuple[int, Path]]:
    if not checkpoint_dir.is_dir():
        return []
    found = []
    for child in checkpoint_dir.iterdir():
        if child.is_dir() and child.name.startswith(PREFIX) and (child / "state.pt").exists():
            try:
                found.append((int(child.name[len(PREFIX) :]), child))
            except ValueError:
                continue
    return sorted(found)


def latest_checkpoint(checkpoint_dir: str | Path) -> Path | None:
    """The newest complete checkpoint folder, or None."""
    found = _step_dirs(Path(checkpoint_dir))
    return found[-1][1] if found else None


def save_checkpoint(
    checkpoint_dir: str | Path,
    step: int,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any = None,
    scaler: Any = None,
    extra: dict[str, Any] | None = None,
    keep: int = 1,
) -> Path:
    """Write `step-NNNNNNNN/state.pt` atomically (temp folder, rename); keep the newest `keep`."""
    checkpoint_dir = Path(checkpoint_dir)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    final = checkpoint_dir / f"{PREFIX}{step:08d}"
    tmp = checkpoint_dir / f".tmp-{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    state = {
        "step": step,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": get_rng_state(),
        "extra": extra or {},
    }
    torch.save(state, tmp / "state.pt")
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    for _, old in _step_dirs(checkpoint_dir)[:-keep] if keep > 0 else []:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load_checkpoint(
    path: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    scaler: Any = None,
    restore_rng: bool = True,
) -> Resumed:
    """Restore a checkpoint written by `save_checkpoint` into the given objects."""
    path = Path(path)
    # Our own file: it holds numpy RNG state, which the weights-only loader rejects.
    state = torch.load(path / "state.pt", map_location="cpu", weights_only=False)
    model.load_state_dict(state["model"])
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and state["scheduler"] is not None:
        scheduler.load_state_dict(state["scheduler"])
    if scaler is not None and state["scaler"] is not None:
        scaler.load_state_dict(state["scaler"])
    if restore_rng:
        set_rng_state(state["rng"])
    return Resumed(step=int(state["step"]), path=path, extra=state["extra"])


def clear_checkpoints(checkpoint_dir: str | Path) -> None:
    """Delete a finished stage's checkpoints."""
    shutil.rmtree(checkpoint_dir, ignore_errors=True)
