"""`claimlab ingest arxiv|pdf`, `papers`, `ground`, `watch`: papers and their passages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from claimlab.cli.common import (
    DbOption,
    FormatOption,
    app,
    console,
    err,
    fail,
    ingest_app,
    papers_app,
    settings_for,
    watch_app,
)
from claimlab.cli.output import Format, print_rows, to_json

FAILED = ("failed", "pdf-failed")


def print_papers(results) -> int:
    """Print what happened to each paper; returns how many failed (metadata or PDF)."""
    for r in results:
        if r.status in FAILED:
            err.print(f"[red]{r.status}[/red] {r.key}: {escape(r.error or '')}", highlight=False)
        else:
            console.print(f"{r.status:9} {r.key}", highlight=False)
    return sum(r.status in FAILED for r in results)


@ingest_app.command("arxiv")
def ingest_arxiv_cmd(
    ids: Annotated[list[str] | None, typer.Argument(help="arXiv ids, e.g. 2106.01732v2.")] = None,
    query: Annotated[str | None, typer.Option(help="An arXiv search query instead of ids.")] = None,
    max_results: Annotated[int, typer.Option("--max", help="Results of --query.")] = 20,
    db: DbOption = None,
) -> None:
    """Fetch arXiv metadata and PDFs and split the PDFs into passages."""
    from claimlab.ingest import arxiv
    from claimlab.services.papers import arxiv_settings, ingest_arxiv, ingest_metas

    settings = settings_for(db)
    if query:
        try:
            metas = arxiv.search(query, arxiv_settings(settings), max_results=max_results)
        except Exception as exc:  # network and API errors, reported as such
            raise fail(f"search failed: {exc}") from None
        failed = print_papers(ingest_metas(settings, metas))
    elif ids:
        failed = print_papers(ingest_arxiv(settings, ids))
    else:
        raise fail("give arXiv ids or --query")
    if failed:
        raise fail(f"{failed} paper(s) failed")


@ingest_app.command("pdf")
def ingest_pdf_cmd(
    file: Annotated[Path, typer.Argument(help="A PDF you already have.")],
    arxiv_id: Annotated[str, typer.Option("--arxiv-id", help="Its arXiv id.")],
    title: Annotated[str | None, typer.Option(help="Title, until metadata is fetched.")] = None,
    db: DbOption = None,
) -> None:
    """Add a local PDF under an arXiv id."""
    from claimlab.services.papers import ingest_pdf

    if print_papers([ingest_pdf(settings_for(db), file, arxiv_id, title)]):
        raise typer.Exit(1)


@papers_app.command("list")
def papers_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List papers with PDF status and passage counts."""
    from claimlab.services.papers import list_papers

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
        for p in list_papers(settings_for(db))
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
    from claimlab.services.papers import get_paper

    paper = get_paper(settings_for(db), key)
    if paper is None:
        raise fail(f"no paper {key}")
    if fmt == "json":
        print(to_json(paper.detail()))
        return
    console.print(f"[bold]{paper.key}[/bold] {paper.title or ''}", highlight=False)
    console.print(f"{paper.pages} pages, pdf {paper.pdf_status} {paper.pdf_error or ''}")
    for p in paper.passages:
        console.print(f"p.{p.page} {p.kind:7} [{p.section or ''}] {p.text[:160]}", highlight=False)


@papers_app.command("extract")
def papers_extract(
    keys: Annotated[
        list[str] | None,
        typer.Argument(help="arXiv ids (optionally with version); all papers when none."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Extract claim sentences and results-table values from papers' passages."""
    from claimlab.services.extraction import extract, extract_keys

    settings = settings_for(db)
    results = extract_keys(settings, keys) if keys else extract(settings)
    for r in results:
        if r.error:
            err.print(f"[red]failed[/red] {escape(r.error)}", highlight=False)
            continue
        console.print(
            f"{r.arxiv_id}: {r.sentences} claim sentence(s), {r.values} table value(s), "
            f"{len(r.claim_ids)} claim(s), {r.linked} mentioned by reviews",
            highlight=False,
            markup=False,
        )
    if not results:
        console.print("no paper with a PDF to extract")
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command("ground")
def ground_cmd(
    claim: Annotated[int | None, typer.Option("--claim", help="Only this claim.")] = None,
    db: DbOption = None,
) -> None:
    """Find each claim's supporting passages in the papers its reports cite."""
    from claimlab.services.grounding import ground_claims

    counts = ground_claims(settings_for(db), [claim] if claim else None)
    console.print(
        f"{counts['found']} grounded, {counts['not-found']} not found in source, "
        f"{counts['pending']} without an ingested paper"
    )


@watch_app.command("add")
def watch_add(
    query: Annotated[str, typer.Argument(help='arXiv query, e.g. abs:"code-switching".')],
    category: Annotated[str | None, typer.Option(help="arXiv category, e.g. cs.CL.")] = None,
    max_results: Annotated[int, typer.Option("--max", help="Papers per pass at most.")] = 50,
    reproduce: Annotated[
        str | None,
        typer.Option(
            "--reproduce",
            help="After each pass, queue the runs of the new papers' claims at this profile.",
        ),
    ] = None,
    seeds: Annotated[int | None, typer.Option(help="Seeds per run (with --reproduce).")] = None,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", help="Runs queued per pass at most.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Save a search that `watch run` polls."""
    from claimlab.services import watch

    try:
        search_id, created = watch.add(
            settings_for(db), query, category, max_results, reproduce, seeds, max_runs
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"saved search {search_id}" + ("" if created else " (already saved)"))
    if reproduce:
        bound = f", at most {max_runs} run(s) per pass" if max_runs is not None else ""
        console.print(f"queues its claims' runs at {reproduce} after each pass{bound}")


@watch_app.command("list")
def watch_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List saved searches and their watermarks."""
    from claimlab.services import watch

    rows = [vars(s) for s in watch.list_all(settings_for(db))]
    print_rows(console, rows, fmt, {k: k for k in (rows[0] if rows else {"id": 1})}, "Searches")


def _print_pass(results) -> None:
    for r in results:
        status = (
            f"[red]failed[/red] {escape(r.error)}" if r.error else f"{r.new_papers} new paper(s)"
        )
        status += f", {r.extracted} extracted"
        if r.queued or r.waiting:
            status += f", {r.queued} run(s) queued, {r.waiting} left for later passes"
        console.print(f"search {r.search_id} {escape(repr(r.query))}: {status}", highlight=False)
        for e in r.extract_errors:
            err.print(f"  [red]extraction failed[/red] {escape(e)}", highlight=False)


@watch_app.command("run")
def watch_run(db: DbOption = None) -> None:
    """One pass over every saved search (for cron)."""
    from claimlab.services import watch

    results = watch.run_pass(settings_for(db))
    _print_pass(results)
    if any(r.error for r in results):
        raise typer.Exit(1)


@watch_app.command("serve")
def watch_serve(
    every: Annotated[str, typer.Option(help="Interval, e.g. 6h, 30m, 1d.")] = "6h",
    db: DbOption = None,
) -> None:
    """Run a pass now and then at every interval until stopped."""
    from claimlab.services import watch

    try:
        seconds = watch.parse_every(every)
    except ValueError as exc:
        raise fail(str(exc)) from None
    watch.serve(settings_for(db), seconds, _print_pass)
