"""The `claimlab` command."""

from __future__ import annotations

from dataclasses import replace
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
verdicts_app = typer.Typer(help="Judge claims from measured numbers.", no_args_is_help=True)
data_app = typer.Typer(help="Data sets the recipes read.", no_args_is_help=True)
papers_app = typer.Typer(help="Ingested arXiv papers and their passages.", no_args_is_help=True)
watch_app = typer.Typer(help="Saved arXiv searches polled for new papers.", no_args_is_help=True)
study_app = typer.Typer(
    help="Studies that answer a review's research question.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(reports_app, name="reports")
app.add_typer(claims_app, name="claims")
app.add_typer(jobs_app, name="jobs")
app.add_typer(verdicts_app, name="verdicts")
app.add_typer(data_app, name="data")
app.add_typer(study_app, name="study")
app.add_typer(papers_app, name="papers")
app.add_typer(watch_app, name="watch")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: CLAIMLAB_DATABASE_URL).")
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ProfileOption = Annotated[str, typer.Option(help="smoke, mini or paper.")]
SeedsOption = Annotated[int | None, typer.Option(help="Seeds per run (default: per profile).")]
ClaimIds = Annotated[list[int] | None, typer.Argument(help="Claim ids (or --all).")]
AllOption = Annotated[bool, typer.Option("--all", help="Every claim.")]
PROFILES = ("smoke", "mini", "paper")


def _settings(db: str | None) -> Settings:
    # CLAIMLAB_UI_READONLY guards the public app, not the operator's command line.
    return replace(Settings.from_env(db=db), ui_readonly=False)


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
    fetch_papers: Annotated[
        bool, typer.Option(help="Also ingest the arXiv papers the reports reference.")
    ] = False,
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
    if fetch_papers:
        from claimlab.papers import ingest_arxiv, referenced_ids

        report_ids = [r.report_id for r in results if r.report_id is not None]
        ids = referenced_ids(settings, report_ids) if report_ids else []
        failed += _print_papers(ingest_arxiv(settings, ids)) if ids else 0
    if failed:
        raise _fail(f"{failed} item(s) failed; the others were ingested")


def _print_papers(results) -> int:
    for r in results:
        if r.status in ("failed", "pdf-failed"):
            err.print(f"[red]{r.status}[/red] {r.key}: {r.error}", highlight=False)
        else:
            console.print(f"{r.status:9} {r.key}", highlight=False)
    return sum(r.status == "failed" for r in results)


@ingest_app.command("arxiv")
def ingest_arxiv_cmd(
    ids: Annotated[list[str] | None, typer.Argument(help="arXiv ids, e.g. 2106.01732v2.")] = None,
    query: Annotated[str | None, typer.Option(help="An arXiv search query instead of ids.")] = None,
    max_results: Annotated[int, typer.Option("--max", help="Results of --query.")] = 20,
    db: DbOption = None,
) -> None:
    """Fetch arXiv metadata and PDFs and split the PDFs into passages."""
    from claimlab.ingest import arxiv
    from claimlab.papers import arxiv_settings, ingest_arxiv, ingest_meta

    settings = _settings(db)
    if query:
        try:
            metas = arxiv.search(query, arxiv_settings(settings), max_results=max_results)
        except Exception as exc:  # network and API errors, reported as such
            raise _fail(f"search failed: {exc}") from None
        failed = _print_papers([ingest_meta(settings, m) for m in metas])
    elif ids:
        failed = _print_papers(ingest_arxiv(settings, ids))
    else:
        raise _fail("give arXiv ids or --query")
    if failed:
        raise _fail(f"{failed} paper(s) failed")


@ingest_app.command("pdf")
def ingest_pdf_cmd(
    file: Annotated[Path, typer.Argument(help="A PDF you already have.")],
    arxiv_id: Annotated[str, typer.Option("--arxiv-id", help="Its arXiv id.")],
    title: Annotated[str | None, typer.Option(help="Title, until metadata is fetched.")] = None,
    db: DbOption = None,
) -> None:
    """Add a local PDF under an arXiv id."""
    from claimlab.papers import ingest_pdf

    if _print_papers([result := ingest_pdf(_settings(db), file, arxiv_id, title)]) or (
        result.status == "pdf-failed"
    ):
        raise typer.Exit(1)


