"""Which workers are alive, from their heartbeat files, and how many slots a worker gets."""

from __future__ import annotations

import os
from dataclasses import dataclass

from claimlab.config import Settings
from claimlab.runs import heartbeats
from claimlab.runs.heartbeats import Heartbeat

SLOTS_ENV = "CLAIMLAB_WORKER_SLOTS"


@dataclass(frozen=True)
class WorkerState:
    """The workers on this home, summed up."""

    workers: list[Heartbeat]
    """Live workers (heartbeat newer than the stale limit)."""

    @property
    def running(self) -> int:
        """Jobs running now, over every live worker."""
        return sum(w.running for w in self.workers)

    @property
    def slots(self) -> int:
        """Slots over every live worker."""
        return sum(w.slots for w in self.workers)

    @property
    def label(self) -> str:
        """'not running', 'idle' or 'running N', with the slots."""
        if not self.workers:
            return "not running"
        slots = f"{self.slots} slot{'s' if self.slots != 1 else ''}"
        many = f", {len(self.workers)} workers" if len(self.workers) > 1 else ""
        if not self.running:
            return f"idle ({slots}{many})"
        return f"running {self.running} ({slots}{many})"

    @property
    def queue_note(self) -> str:
        """What happens to newly queued jobs, in words."""
        if self.workers:
            return f"the worker ({self.label}) starts them within seconds"
        return "no worker is running: start one with `claimlab worker` (or `claimlab serve`)"


def worker_state(settings: Settings, stale_s: float = heartbeats.STALE_S) -> WorkerState:
    """The live workers of this CLAIMLAB_HOME."""
    return WorkerState(heartbeats.live(settings.home, stale_s))


def default_slots(env: dict[str, str] | None = None, cores: int | None = None) -> int:
    """CLAIMLAB_WORKER_SLOTS, else one slot per two cores (at least one)."""
    env = dict(os.environ) if env is None else env
    raw = env.get(SLOTS_ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{SLOTS_ENV}={raw!r}: expected a whole number of slots") from None
        if value < 1:
            raise ValueError(f"{SLOTS_ENV}={raw!r}: a worker needs at least 1 slot")
        return value
    if cores is None:
        cores = os.cpu_count() or 1
    return max(1, cores // 2)
