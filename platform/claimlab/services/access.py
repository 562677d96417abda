"""The one way into the database: the readiness and write guards, then a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from claimlab.config import Settings
from claimlab.errors import NotReadyError, ReadOnlyError
from claimlab.store import migrate
from claimlab.store.engine import Session, session_scope


@lru_cache(maxsize=1)
def _head() -> str | None:
    """The newest shipped revision (the migrations do not change while claimlab runs)."""
    return migrate.head()


def guard(settings: Settings, *, write: bool = False) -> None:
    """Raise NotReadyError unless the database is migrated, and ReadOnlyError for a write
    on a read-only instance."""
    if write and settings.ui_readonly:
        raise ReadOnlyError()
    have, want = migrate.current(settings.database_url), _head()
    if have != want:
        raise NotReadyError(
            f"database {settings.database_label} is at revision {have or 'none'}, "
            f"the code needs {want}: run `claimlab db upgrade`"
        )


@contextmanager
def session(settings: Settings, *, write: bool = False) -> Iterator[Session]:
    """A transaction after the guards: committed on success, rolled back on error.

    A write takes SQLite's write lock at BEGIN, so concurrent writers queue instead of failing.
    """
    guard(settings, write=write)
    with session_scope(settings.database_url, immediate=write) as s:
        yield s


def upgrade_db(settings: Settings) -> tuple[str | None, str | None]:
    """Migrate the database to the newest schema, waiting for another process doing the
    same; returns the revisions (before, after). Refused on a read-only instance."""
    if settings.ui_readonly:
        raise ReadOnlyError()
    return migrate.upgrade(settings.database_url)


def database_label(settings: Settings) -> str:
    """The database URL without its password."""
    return settings.database_label
