"""What the CLI and the app can do, as functions over Settings returning plain records."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from claimlab.config import Settings
from claimlab.ingest.reports import ReportError, parse_report, read_report
from claimlab.store import migrate
from claimlab.store.engine import session_scope
from claimlab.store.entities import ClaimView, IngestResult, ReportView
from claimlab.store.queries import get_claim as _get_claim
from claimlab.store.queries import list_claims as _list_claims
from claimlab.store.queries import list_reports as _list_reports
from claimlab.store.reports import save_report

REPORT_SUFFIXES = (".txt", ".md")


class NotReadyError(RuntimeError):
    """The database has not been migrated to the code's schema."""


class ReadOnlyError(PermissionError):
    """A write was asked of a read-only instance (CLAIMLAB_UI_READONLY=1)."""


def require_writable(settings: Settings) -> None:
    """Raise ReadOnlyError on a read-only instance."""
    if settings.ui_readonly:
        raise ReadOnlyError("this claimlab instance is read-only (CLAIMLAB_UI_READONLY=1)")


def upgrade_db(settings: Settings) -> str | None:
    """Migrate the database to the newest schema; returns the revision."""
    migrate.upgrade(settings.database_url)
    return migrate.current(settings.database_url)


def ensure_ready(settings: Settings) -> None:
    """Raise NotReadyError unless the database is at the newest revision."""
    have, want = migrate.current(settings.database_url), migrate.head()
    if have != want:
        raise NotReadyError(
            f"database {settings.database_url} is at revision {have or 'none'}, "
            f"the code needs {want}: run `claimlab db upgrade`"
        )


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
    ensure_ready(settings)
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
    require_writable(settings)
    ensure_ready(settings)
    try:
        parsed = parse_report(data, source=name)
    except ReportError as exc:
        return IngestResult(name, "failed", error=str(exc))
    return _save(settings, parsed)


def _save(settings: Settings, parsed) -> IngestResult:
    try:
        with session_scope(settings.database_url, immediate=True) as session:
            return save_report(session, parsed)
    except SQLAlchemyError as exc:
        return IngestResult(parsed.source, "failed", error=f"{parsed.source}: database: {exc}")


def list_claims(settings: Settings) -> list[ClaimView]:
    """Every canonical claim with its mention tallies."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return _list_claims(session)


def get_claim(settings: Settings, claim_id: int) -> ClaimView | None:
    """One claim with its mentions, or None."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return _get_claim(session, claim_id)


def list_reports(settings: Settings) -> list[ReportView]:
    """Every ingested review."""
    ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return _list_reports(session)
