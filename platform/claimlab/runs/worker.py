"""The worker: claim jobs, run each through the recipe contract, keep the database current."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from claimlab.config import Settings
from claimlab.errors import ReadOnlyError
from claimlab.runs import heartbeats
from claimlab.runs.events import EventTail
from claimlab.runs.executors import start
from claimlab.store import queue
from claimlab.store.engine import TransientError

LOG_TAIL = 4000
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class WorkerOptions:
    """How a worker claims and watches jobs."""

    slots: int = 1
    """Jobs run at the same time."""
    executor: str = "local"
    """local (a subprocess per job) or ray (a Ray task per job)."""
    until_empty: bool = False
    """Stop when no job is queued or running, instead of waiting for more."""
    lease_s: float = 30.0
    """How long a claim lasts without a heartbeat before another worker may take the job."""
    heartbeat_s: float = 2.0
    """How often progress is read and the lease renewed."""
    poll_s: float = 1.0
    """Wait between claims when the queue is empty."""
    retry_max_s: float = 60.0
    """Longest wait between tries while the database cannot be reached (doubling from 1 s)."""
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    """Name written as lease owner."""


@dataclass
class SlotState:
    """What one slot is doing, for progress displays."""

    job_id: int | None = None
    label: str = ""
    step: int | None = None
    total: int | None = None


@dataclass
class WorkerStats:
    """Counts of what the worker did."""

    succeeded: int = 0
    failed: int = 0
    requeued: int = 0
    cancelled: int = 0
    lost: int = 0


class Worker:
    """Runs queued jobs in `slots` threads until stopped (or the queue is empty)."""

    def __init__(
        self,
        settings: Settings,
        options: WorkerOptions,
        on_update: Callable[[list[SlotState]], None] | None = None,
    ) -> None:
        if settings.ui_readonly:
            raise ReadOnlyError()
        self.settings, self.options, self.on_update = settings, options, on_update
        self.slots = [SlotState() for _ in range(options.slots)]
        self.stats = WorkerStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask every slot to finish after its current job."""
        self._stop.set()

    def run(self) -> WorkerStats:
        """Work until stopped; returns what was done."""
        threads = [
            threading.Thread(target=self._slot_loop, args=(i,), daemon=True)
            for i in range(self.options.slots)
        ]
        for t in threads:
            t.start()
        next_beat = 0.0
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
                    if time.monotonic() >= next_beat:
                        next_beat = time.monotonic() + self.options.heartbeat_s
                        self._beat()
        finally:
            heartbeats.remove(self.settings.home, self.options.owner)
        return self.stats

    def _beat(self) -> None:
        """Say in CLAIMLAB_HOME/workers/ that this worker is alive and what it runs."""
        running = [s.job_id for s in self.slots if s.job_id is not None]
        beat = heartbeats.Heartbeat(
            owner=self.options.owner,
            pid=os.getpid(),
            slots=self.options.slots,
            running=len(running),
            updated_at=time.time(),
            jobs=running,
            executor=self.options.executor,
        )
        try:
            heartbeats.write(self.settings.home, beat)
        except OSError as exc:  # a full disk must not stop the jobs
            log.warning("heartbeat file not written: %s", exc)

    def _slot_loop(self, index: int) -> None:
        owner = f"{self.options.owner}/{index}/{uuid.uuid4().hex[:6]}"
        url = self.settings.database_url
        while not self._stop.is_set():
            try:
                job = self._retrying("claim a job", queue.claim, url, owner, self.options.lease_s)
                # Nothing to claim, but a job may still run under the live lease of a worker
                # that died: an until-empty worker waits until it ends or its lease expires.
                waiting = job is None and self._retrying("count jobs", queue.unfinished, url)
            except TransientError:
                return  # stopped while the database was unreachable
            if job is None:
                if self.options.until_empty and not waiting:
                    return
                self._stop.wait(self.options.poll_s)
                continue
            try:
                state = self.execute(job, owner, self.slots[index])
            except Exception:  # the lease runs out and another worker retries the job
                log.exception("job %s: worker error", job.job_id)
                state = "lost"
            with self._lock:
                key = {"queued": "requeued"}.get(state, state)
                setattr(self.stats, key, getattr(self.stats, key, 0) + 1)

    def execute(self, job: queue.ClaimedJob, owner: str, slot: SlotState) -> str:
        """Run one claimed job to its end; returns the job's new state."""
        url, opts = self.settings.database_url, self.options
        workdir = self.settings.home / "runs" / job.config_hash[:16]
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "run.json").write_text(json.dumps(job.config, indent=2))
        log_path = workdir / "worker.log"
        with log_path.open("a") as log:
            log.write(f"\n=== job {job.job_id} attempt {job.attempt} by {owner}\n")
        tail = EventTail(workdir / "events.jsonl")
        slot.job_id, slot.label = job.job_id, _label(job.config)
        handle = start(opts.executor, workdir, log_path, job.gpus)
        started, stop_reason = time.monotonic(), None
        next_beat = started
        deadline = started + job.timeout_s if job.timeout_s else float("inf")
        while (code := handle.poll()) is None:
            time.sleep(min(0.2, opts.heartbeat_s))
            if tail.poll():
                slot.step, slot.total = tail.step, tail.total
                self._notify()
            now = time.monotonic()
            if now > deadline:
                stop_reason = f"timed out after {job.timeout_s:g} s"
            elif now >= next_beat:
                next_beat = now + opts.heartbeat_s
                beat = self._heartbeat(
                    url,
                    job.job_id,
                    owner,
                    opts.lease_s,
                    step=tail.step,
                    total=tail.total,
                    metrics=tail.metrics,
                    workdir=str(workdir),
                    log_path=str(log_path),
                )
                stop_reason = {"cancel": "cancelled", "lost": "lease lost"}.get(beat)
            if stop_reason:
                handle.stop()
                code = handle.poll()
                break
        tail.poll()
        slot.job_id, slot.step, slot.total = None, None, None
        self._notify()
        if stop_reason == "lease lost":
            return "lost"
        result = _read_result(workdir)
        if code == 0 and result is not None and stop_reason is None:
            return self._retrying(
                f"record job {job.job_id}",
                queue.finish,
                url,
                job.job_id,
                owner,
                ok=True,
                metrics=result.get("metrics"),
                provenance=result.get("provenance"),
            )
        error = stop_reason or _error_text(workdir, code, log_path)
        return self._retrying(
            f"record job {job.job_id}",
            queue.finish,
            url,
            job.job_id,
            owner,
            ok=False,
            error=error,
            cancelled=stop_reason == "cancelled",
        )

    def _retrying(self, what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`call` tried again with a doubling wait (up to retry_max_s) while the database is
        unreachable; a stop request ends the waiting by raising the last error."""
        wait = min(1.0, self.options.retry_max_s)
        while True:
            try:
                return call(*args, **kwargs)
            except TransientError as exc:
                log.warning(
                    "%s on %s failed, retrying in %.0f s: %s",
                    what,
                    self.settings.database_label,
                    wait,
                    _first_line(exc),
                )
                if self._stop.wait(wait):
                    raise
                wait = min(wait * 2, self.options.retry_max_s)

    def _heartbeat(self, *args: Any, **kwargs: Any) -> str:
        """A heartbeat; a database hiccup skips this beat instead of killing the slot."""
        try:
            return queue.heartbeat(*args, **kwargs)
        except TransientError as exc:
            log.warning(
                "heartbeat on %s failed, will retry: %s",
                self.settings.database_label,
                _first_line(exc),
            )
            return "ok"

    def _notify(self) -> None:
        if self.on_update:
            self.on_update(self.slots)


def _first_line(exc: BaseException) -> str:
    """The first line of an error (SQLAlchemy appends the SQL and a link below it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _label(config: dict[str, Any]) -> str:
    parts = [config.get("recipe"), config.get("system"), config.get("task"), config.get("setting")]
    return " ".join(str(p) for p in parts if p) + f" seed {config.get('seed')}"


def _read_result(workdir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((workdir / "result.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None


def _error_text(workdir: Path, code: int | None, log_path: Path) -> str:
    error_file = workdir / "error.txt"
    if error_file.exists():
        return error_file.read_text()[:LOG_TAIL]
    head = f"exit code {code}" + (" and no result.json" if code == 0 else "")
    log = log_path.read_text(errors="replace")[-LOG_TAIL:] if log_path.exists() else ""
    return f"{head}\n--- log tail ---\n{log}" if log else head
