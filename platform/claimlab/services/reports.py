"""Review files in and out: ingest (from paths or an upload) and list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from claimlab.claims.canon import ClaimIndex, canonical_text
from claimlab.config import Settings
from claimlab.ingest.reports import ReportError, parse_report, read_report
from claimlab.records import IngestResult, ParsedReport, ReportView
from claimlab.services.access import guard, session
from claimlab.store import queries
from claimlab.store.engine import DatabaseError
from claimlab.store.reports import save_report

REPORT_SUFFIXES = (".txt", ".md")


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


def ingest_report_bytes(settings: Settings, data: bytes, name: str) -> IngestResult:
    """Ingest one review given as bytes (an upload); `name` identifies it."""
    guard(settings, write=True)
    try:
        parsed = parse_report(data, source=name)
    except ReportError as exc:
        return IngestResult(name, "failed", error=str(exc))
    return _save(settings, parsed)


def _save(settings: Settings, parsed: ParsedReport) -> IngestResult:
    try:
        with session(settings, write=True) as s:
            result = save_report(s, parsed, ClaimIndex, canonical_text)
    except DatabaseError as exc:
        return IngestResult(parsed.source, "failed", error=f"{parsed.source}: database: {exc}")
    return replace(result, warnings=tuple(parsed.warnings))


def list_reports(settings: Settings) -> list[ReportView]:
    """Every ingested review, newest first."""
    with session(settings) as s:
        return queries.list_reports(s)
