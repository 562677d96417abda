"""Saved arXiv searches and their watermarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimlab.store.models import SavedSearch, SearchPaper


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
    reproduce_profile: str | None = None
    """After each pass, queue the runs of its papers' runnable claims at this profile."""
    reproduce_seeds: int | None = None
    reproduce_max_runs: int | None = None
    """Runs queued per pass at most (None: no bound)."""


@dataclass(frozen=True)
class Reproduce:
    """What a saved search queues after each pass."""

    profile: str
    seeds: int | None = None
    max_runs: int | None = None


def _view(s: SavedSearch) -> SearchView:
    return SearchView(
        s.id,
        s.query,
        s.category,
        s.max_results,
        _aware(s.watermark),
        _aware(s.last_run_at),
        s.last_error,
        s.reproduce_profile,
        s.reproduce_seeds,
        s.reproduce_max_runs,
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def add_search(
    session: Session,
    query: str,
    category: str,
    max_results: int,
    reproduce: Reproduce | None = None,
) -> tuple[int, bool]:
    """Save a search unless the same one exists (then only `reproduce`, when given, is
    updated); returns (id, created)."""
    row = session.scalar(
        select(SavedSearch).where(SavedSearch.query == query, SavedSearch.category == category)
    )
    created = row is None
    if row is None:
        row = SavedSearch(query=query, category=category, max_results=max_results)
        session.add(row)
    if reproduce is not None:
        row.reproduce_profile = reproduce.profile
        row.reproduce_seeds, row.reproduce_max_runs = reproduce.seeds, reproduce.max_runs
    session.flush()
    return row.id, created


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


def record_paper(session: Session, search_id: int, paper_id: int) -> None:
    """Remember that the search brought this paper in (once)."""
    found = session.scalar(
        select(SearchPaper.id).where(
            SearchPaper.search_id == search_id, SearchPaper.paper_id == paper_id
        )
    )
    if found is None:
        session.add(SearchPaper(search_id=search_id, paper_id=paper_id))
        session.flush()


def search_papers(session: Session, search_id: int) -> list[int]:
    """Ids of the papers the search brought in, in the order it brought them."""
    return list(
        session.scalars(
            select(SearchPaper.paper_id)
            .where(SearchPaper.search_id == search_id)
            .order_by(SearchPaper.id)
        )
    )
