"""`claimlab db`, `ingest report`, `reports`, `claims`: the database, reviews and claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimlab.cli.common import (
    ClaimIds,
    DbOption,
    FormatOption,
    claims_app,
    console,
    db_app,
    err,
    fail,
    ingest_app,
    reports_app,
    settings_for,
)
from claimlab.cli.output import Format, print_rows, to_json
from claimlab.cli.papers import print_papers
from claimlab.services import access, claims, reports


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the database to the newest schema."""
    settings = settings_for(db)
    revision = access.upgrade_db(settings)
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
    settings = settings_for(db)
    results = reports.ingest_reports(settings, paths)
    if not results:
        raise fail("no review files found in " + ", ".join(map(str, paths)))
    for r in results:
        if r.status == "failed":
            err.print(f"[red]failed[/red]  {r.error}", highlight=False)
        else:
            console.print(
                f"{r.status:9} {r.source}: {r.mentions} mentions, {r.new_claims} new claims",
                highlight=False,
                markup=False,
            )
        for warning in r.warnings:
            err.print(f"warning: {warning}", highlight=False, markup=False)
    failed = sum(r.status == "failed" for r in results)
    if fetch_papers:
        from claimlab.services.papers import ingest_arxiv, referenced_ids

        report_ids = [r.report_id for r in results if r.report_id is not None]
        ids = referenced_ids(settings, report_ids) if report_ids else []
        failed += print_papers(ingest_arxiv(settings, ids)) if ids else 0
    if failed:
        raise fail(f"{failed} item(s) failed; the others were ingested")


@reports_app.command("list")
def reports_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List ingested reviews."""
    rows = [vars(r) for r in reports.list_reports(settings_for(db))]
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
    rows = [c.summary() for c in claims.list_claims(settings_for(db))]
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
    from claimlab.present.words import measured_detail

    claim = claims.get_claim(settings_for(db), claim_id)
    if claim is None:
        raise fail(f"no claim with id {claim_id}")
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
            console.print(f"    measured: {measured_detail(rec)}", highlight=False)
            console.print(f"    rule: {rec['rule']}", highlight=False)


@claims_app.command("parse")
def claims_parse(claim_ids: ClaimIds = None, db: DbOption = None) -> None:
    """Turn claim text into predicates (hand-set specs are kept)."""
    from claimlab.services.specs import parse_specs

    counts = parse_specs(settings_for(db), claim_ids or None)
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

    from claimlab.claims.predicates import SpecError
    from claimlab.services.specs import set_spec

    settings = settings_for(db)
    if set_file is None:
        claim = claims.get_claim(settings, claim_id)
        if claim is None:
            raise fail(f"no claim with id {claim_id}")
        print(to_json({"spec_status": claim.spec_status, "spec": claim.spec}))
        return
    try:
        spec = json.loads(set_file.read_text())
        set_spec(settings, claim_id, spec)
    except (OSError, json.JSONDecodeError) as exc:
        raise fail(f"{set_file}: {exc}") from None
    except SpecError as exc:
        raise fail(f"{set_file}: {exc}") from None
    console.print(f"claim {claim_id}: spec set by hand ({len(spec)} predicate(s))")
