"""Saved arXiv searches and their watermarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimlab.store.models import SavedSearch


@dataclass(frozen=True)
class SearchView:
    """A saved search."""

    id: int
    query: str
    category: str
    max_results: int
    watermark: datetime | None
    last_run_at: datetime | None
    last_error: str | None


def _view(s: SavedSearch) -> SearchView:
    return SearchView(
        s.id,
        s.query,
        s.category,
        s.max_results,
        _aware(s.watermark),
        _aware(s.last_run_at),
        s.last_error,
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def add_search(session: Session, query: str, category: str, max_results: int) -> tuple[int, bool]:
    """Save a search unless the same one exists; returns (id, created)."""
    found = session.scalar(
        select(SavedSearch).where(SavedSearch.query == query, SavedSearch.category == category)
    )
    if found:
        return found.id, False
    row = SavedSearch(query=query, category=category, max_results=max_results)
    session.add(row)
    session.flush()
    return row.id, True


def list_searches(session: Session) -> list[SearchView]:
    """Every saved search."""
    return [_view(s) for s in session.scalars(select(SavedSearch).order_by(SavedSearch.id))]


def advance(session: Session, search_id: int, watermark: datetime) -> None:
    """Move a search's watermark forward (never back)."""
    row = session.get_one(SavedSearch, search_id)
    current = _aware(row.watermark)
    if current is None or watermark > current:
        row.watermark = watermark


def finish_pass(session: Session, search_id: int, error: str | None) -> None:
    """Record the end of a pass over a search."""
    row = session.get_one(SavedSearch, search_id)
    row.last_run_at, row.last_error = datetime.now(UTC), error
