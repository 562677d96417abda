"""Review files in and out: ingest (from paths or an upload) and list."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from claimlab.claims.canon import ClaimIndex, canonical_text
from claimlab.claims.parser import ParsedSpec, SpecParser
from claimlab.config import Settings
from claimlab.ingest.reports import ReportError, parse_report, read_report
from claimlab.records import IngestResult, ParsedReport, ReportView
from claimlab.runs import recipes
from claimlab.services.access import guard, session
from claimlab.store import queries
from claimlab.store.engine import DatabaseError
from claimlab.store.reports import save_report

REPORT_SUFFIXES = (".txt", ".md")


@lru_cache(maxsize=65_536)
def _reading(text: str, truncated: bool) -> ParsedSpec:
    """The parser's reading of a mention, for merging by predicates (cached per process)."""
    return _parser().parse(text, truncated)


@lru_cache(maxsize=1)
def _parser() -> SpecParser:
    return SpecParser(recipes.capabilities())


def claim_matcher() -> ClaimIndex:
    """The index that merges mentions into claims, reading predicates with the parser."""
    return ClaimIndex(parse=_reading)


def report_files(paths: Iterable[Path]) -> list[Path]:
    """The review files named by `paths`: files as given, folders searched for *.txt / *.md."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in REPORT_SUFFIXES))
        else:
            out.append(path)
    return out


def ingest_reports(settings: Settings, paths: Iterable[Path]) -> list[IngestResult]:
    """Ingest each review file in its own transaction; a bad file does not stop the others."""
    guard(settings, write=True)
    results = []
    for path in report_files(paths):
        try:
            parsed = read_report(path)
        except ReportError as exc:
            results.append(IngestResult(str(path), "failed", error=str(exc)))
            continue
        results.append(_save(settings, parsed))
    return results


def upload_label(name: str) -> str:
    """The client's file name reduced to a bare, short label (it names, never identifies)."""
    return " ".join(Path(name.replace("\\", "/")).name.split())[:200] or "review"


def _parse_upload(data: bytes, name: str) -> ParsedReport:
    """Parse an upload; errors name the client's file, the stored source is the content hash
    with that name as a label."""
    label = upload_label(name)
    parsed = parse_report(data, source=label)
    parsed.source = f"upload:{hashlib.sha256(data).hexdigest()[:16]}:{label}"
    return parsed


def ingest_report_bytes(settings: Settings, data: bytes, name: str) -> IngestResult:
    """Ingest one uploaded review as a new report; the same content again is 'unchanged'.

    `name` (sent by the client) is a label: it never selects a report to replace.
    """
    guard(settings, write=True)
    try:
        parsed = _parse_upload(data, name)
    except ReportError as exc:
        return IngestResult(upload_label(name), "failed", error=str(exc))
    return _save(settings, parsed, by_source=False)


def replace_report(settings: Settings, report_id: int, data: bytes, name: str) -> IngestResult:
    """Replace report `report_id` (chosen by the user) with an uploaded review; raises
    NotFoundError when there is no such report."""
    guard(settings, write=True)
    try:
        parsed = _parse_upload(data, name)
    except ReportError as exc:
        return IngestResult(upload_label(name), "failed", error=str(exc))
    return _save(settings, parsed, replace_id=report_id)


def _save(
    settings: Settings, parsed: ParsedReport, replace_id: int | None = None, by_source: bool = True
) -> IngestResult:
    try:
        with session(settings, write=True) as s:
            result = save_report(
                s, parsed, claim_matcher, canonical_text, replace_id=replace_id, by_source=by_source
            )
    except ValueError as exc:  # the content is already another report
        return IngestResult(parsed.source, "failed", error=str(exc))
    except DatabaseError as exc:
        return IngestResult(parsed.source, "failed", error=f"{parsed.source}: database: {exc}")
    return replace(result, warnings=tuple(parsed.warnings))


def list_reports(settings: Settings) -> list[ReportView]:
    """Every ingested review, newest first."""
    with session(settings) as s:
        return queries.list_reports(s)
