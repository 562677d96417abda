"""Job services for the CLI and the app: enqueue, list, logs, cancel, retry."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from claimlab.config import Settings
from claimlab.services import ensure_ready, require_writable
from claimlab.store import queue
from claimlab.store.engine import session_scope
from claimlab.store.entities import JobView, RunView

LOG_LINES = 200


def enqueue_runs(
    settings: Settings, requests: Iterable[queue.RunRequest]
) -> list[tuple[int, bool]]:
    """Make sure each run exists, queueing the new ones, in one transaction."""
    with session_scope(settings.database_url, immediate=True) as session:
        return [queue.enqueue(session, req) for req in requests]


def import_results(settings: Settings, workdirs: Iterable[Path]) -> list[tuple[str, str]]:
    """Import finished runs from their workdirs (result.json); returns (dir, outcome) pairs."""
    require_writable(settings)
    out = []
    for workdir in workdirs:
        try:
            result = json.loads((workdir / "result.json").read_text())
            prov = result["provenance"]
            config, digest = prov["config"], prov["config_hash"]
            req = queue.RunRequest(
                config["recipe"], config["profile"], int(config["seed"]), config, digest
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            out.append((str(workdir), f"skipped: no usable result.json ({exc})"))
            continue
        with session_scope(settings.database_url, immediate=True) as session:
            outcome = queue.import_run(session, req, result["metrics"], prov, str(workdir))
        out.append((str(workdir), outcome))
    return out


def existing_runs(settings: Settings, hashes: list[str]) -> dict[str, RunView]:
    """Runs already known for these config hashes."""
    with session_scope(settings.database_url) as session:
        return queue.runs_by_hash(session, hashes)


def list_jobs(settings: Settings, states: tuple[str, ...] | None = None) -> list[JobView]:
    """Jobs, newest first, optionally only in `states`."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return queue.list_jobs(session, states)


def get_job(settings: Settings, job_id: int) -> JobView | None:
    """One job."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return queue.get_job(session, job_id)


def job_log(job: JobView, lines: int = LOG_LINES) -> str:
    """The last `lines` lines of a job's log, or '' when there is none yet."""
    if not job.log_path or not Path(job.log_path).exists():
        return ""
    text = Path(job.log_path).read_text(errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def cancel_job(settings: Settings, job_id: int) -> str | None:
    """Cancel a queued job or ask its worker to stop it; None when there is no such job."""
    require_writable(settings)
    with session_scope(settings.database_url, immediate=True) as session:
        return queue.cancel(session, job_id)


def retry_job(settings: Settings, job_id: int) -> str | None:
    """Queue a failed or cancelled job again."""
    require_writable(settings)
    with session_scope(settings.database_url, immediate=True) as session:
        return queue.retry(session, job_id)


def job_counts(settings: Settings) -> dict[str, int]:
    """Jobs per state."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return queue.counts(session)
