"""`claimlab plan`, `reproduce`, `worker`, `jobs`, `verdicts`: from claims to verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimlab.cli.common import (
    PROFILES,
    AllOption,
    ClaimIds,
    DbOption,
    FormatOption,
    PriorityOption,
    ProfileOption,
    SeedsOption,
    app,
    console,
    fail,
    jobs_app,
    settings_for,
    verdicts_app,
)
from claimlab.cli.output import Format, print_rows, to_json
from claimlab.present.base_model import BASE_MODEL_LABEL, base_model_rows
from claimlab.services import jobs


def _claim_selection(claim_ids: list[int] | None, all_: bool) -> list[int] | None:
    if not claim_ids and not all_:
        raise fail("name claim ids or pass --all")
    return None if all_ else claim_ids


def _profile(profile: str) -> str:
    if profile not in PROFILES:
        raise fail(f"unknown profile {profile!r}: use {', '.join(PROFILES)}")
    return profile


@app.command("plan")
def plan(
    claim_ids: ClaimIds = None,
    all_: AllOption = False,
    profile: ProfileOption = "mini",
    seeds: SeedsOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show the runs the claims need at a profile, shared across claims, and which exist."""
    from claimlab.services.reproduce import plan_claims

    settings = settings_for(db)
    plans, runs = plan_claims(settings, _claim_selection(claim_ids, all_), _profile(profile), seeds)
    known = jobs.existing_runs(settings, list(runs))
    users: dict[str, list[int]] = {}
    for cp in plans:
        for pp in cp.predicates:
            for check in pp.checks:
                for side in (check.lhs, check.rhs):
                    for digest in side.runs.values() if side else []:
                        users.setdefault(digest, [])
                        if cp.claim_id not in users[digest]:
                            users[digest].append(cp.claim_id)
    rows = [
        {
            "recipe": r.recipe,
            "system": r.system,
            "profile": r.profile,
            "seed": r.seed,
            "run": digest[:12],
            "status": known[digest].status if digest in known else "missing",
            "claims": users.get(digest, []),
        }
        for digest, r in runs.items()
    ]
    print_rows(console, rows, fmt, {k: k for k in (rows[0] if rows else {"run": 1})}, "Runs")
    skipped = [
        f"claim {cp.claim_id}: {pp.cannot_run}"
        for cp in plans
        for pp in cp.predicates
        if pp.cannot_run
    ]
    if fmt is Format.table:
        for line in skipped:
            console.print(f"[dim]{line}[/dim]", highlight=False)


@app.command("reproduce")
def reproduce_cmd(
    claim_ids: ClaimIds = None,
    all_: AllOption = False,
    profile: ProfileOption = "mini",
    seeds: SeedsOption = None,
    db: DbOption = None,
    priority: PriorityOption = 0,
) -> None:
    """Queue the runs the claims need at a profile (runs that exist are reused)."""
    from claimlab.services.reproduce import reproduce

    selection = _claim_selection(claim_ids, all_)
    new, old = reproduce(settings_for(db), selection, _profile(profile), seeds, priority)
    console.print(f"{new} run(s) queued, {old} already known; start `claimlab worker`")


@verdicts_app.command("compute")
def verdicts_compute(
    profile: ProfileOption = "mini",
    seeds: SeedsOption = None,
    claim_ids: ClaimIds = None,
    db: DbOption = None,
) -> None:
    """Judge every claim with a spec from the finished runs at a profile."""
    from claimlab.services.verdicts import compute_verdicts

    counts = compute_verdicts(settings_for(db), _profile(profile), claim_ids or None, seeds)
    console.print(
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no claims with specs"
    )


@verdicts_app.command("list")
def verdicts_list(
    profile: ProfileOption = "mini", db: DbOption = None, fmt: FormatOption = Format.table
) -> None:
    """Claimed vs measured, one row per predicate, with the review mark and the verdict."""
    from claimlab.present.words import measured_text, predicate_text
    from claimlab.services.claims import list_claims

    profile = _profile(profile)
    rows = []
    for claim in list_claims(settings_for(db)):
        verdict = next((v for v in claim.verdicts if v["profile"] == profile), None)
        if verdict is None:
            continue
        review = f"{claim.verified}✓ {claim.unverified}×"
        for index, rec in enumerate(verdict["predicates"] or [{}]):
            rows.append(
                {
                    "claim": claim.id,
                    "text": claim.display_text,
                    "review": review,
                    "predicate": predicate_text(rec["predicate"]) if "predicate" in rec else "",
                    "measured": measured_text(rec) if rec else "",
                    "state": rec.get("state", ""),
                    "verdict": verdict["state"] if index == 0 else "",
                }
            )
    columns = {k: k for k in ("claim", "text", "review", "predicate", "measured", "state")}
    print_rows(console, rows, fmt, {**columns, "verdict": "claim verdict"}, f"Verdicts ({profile})")


