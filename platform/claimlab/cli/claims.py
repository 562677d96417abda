"""`claimlab db`, `ingest report`, `reports`, `claims`: the database, reviews and claims."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

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
    before, after = access.upgrade_db(settings)
    label = access.database_label(settings)
    if before == after:
        console.print(f"database already at head ({after}): {label}", highlight=False)
    else:
        console.print(
            f"database upgraded from {before or 'empty'} to {after}: {label}", highlight=False
        )


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
            err.print(Text.assemble(("failed", "red"), f"  {r.error}"), highlight=False)
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
def claims_list(
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    source: Annotated[
        str | None,
        typer.Option(help="review or paper: claims with a mention from a review / a paper."),
    ] = None,
) -> None:
    """List canonical claims with how many reports mention and verify them."""
    try:
        found = claims.list_claims(settings_for(db), source=source)
    except ValueError as exc:
        raise fail(str(exc)) from None
    rows = [c.summary() for c in found]
    columns = {
        "id": "id",
        "text": "claim",
        "sources": "source",
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
    from claimlab.present.words import measured_detail, predicate_text

    claim = claims.get_claim(settings_for(db), claim_id)
    if claim is None:
        raise fail(f"no claim with id {claim_id}")
    if fmt == "json":
        print(to_json(claim.detail()))
        return
    # Claim text, report titles and passages are data: printed as text, never as markup.
    say = partial(console.print, highlight=False, markup=False)
    console.print(Text.assemble((f"Claim {claim.id}", "bold"), ": ", claim.display_text))
    if claim.truncated and not claim.completed_text:
        say("(cut off in every report; not yet completed from the paper)", style="dim")
    say(
        f"{claim.mentions} mention(s): {claim.verified} ✓, {claim.unverified} ×; "
        f"confidence mean {claim.confidence_mean}"
    )
    for m in claim.mention_list:
        if m.source == "paper":
            say(f"  paper p.{m.page}  [{m.report}] {m.text}")
            continue
        mark = "✓" if m.verified else "×"
        say(f"  {mark} {m.confidence:.2f}  [{m.report}] {m.text}")
    for e in claim.evidence[:3]:
        say(f"evidence: {e.paper} p.{e.page} score {e.score:.2f} ({e.method}): {e.text[:300]}")
    say(f"spec ({claim.spec_status}): {to_json(claim.spec) if claim.spec else '-'}")
    if claim.spec_reason:
        say(f"  why {claim.spec_status}: {claim.spec_reason}")
    for i, p in enumerate(claim.spec or []):
        read_from = f'  <- "{p["source"]}"' if p.get("source") else ""
        say(f"  {i}. {predicate_text(p)}{read_from}")
    for verdict in claim.verdicts:
        say(f"{verdict['profile']}: {verdict['state']}", style="bold")
        for rec in verdict["predicates"]:
            say(f"  claimed {rec['claimed']}  -> {rec['state']}")
            say(f"    measured: {measured_detail(rec)}")
            say(f"    rule: {rec['rule']}")


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
        print(
            to_json(
                {
                    "spec_status": claim.spec_status,
                    "spec_reason": claim.spec_reason,
                    "spec": claim.spec,
                }
            )
        )
        return
    try:
        spec = json.loads(set_file.read_text())
        set_spec(settings, claim_id, spec)
    except (OSError, json.JSONDecodeError) as exc:
        raise fail(f"{set_file}: {exc}") from None
    except SpecError as exc:
        raise fail(f"{set_file}: {exc}") from None
    console.print(f"claim {claim_id}: spec set by hand ({len(spec)} predicate(s))")
