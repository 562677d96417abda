"""Worker heartbeat files: one JSON file per live worker under CLAIMLAB_HOME/workers/."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

STALE_S = 15.0
"""A heartbeat older than this many seconds is a worker that is gone."""


@dataclass(frozen=True)
class Heartbeat:
    """What one worker last said about itself."""

    owner: str
    """The worker's lease-owner name (host:pid)."""
    pid: int
    slots: int
    """Jobs it may run at the same time."""
    running: int
    """Jobs it runs now."""
    updated_at: float
    """Unix time of the beat."""
    jobs: list[int] = field(default_factory=list)
    """Ids of the jobs it runs now."""
    executor: str = "local"


def folder(home: Path) -> Path:
    """Where the heartbeat files live."""
    return home / "workers"


def path_for(home: Path, owner: str) -> Path:
    """The heartbeat file of the worker named `owner`."""
    return folder(home) / (re.sub(r"[^A-Za-z0-9_.-]", "_", owner) + ".json")


def write(home: Path, beat: Heartbeat) -> None:
    """Replace the worker's heartbeat file atomically (readers never see half a file)."""
    target = path_for(home, beat.owner)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".beat-", suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        json.dump(asdict(beat), out)
    os.chmod(tmp, 0o644)  # the app may run as another user
    os.replace(tmp, target)


def remove(home: Path, owner: str) -> None:
    """Delete the worker's heartbeat file (it stopped cleanly)."""
    with contextlib.suppress(FileNotFoundError):
        path_for(home, owner).unlink()


def live(home: Path, stale_s: float = STALE_S, now: float | None = None) -> list[Heartbeat]:
    """Heartbeats newer than `stale_s` seconds, oldest worker name first; bad files are skipped."""
    now = time.time() if now is None else now
    beats = []
    for path in sorted(folder(home).glob("*.json")):
        try:
            beat = Heartbeat(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):  # half-written by an old version, or foreign
            continue
        if now - beat.updated_at <= stale_s:
            beats.append(beat)
    return beats
