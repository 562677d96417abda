"""Stage cache: a stage's output folder is keyed by the sha256 of everything that determines it.

A stage key hashes the stage name and code version, the config fields the stage reads, the keys
of its upstream stages and the data manifest hash, so runs that share a stage share its folder.
A `COMPLETE.json` marker, written atomically last, says the folder is finished; a file lock keeps
two processes from building the same stage at once. Unfinished folders are kept so a builder can
resume from what it left there.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reproductions.common.files import read_json, write_json_atomic
from reproductions.common.hashing import sha256_json

COMPLETE = "COMPLETE.json"


@dataclass(frozen=True)
class StageSpec:
    """What a stage is: its inputs, hashed into its key."""

    name: str
    """Stage kind, e.g. `tokenizer`, `pretrain`, `ranker`; also the cache sub-folder."""
    params: dict[str, Any] = field(default_factory=dict)
    """The config fields this stage reads (only these enter the key)."""
    upstream: dict[str, str] = field(default_factory=dict)
    """Role -> key of each stage whose output this stage consumes."""
    data: str | None = None
    """Data manifest hash of the files this stage reads, if any."""
    version: int = 1
    """Bump when the stage's code changes what it writes."""
    label: str = ""
    """Readable tag for logs and plans, e.g. `ranker/bl-cs/en-de`; not hashed."""

    @property
    def key(self) -> str:
        """sha256 of name, version, params, upstream keys and data hash."""
        return sha256_json(
            {
                "name": self.name,
                "version": self.version,
                "params": self.params,
                "upstream": self.upstream,
                "data": self.data,
            }
        )

    def describe(self) -> dict[str, Any]:
        """Plain-data view for `plan` output and completion markers."""
        return {
            "name": self.name,
            "label": self.label or self.name,
            "key": self.key,
            "version": self.version,
            "params": self.params,
            "upstream": self.upstream,
            "data": self.data,
        }


class StageCache:
    """Folders of finished (and resumable unfinished) stage outputs under one root."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, spec: StageSpec) -> Path:
        """Output folder of a stage (exists once building started)."""
        return self.root / spec.name / spec.key[:24]

    def is_complete(self, spec: StageSpec) -> bool:
        """True when the stage finished and wrote its marker."""
        return (self.path(spec) / COMPLETE).exists()

    def meta(self, spec: StageSpec) -> dict[str, Any]:
        """The completion marker's contents (spec, build time, builder's metadata)."""
        return read_json(self.path(spec) / COMPLETE)

    @contextlib.contextmanager
    def _lock(self, spec: StageSpec) -> Iterator[None]:
        lock_path = self.root / spec.name / f"{spec.key[:24]}.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure(
        self, spec: StageSpec, build: Callable[[Path], dict[str, Any] | None]
    ) -> tuple[Path, bool]:
        """Return (folder, built_now): build the stage with `build(folder)` unless finished."""
        out = self.path(spec)
        if self.is_complete(spec):
            return out, False
        with self._lock(spec):
            if self.is_complete(spec):
                return out, False
            out.mkdir(parents=True, exist_ok=True)
            started = time.time()
            extra = build(out) or {}
            marker = {
                "spec": spec.describe(),
                "seconds": round(time.time() - started, 3),
                "meta": extra,
            }
            write_json_atomic(out / COMPLETE, marker)
        return out, True
