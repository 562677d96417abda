"""The `claimlab` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from claimlab import services
from claimlab.config import Settings
from claimlab.output import Format, print_rows, to_json

app = typer.Typer(help="Check what literature reviews claim about papers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
ingest_app = typer.Typer(help="Bring reviews and papers in.", no_args_is_help=True)
reports_app = typer.Typer(help="Ingested reviews.", no_args_is_help=True)
claims_app = typer.Typer(help="Canonical claims and their mentions.", no_args_is_help=True)
jobs_app = typer.Typer(help="The run queue.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(reports_app, name="reports")
app.add_typer(claims_app, name="claims")
app.add_typer(jobs_app, name="jobs")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: CLAIMLAB_DATABASE_URL).")
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _settings(db: str | None) -> Settings:
    return Settings.from_env(db=db)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the database to the newest schema."""
    settings = _settings(db)
    revision = services.upgrade_db(settings)
    console.print(f"database at revision {revision}: {settings.database_url}", highlight=False)


@ingest_app.command("report")
def ingest_report(
    paths: Annotated[list[Path], typer.Argument(help="Review files or folders of them.")],
    db: DbOption = None,
) -> None:
    """Parse review files and merge their claims into the database."""
    settings = _settings(db)
    try:
        results = services.ingest_reports(settings, paths)
    except services.NotReadyError as exc:
        raise _fail(str(exc)) from None
    if not results:
        raise _fail("no review files found in " + ", ".join(map(str, paths)))
    for r in results:
        if r.status == "failed":
            err.print(f"[red]failed[/red]  {r.error}", highlight=False)
        else:
            console.print(
                f"{r.status:9} {r.source}: {r.mentions} mentions, {r.new_claims} new claims",
                highlight=False,
            )
    failed = sum(r.status == "failed" for r in results)
    if failed:
        raise _fail(f"{failed} of {len(results)} file(s) failed; the others were ingested")


@reports_app.command("list")
def reports_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List ingested reviews."""
    try:
        reports = services.list_reports(_settings(db))
    except services.NotReadyError as exc:
        raise _fail(str(exc)) from None
    rows = [vars(r) for r in reports]
    columns = {
        "id": "id",
        "report_date": "date",
        "title": "title",
        "mentions": "claims",
        "claims_verified": "verified",
        "quality_score": "quality",
        "references": "arXiv",
    }
    print_rows(console, rows, fmt, columns, "Reports")


@claims_app.command("list")
def claims_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List canonical claims with how many reports mention and verify them."""
    try:
        claims = services.list_claims(_settings(db))
    except services.NotReadyError as exc:
        raise _fail(str(exc)) from None
    rows = [c.summary() for c in claims]
    columns = {
        "id": "id",
        "text": "claim",
        "mentions": "mentions",
        "verified": "✓",
        "unverified": "×",
        "confidence_mean": "confidence",
    }
    print_rows(console, rows, fmt, columns, "Claims")


@claims_app.command("show")
def claims_show(
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show one claim with every mention."""
    try:
        claim = services.get_claim(_settings(db), claim_id)
    except services.NotReadyError as exc:
        raise _fail(str(exc)) from None
    if claim is None:
        raise _fail(f"no claim with id {claim_id}")
    if fmt == "json":
        print(to_json(claim.detail()))
        return
    console.print(f"[bold]Claim {claim.id}[/bold]: {claim.display_text}", highlight=False)
    if claim.truncated and not claim.completed_text:
        console.print("[dim](cut off in every report; not yet completed from the paper)[/dim]")
    console.print(
        f"{claim.mentions} mention(s): {claim.verified} ✓, {claim.unverified} ×; "
        f"confidence mean {claim.confidence_mean}",
        highlight=False,
    )
    for m in claim.mention_list:
        mark = "✓" if m.verified else "×"
        console.print(f"  {mark} {m.confidence:.2f}  [{m.report}] {m.text}", highlight=False)


@app.command("worker")
def worker(
    db: DbOption = None,
    slots: Annotated[int, typer.Option(min=1, help="Jobs at the same time.")] = 1,
    executor: Annotated[str, typer.Option(help="local or ray.")] = "local",
    until_empty: Annotated[bool, typer.Option(help="Stop when nothing is queued.")] = False,
    lease: Annotated[float, typer.Option(help="Lease seconds without heartbeat.")] = 30.0,
    heartbeat: Annotated[float, typer.Option(help="Seconds between heartbeats.")] = 2.0,
) -> None:
    """Claim queued jobs and run them through `python -m reproductions run`."""
    from claimlab.runs.progress import run_worker

    if executor not in ("local", "ray"):
        raise _fail(f"unknown executor {executor!r}: use local or ray")
    settings = _settings(db)
    try:
        services.ensure_ready(settings)
    except services.NotReadyError as exc:
        raise _fail(str(exc)) from None
    stats = run_worker(settings, slots, executor, until_empty, lease, heartbeat, console)
    console.print(
        f"worker done: {stats.succeeded} succeeded, {stats.failed} failed, "
        f"{stats.requeued} requeued, {stats.cancelled} cancelled",
        highlight=False,
    )


@jobs_app.command("list")
def jobs_list(
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    state: Annotated[list[str] | None, typer.Option(help="Only these states.")] = None,
) -> None:
    """List jobs, newest first."""
    from claimlab.runs import jobs

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
        for j in jobs.list_jobs(_settings(db), tuple(state) if state else None)
    ]
    print_rows(console, rows, fmt, {k: k for k in rows[0]} if rows else {"id": "id"}, "Jobs")


@jobs_app.command("show")
def jobs_show(job_id: int, db: DbOption = None) -> None:
    """Show a job, its run config, metrics and error."""
    from claimlab.runs import jobs

    job = jobs.get_job(_settings(db), job_id)
    if job is None:
        raise _fail(f"no job with id {job_id}")
    data = {k: v for k, v in vars(job).items() if k != "run"}
    data["run"] = vars(job.run)
    print(to_json(data))


@jobs_app.command("logs")
def jobs_logs(
    job_id: int,
    db: DbOption = None,
    lines: Annotated[int, typer.Option(help="How many of the last lines.")] = 200,
) -> None:
    """Print the tail of a job's log."""
    from claimlab.runs import jobs

    job = jobs.get_job(_settings(db), job_id)
    if job is None:
        raise _fail(f"no job with id {job_id}")
    print(jobs.job_log(job, lines) or f"job {job_id} has no log yet")


@jobs_app.command("cancel")
def jobs_cancel(job_ids: list[int], db: DbOption = None) -> None:
    """Cancel queued jobs at once; ask running ones to stop (their logs are kept)."""
    from claimlab.runs import jobs

    for job_id in job_ids:
        state = jobs.cancel_job(_settings(db), job_id)
        console.print(f"job {job_id}: {state or 'no such job'}", highlight=False)


@jobs_app.command("retry")
def jobs_retry(job_ids: list[int], db: DbOption = None) -> None:
    """Queue failed or cancelled jobs again."""
    from claimlab.runs import jobs

    for job_id in job_ids:
        state = jobs.retry_job(_settings(db), job_id)
        console.print(f"job {job_id}: {state or 'no such job'}", highlight=False)


def main() -> None:
    """Entry point for `python -m claimlab`."""
    app()
