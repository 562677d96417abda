"""The run queue: enqueue, import finished runs, list, logs, cancel, retry, start a worker."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from claimlab.config import Settings
from claimlab.records import JobView, RunRequest, RunView
from claimlab.runs.worker import SlotState, Worker, WorkerOptions
from claimlab.services.access import guard, session
from claimlab.store import queue

LOG_LINES = 200


def enqueue_runs(settings: Settings, requests: Iterable[RunRequest]) -> list[tuple[int, bool]]:
    """Make sure each run exists, queueing the new ones, in one transaction."""
    with session(settings, write=True) as s:
        return [queue.enqueue(s, req) for req in requests]


def import_results(settings: Settings, workdirs: Iterable[Path]) -> list[tuple[str, str]]:
    """Import finished runs from their workdirs (result.json); returns (dir, outcome) pairs."""
    guard(settings, write=True)
    out = []
    for workdir in workdirs:
        try:
            result = json.loads((workdir / "result.json").read_text())
            prov = result["provenance"]
            config, digest = prov["config"], prov["config_hash"]
            req = RunRequest(
                config["recipe"], config["profile"], int(config["seed"]), config, digest
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            out.append((str(workdir), f"skipped: no usable result.json ({exc})"))
            continue
        with session(settings, write=True) as s:
            outcome = queue.import_run(s, req, result["metrics"], prov, str(workdir))
        out.append((str(workdir), outcome))
    return out


def existing_runs(settings: Settings, hashes: list[str]) -> dict[str, RunView]:
    """Runs already known for these config hashes."""
    with session(settings) as s:
        return queue.runs_by_hash(s, hashes)


def list_jobs(settings: Settings, states: tuple[str, ...] | None = None) -> list[JobView]:
    """Jobs, newest first, optionally only in `states`."""
    with session(settings) as s:
        return queue.list_jobs(s, states)


def get_job(settings: Settings, job_id: int) -> JobView | None:
    """One job."""
    with session(settings) as s:
        return queue.get_job(s, job_id)


def job_log(job: JobView, lines: int = LOG_LINES) -> str:
    """The last `lines` lines of a job's log, or '' when there is none yet."""
    if not job.log_path or not Path(job.log_path).exists():
        return ""
    text = Path(job.log_path).read_text(errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def cancel_job(settings: Settings, job_id: int) -> str | None:
    """Cancel a queued job or ask its worker to stop it; None when there is no such job."""
    with session(settings, write=True) as s:
        return queue.cancel(s, job_id)


def retry_job(settings: Settings, job_id: int) -> str | None:
    """Queue a failed or cancelled job again."""
    with session(settings, write=True) as s:
        return queue.retry(s, job_id)


def job_counts(settings: Settings) -> dict[str, int]:
    """Jobs per state."""
    with session(settings) as s:
        return queue.counts(s)


def worker(
    settings: Settings,
    options: WorkerOptions,
    on_update: Callable[[list[SlotState]], None] | None = None,
) -> Worker:
    """A worker on this database (not started), once the database is known to be migrated."""
    guard(settings, write=True)
    return Worker(settings, options, on_update)