@papers_app.command("list")
def papers_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List papers with PDF status and passage counts."""
    from claimlab.papers import list_papers

    rows = [
        {
            "id": p.arxiv_id,
            "version": p.version,
            "title": p.title,
            "pages": p.pages,
            "pdf_status": p.pdf_status,
            "passages": p.passages_count,
            "claims": p.claims_count,
            "pdf_error": p.pdf_error,
        }
        for p in list_papers(_settings(db))
    ]
    cols = {k: k for k in ("id", "version", "title", "pages", "pdf_status", "passages", "claims")}
    print_rows(console, rows, fmt, cols, "Papers")


@papers_app.command("show")
def papers_show(
    key: Annotated[str, typer.Argument(help="arXiv id, optionally with version.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show a paper and its passages in reading order."""
    from claimlab.papers import get_paper

    paper = get_paper(_settings(db), key)
    if paper is None:
        raise _fail(f"no paper {key}")
    if fmt == "json":
        print(to_json(paper.detail()))
        return
    console.print(f"[bold]{paper.key}[/bold] {paper.title or ''}", highlight=False)
    console.print(f"{paper.pages} pages, pdf {paper.pdf_status} {paper.pdf_error or ''}")
    for p in paper.passages:
        console.print(f"p.{p.page} {p.kind:7} [{p.section or ''}] {p.text[:160]}", highlight=False)


@app.command("ground")
def ground_cmd(
    claim: Annotated[int | None, typer.Option("--claim", help="Only this claim.")] = None,
    db: DbOption = None,
) -> None:
    """Find each claim's supporting passages in the papers its reports cite."""
    from claimlab.evidence import ground_claims

    counts = ground_claims(_settings(db), [claim] if claim else None)
    console.print(
        f"{counts['found']} grounded, {counts['not-found']} not found in source, "
        f"{counts['pending']} without an ingested paper"
    )


@watch_app.command("add")
def watch_add(
    query: Annotated[str, typer.Argument(help='arXiv query, e.g. abs:"code-switching".')],
    category: Annotated[str | None, typer.Option(help="arXiv category, e.g. cs.CL.")] = None,
    max_results: Annotated[int, typer.Option("--max", help="Papers per pass at most.")] = 50,
    db: DbOption = None,
) -> None:
    """Save a search that `watch run` polls."""
    from claimlab.ingest import watch

    search_id, created = watch.add(_settings(db), query, category, max_results)
    console.print(f"saved search {search_id}" + ("" if created else " (already saved)"))


