"""The job queue: enqueue runs, claim jobs atomically under a lease, record progress and results.

PostgreSQL claims with `SELECT ... FOR UPDATE SKIP LOCKED`; SQLite with `BEGIN IMMEDIATE`,
which serialises claimers on the database's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from claimlab.records import JobView, RunRequest, RunView
from claimlab.store.engine import session_scope
from claimlab.store.models import Job, Run

ACTIVE = ("queued", "running")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ClaimedJob:
    """What a worker needs to execute a job it holds the lease of."""

    job_id: int
    run_id: int
    attempt: int
    config: dict[str, Any]
    config_hash: str
    timeout_s: float | None
    gpus: float


def enqueue(session: Session, req: RunRequest) -> tuple[int, bool]:
    """Create the run and a queued job unless the run exists; returns (run id, created)."""
    run_id = session.scalar(select(Run.id).where(Run.config_hash == req.config_hash))
    if run_id is not None:
        return run_id, False
    run = Run(
        config_hash=req.config_hash,
        recipe=req.recipe,
        profile=req.profile,
        seed=req.seed,
        config=req.config,
        status="queued",
        metrics={},
    )
    session.add(run)
    session.flush()
    session.add(
        Job(
            run_id=run.id,
            max_attempts=req.max_attempts,
            timeout_s=req.timeout_s,
            gpus=req.gpus,
            priority=req.priority,
        )
    )
    session.flush()
    return run.id, True


def import_run(
    session: Session,
    req: RunRequest,
    metrics: dict[str, Any],
    provenance: dict[str, Any],
    workdir: str,
) -> str:
    """Record a run finished outside the queue (another machine, a manual run)."""
    run = session.scalar(select(Run).where(Run.config_hash == req.config_hash))
    if run is not None and run.status == "succeeded":
        return "unchanged"
    if run is None:
        run = Run(
            config_hash=req.config_hash,
            recipe=req.recipe,
            profile=req.profile,
            seed=req.seed,
            config=req.config,
        )
        session.add(run)
    run.status, run.metrics, run.provenance, run.workdir = "succeeded", metrics, provenance, workdir
    run.finished_at = _now()
    session.flush()
    for job in session.scalars(select(Job).where(Job.run_id == run.id, Job.state.in_(ACTIVE))):
        if job.state == "queued":
            _end(job, run, "succeeded", None)
    return "imported"


def claim(url: str, owner: str, lease_s: float) -> ClaimedJob | None:
    """Take the next queued job (or one whose lease expired) for `owner`, or None."""
    while True:
        with session_scope(url, immediate=True) as session:
            now = _now()
            query = (
                select(Job)
                .where(
                    or_(
                        Job.state == "queued",
                        (Job.state == "running") & (Job.lease_expires_at < now),
                    )
                )
                .order_by(Job.priority.desc(), Job.id)
                .limit(1)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            job = session.scalar(query)
            if job is None:
                return None
            run = session.get_one(Run, job.run_id)
            if job.state == "running" and job.attempts >= job.max_attempts:
                _end(job, run, "failed", f"lease expired on attempt {job.attempts}: {job.error}")
                continue
            job.state, job.attempts = "running", job.attempts + 1
            job.lease_owner, job.lease_expires_at = owner, now + timedelta(seconds=lease_s)
            job.heartbeat_at = job.started_at = now
            run.status = "running"
            return ClaimedJob(
                job.id, run.id, job.attempts, run.config, run.config_hash, job.timeout_s, job.gpus
            )


def unfinished(url: str) -> int:
    """Jobs queued or running: a running job's worker may be alive, or dead with its lease
    still live (claim() takes the job once the lease expires)."""
    with session_scope(url) as session:
        return session.scalar(select(func.count()).where(Job.state.in_(ACTIVE))) or 0


def heartbeat(
    url: str,
    job_id: int,
    owner: str,
    lease_s: float,
    *,
    step: int | None = None,
    total: int | None = None,
    metrics: dict[str, float] | None = None,
    workdir: str | None = None,
    log_path: str | None = None,
) -> str:
    """Renew the lease and record progress; returns 'ok', 'cancel' or 'lost'."""
    with session_scope(url, immediate=True) as session:
        job = session.get(Job, job_id)
        if job is None or job.state != "running" or job.lease_owner != owner:
            return "lost"
        now = _now()
        job.heartbeat_at, job.lease_expires_at = now, now + timedelta(seconds=lease_s)
        job.step = step if step is not None else job.step
        job.total = total if total is not None else job.total
        job.log_path = log_path or job.log_path
        run = session.get_one(Run, job.run_id)
        if metrics:
            run.metrics = {**(run.metrics or {}), **metrics}
        run.workdir = workdir or run.workdir
        return "cancel" if job.cancel_requested else "ok"


def finish(
    url: str,
    job_id: int,
    owner: str,
    *,
    ok: bool,
    metrics: dict[str, Any] | None = None,
    provenance: dict[str, Any] | None = None,
    error: str | None = None,
    cancelled: bool = False,
) -> str:
    """Record a job's end; a failure is requeued until max_attempts. Returns the new state."""
    with session_scope(url, immediate=True) as session:
        job = session.get(Job, job_id)
        if job is None or job.lease_owner != owner or job.state != "running":
            return "lost"
        run = session.get_one(Run, job.run_id)
        if ok:
            run.metrics, run.provenance = metrics or {}, provenance
            _end(job, run, "succeeded", None)
        elif cancelled or job.cancel_requested:
            _end(job, run, "cancelled", error or "cancelled")
        elif job.attempts < job.max_attempts:
            job.state, job.error, job.lease_owner, job.lease_expires_at = (
                "queued",
                error,
                None,
                None,
            )
            run.status = "queued"
        else:
            _end(job, run, "failed", error)
        return job.state