@app.command("worker")
def worker(
    db: DbOption = None,
    slots: Annotated[int, typer.Option(min=1, help="Jobs at the same time.")] = 1,
    executor: Annotated[str, typer.Option(help="local or ray.")] = "local",
    until_empty: Annotated[
        bool, typer.Option(help="Stop when no job is queued or running.")
    ] = False,
    lease: Annotated[float, typer.Option(help="Lease seconds without heartbeat.")] = 30.0,
    heartbeat: Annotated[float, typer.Option(help="Seconds between heartbeats.")] = 2.0,
) -> None:
    """Claim queued jobs and run them through `python -m reproductions run`."""
    from claimlab.cli.progress import run_worker
    from claimlab.runs.worker import WorkerOptions

    if executor not in ("local", "ray"):
        raise fail(f"unknown executor {executor!r}: use local or ray")
    options = WorkerOptions(
        slots=slots,
        executor=executor,
        until_empty=until_empty,
        lease_s=lease,
        heartbeat_s=heartbeat,
    )
    stats = run_worker(settings_for(db), options, console)
    console.print(
        f"worker done: {stats.succeeded} succeeded, {stats.failed} failed, "
        f"{stats.requeued} requeued, {stats.cancelled} cancelled",
        highlight=False,
    )


@jobs_app.command("import")
def jobs_import(
    workdirs: Annotated[list[Path], typer.Argument(help="Run folders holding result.json.")],
    db: DbOption = None,
) -> None:
    """Record runs finished elsewhere (e.g. on a GPU machine) by their result.json."""
    found = [p.parent for w in workdirs for p in sorted(w.rglob("result.json"))]
    for workdir, outcome in jobs.import_results(settings_for(db), found):
        console.print(f"{outcome:10} {workdir}", highlight=False)


@jobs_app.command("list")
def jobs_list(
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    state: Annotated[list[str] | None, typer.Option(help="Only these states.")] = None,
) -> None:
    """List jobs, newest first."""
    rows = [
        {
            "id": j.id,
            "state": j.state,
            "recipe": j.run.recipe,
            "profile": j.run.profile,
            "seed": j.run.seed,
            "run": j.run.config_hash[:12],
            "progress": f"{j.step}/{j.total}" if j.total else "",
            "attempts": f"{j.attempts}/{j.max_attempts}",
            "error": (j.error or "").splitlines()[0] if j.error else "",
        }
        for j in jobs.list_jobs(settings_for(db), tuple(state) if state else None)
    ]
    print_rows(console, rows, fmt, {k: k for k in rows[0]} if rows else {"id": "id"}, "Jobs")


@jobs_app.command("show")
def jobs_show(job_id: int, db: DbOption = None) -> None:
    """Show a job, its run config, metrics and error."""
    job = jobs.get_job(settings_for(db), job_id)
    if job is None:
        raise fail(f"no job with id {job_id}")
    data = {k: v for k, v in vars(job).items() if k != "run"}
    data["run"] = vars(job.run)
    rows = base_model_rows(job.run.metrics)
    if rows:
        data["base_model"] = {"label": BASE_MODEL_LABEL, "per_language": rows}
    print(to_json(data))


@jobs_app.command("logs")
def jobs_logs(
    job_id: int,
    db: DbOption = None,
    lines: Annotated[int, typer.Option(help="How many of the last lines.")] = 200,
) -> None:
    """Print the tail of a job's log."""
    job = jobs.get_job(settings_for(db), job_id)
    if job is None:
        raise fail(f"no job with id {job_id}")
    print(jobs.job_log(job, lines) or f"job {job_id} has no log yet")


@jobs_app.command("cancel")
def jobs_cancel(job_ids: list[int], db: DbOption = None) -> None:
    """Cancel queued jobs at once; ask running ones to stop (their logs are kept)."""
    for job_id in job_ids:
        state = jobs.cancel_job(settings_for(db), job_id)
        console.print(f"job {job_id}: {state or 'no such job'}", highlight=False)


@jobs_app.command("retry")
def jobs_retry(job_ids: list[int], db: DbOption = None) -> None:
    """Queue failed or cancelled jobs again."""
    for job_id in job_ids:
        state = jobs.retry_job(settings_for(db), job_id)
        console.print(f"job {job_id}: {state or 'no such job'}", highlight=False)