@watch_app.command("list")
def watch_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List saved searches and their watermarks."""
    from claimlab.ingest import watch

    rows = [vars(s) for s in watch.list_all(_settings(db))]
    print_rows(console, rows, fmt, {k: k for k in (rows[0] if rows else {"id": 1})}, "Searches")


def _print_pass(results) -> None:
    for r in results:
        status = f"[red]failed[/red] {r.error}" if r.error else f"{r.new_papers} new paper(s)"
        console.print(f"search {r.search_id} {r.query!r}: {status}", highlight=False)


@watch_app.command("run")
def watch_run(db: DbOption = None) -> None:
    """One pass over every saved search (for cron)."""
    from claimlab.ingest import watch

    results = watch.run_pass(_settings(db))
    _print_pass(results)
    if any(r.error for r in results):
        raise typer.Exit(1)


@watch_app.command("serve")
def watch_serve(
    every: Annotated[str, typer.Option(help="Interval, e.g. 6h, 30m, 1d.")] = "6h",
    db: DbOption = None,
) -> None:
    """Run a pass now and then at every interval until stopped."""
    from claimlab.ingest import watch

    try:
        seconds = watch.parse_every(every)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    watch.serve(_settings(db), seconds, _print_pass)


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
    for e in claim.evidence[:3]:
        console.print(
            f"evidence: {e.paper} p.{e.page} score {e.score:.2f} ({e.method}): {e.text[:300]}",
            highlight=False,
        )
    console.print(f"spec ({claim.spec_status}): {to_json(claim.spec) if claim.spec else '-'}")
    for verdict in claim.verdicts:
        console.print(f"[bold]{verdict['profile']}: {verdict['state']}[/bold]", highlight=False)
        for rec in verdict["predicates"]:
            console.print(f"  claimed {rec['claimed']}  -> {rec['state']}", highlight=False)
            console.print(f"    measured: {_measured_text(rec)}", highlight=False)
            console.print(f"    rule: {rec['rule']}", highlight=False)


def _measured_text(rec: dict) -> str:
    measured = rec.get("measured")
    if not measured:
        return "-"
    if "paper_config" in measured:
        return f"source {measured['source']}, recipe paper config {measured['paper_config']}"
    if "mean" in measured:
        return f"{measured['mean']:.4f} over {measured['n']} seed(s)"
    parts = []
    for label, m in measured.items():
        if "lhs" in m:
            lhs, rhs = m["lhs"]["mean"], m["rhs"]["mean"]
            parts.append(f"{label}: {lhs:.4f} vs {rhs:.4f} (n={m['lhs']['n']}, {m['state']})")
        elif "mean" in m and m["mean"] is not None:
            parts.append(f"{label}: {m['mean']:.4f} (n={m['n']}, {m['state']})")
        else:
            parts.append(f"{label}: {m.get('state')}")
    stand_in = rec.get("stand_in")
    return "; ".join(parts) + (f"  [stand-in: {stand_in}]" if stand_in else "")


@claims_app.command("parse")
def claims_parse(claim_ids: ClaimIds = None, db: DbOption = None) -> None:
    """Turn claim text into predicates (hand-set specs are kept)."""
    from claimlab.reproduce import parse_specs

    counts = parse_specs(_settings(db), claim_ids or None)
    console.print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no claims")


@claims_app.command("spec")
def claims_spec(
    claim_id: int,
    set_file: Annotated[
        Path | None, typer.Option("--set", help="JSON file with predicates.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Show a claim's spec, or set it by hand from a JSON file (never overwritten by parsing)."""
    import json

    from claimlab.reproduce import SpecError, set_spec

    settings = _settings(db)
    if set_file is None:
        claim = services.get_claim(settings, claim_id)
        if claim is None:
            raise _fail(f"no claim with id {claim_id}")
        print(to_json({"spec_status": claim.spec_status, "spec": claim.spec}))
        return
    try:
        spec = json.loads(set_file.read_text())
        set_spec(settings, claim_id, spec)
    except (OSError, json.JSONDecodeError) as exc:
        raise _fail(f"{set_file}: {exc}") from None
    except SpecError as exc:
        raise _fail(f"{set_file}: {exc}") from None
    except KeyError:
        raise _fail(f"no claim with id {claim_id}") from None
    console.print(f"claim {claim_id}: spec set by hand ({len(spec)} predicate(s))")


def _claim_selection(claim_ids: list[int] | None, all_: bool) -> list[int] | None:
    if not claim_ids and not all_:
        raise _fail("name claim ids or pass --all")
    return None if all_ else claim_ids


def _profile(profile: str) -> str:
    if profile not in PROFILES:
        raise _fail(f"unknown profile {profile!r}: use {', '.join(PROFILES)}")
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
    from claimlab.reproduce import plan_claims
    from claimlab.runs.jobs import existing_runs

    settings = _settings(db)
    try:
        plans, runs = plan_claims(
            settings, _claim_selection(claim_ids, all_), _profile(profile), seeds
        )
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    known = existing_runs(settings, list(runs))
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
) -> None:
    """Queue the runs the claims need at a profile (runs that exist are reused)."""
    from claimlab.reproduce import reproduce

    try:
        new, old = reproduce(
            _settings(db), _claim_selection(claim_ids, all_), _profile(profile), seeds
        )
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    console.print(f"{new} run(s) queued, {old} already known; start `claimlab worker`")


@verdicts_app.command("compute")
def verdicts_compute(
    profile: ProfileOption = "mini",
    seeds: SeedsOption = None,
    claim_ids: ClaimIds = None,
    db: DbOption = None,
) -> None:
    """Judge every claim with a spec from the finished runs at a profile."""
    from claimlab.reproduce import compute_verdicts

    counts = compute_verdicts(_settings(db), _profile(profile), claim_ids or None, seeds)
    console.print(
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no claims with specs"
    )