def _end(job: Job, run: Run, state: str, error: str | None) -> None:
    now = _now()
    job.state, job.error, job.finished_at = state, error, now
    job.lease_owner, job.lease_expires_at = None, None
    run.status, run.finished_at = state, now


def cancel(session: Session, job_id: int) -> str | None:
    """Cancel a queued job at once, or ask a running one to stop; returns the state or None."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    if job.state == "queued":
        _end(job, session.get_one(Run, job.run_id), "cancelled", "cancelled before it started")
    elif job.state == "running":
        job.cancel_requested = True
    return job.state


def retry(session: Session, job_id: int) -> str | None:
    """Put a failed or cancelled job back in the queue with fresh attempts."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    if job.state in ("failed", "cancelled"):
        job.state, job.attempts, job.cancel_requested = "queued", 0, False
        job.finished_at = None
        session.get_one(Run, job.run_id).status = "queued"
    return job.state


def counts(session: Session) -> dict[str, int]:
    """Jobs per state."""
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state))
    return {state: n for state, n in rows}


def list_jobs(session: Session, states: tuple[str, ...] | None = None) -> list[JobView]:
    """Jobs with their runs, newest first."""
    query = select(Job, Run).join(Run, Run.id == Job.run_id).order_by(Job.id.desc())
    if states:
        query = query.where(Job.state.in_(states))
    return [_job_view(job, run) for job, run in session.execute(query)]


def get_job(session: Session, job_id: int) -> JobView | None:
    """One job with its run."""
    row = session.execute(select(Job, Run).join(Run, Run.id == Job.run_id).where(Job.id == job_id))
    found = row.first()
    return _job_view(*found) if found else None


def runs_by_hash(session: Session, hashes: list[str]) -> dict[str, RunView]:
    """Existing runs among `hashes`."""
    rows = session.scalars(select(Run).where(Run.config_hash.in_(hashes)))
    return {r.config_hash: _run_view(r) for r in rows}


def _run_view(r: Run) -> RunView:
    return RunView(
        id=r.id,
        config_hash=r.config_hash,
        recipe=r.recipe,
        profile=r.profile,
        seed=r.seed,
        config=r.config,
        status=r.status,
        metrics=r.metrics or {},
        provenance=r.provenance,
        workdir=r.workdir,
    )


def _job_view(job: Job, run: Run) -> JobView:
    return JobView(
        id=job.id,
        run=_run_view(run),
        state=job.state,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        lease_owner=job.lease_owner,
        step=job.step,
        total=job.total,
        log_path=job.log_path,
        error=job.error,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        priority=job.priority,
        timeout_s=job.timeout_s,
        gpus=job.gpus,
    )