@data_app.command("build-mini")
def data_build_mini(
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    cache: Annotated[Path | None, typer.Option(help="Package download cache.")] = None,
) -> None:
    """Build the mini data set from Debian packages (see reproductions/minibench)."""
    from reproductions.minibench import build

    settings = _settings(None)
    out = out or settings.mini_data_dir
    manifest = build(out, cache or settings.home / "cache" / "debian")
    console.print(f"mini data set in {out}: {len(manifest.get('files', {}))} files")


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


@jobs_app.command("import")
def jobs_import(
    workdirs: Annotated[list[Path], typer.Argument(help="Run folders holding result.json.")],
    db: DbOption = None,
) -> None:
    """Record runs finished elsewhere (e.g. on a GPU machine) by their result.json."""
    from claimlab.runs import jobs

    found = [p.parent for w in workdirs for p in sorted(w.rglob("result.json"))]
    for workdir, outcome in jobs.import_results(_settings(db), found):
        console.print(f"{outcome:10} {workdir}", highlight=False)


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


StudyFile = Annotated[Path, typer.Argument(help="Study YAML file.")]
StudyProfile = Annotated[str | None, typer.Option(help="Profile (default: the file's).")]


def _study(path: Path, profile: str | None, settings: Settings):
    from claimlab.studies import StudyError, load_study

    try:
        services.ensure_ready(settings)
        return load_study(path, profile)
    except (StudyError, services.NotReadyError) as exc:
        raise _fail(str(exc)) from None


@study_app.command("plan")
def study_plan(file: StudyFile, profile: StudyProfile = None, db: DbOption = None) -> None:
    """Show the runs a study needs and which exist already (shared with claims)."""
    from claimlab.runs.jobs import existing_runs
    from claimlab.studies import cells

    settings = _settings(db)
    study = _study(file, profile, settings)
    all_cells = cells(settings, study)
    known = existing_runs(settings, [d for c in all_cells for d in c.runs.values()])
    rows = [
        {
            "level": c.level,
            "system": c.system,
            "seed": seed,
            "run": digest[:12],
            "status": known[digest].status if digest in known else "missing",
        }
        for c in all_cells
        for seed, digest in c.runs.items()
    ]
    print_rows(
        console, rows, Format.table, {k: k for k in rows[0]}, f"{study.name} ({study.profile})"
    )


@study_app.command("run")
def study_run(
    file: StudyFile,
    profile: StudyProfile = None,
    db: DbOption = None,
    wait: Annotated[
        bool, typer.Option(help="Run a local worker until the queue is empty.")
    ] = False,
    slots: Annotated[int, typer.Option(help="Worker slots with --wait.")] = 1,
) -> None:
    """Queue the study's runs (and with --wait, run them here)."""
    from claimlab.runs.progress import run_worker
    from claimlab.studies import enqueue_study

    settings = _settings(db)
    study = _study(file, profile, settings)
    new, old = enqueue_study(settings, study)
    console.print(f"{study.name}: {new} run(s) queued, {old} already known")
    if wait:
        run_worker(settings, slots, "local", True, 30.0, 2.0, console)


@study_app.command("show")
def study_show(file: StudyFile, profile: StudyProfile = None, db: DbOption = None) -> None:
    """Print mean ± 95% CI per level and system, write the plot and its data, answer in words."""
    from claimlab.studies import answer, matching_reports, table, write_outputs

    settings = _settings(db)
    study = _study(file, profile, settings)
    rows = table(settings, study)
    print_rows(
        console,
        [
            {
                "level": r.level,
                "system": r.system,
                "pair": r.pair,
                "n": r.n,
                "mean": r.mean,
                "95% CI": f"[{r.ci_low:.3f}, {r.ci_high:.3f}]" if r.ci_low is not None else "",
                "pending": r.pending,
            }
            for r in rows
        ],
        Format.table,
        {k: k for k in ("level", "system", "pair", "n", "mean", "95% CI", "pending")},
        f"{study.name}: {study.question}",
    )
    paths = write_outputs(settings, study, rows)
    console.print(answer(study, rows), highlight=False)
    asked_by = matching_reports(settings, study)
    if asked_by:
        console.print("asked by: " + "; ".join(asked_by), highlight=False)
    console.print(f"plot: {paths['png']}  data: {paths['csv']}", highlight=False)


def main() -> None:
    """Entry point for `python -m claimlab`."""
    app()
