"""Run Alembic migrations from code."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from claimlab.store.engine import get_engine

# Shipped inside the package so an installed claimlab can migrate without the repository.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Alembic config for `url`, using the migrations shipped in this package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


MIGRATION_LOCK = 0x636C_6D69_6772  # "clmigr": the PostgreSQL advisory lock key of migrations


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold the database's migration lock: one migrating process at a time, the others wait.

    PostgreSQL: a session advisory lock on a connection of its own. SQLite: an exclusive
    file lock beside the database file (the database's own lock is not held across
    Alembic's separate transactions).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with get_engine(url).connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                conn.commit()
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        lock_path = Path(f"{parsed.database}.migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database at `url` up to `revision` under the migration lock.

    Returns (revision before, revision after), both read while holding the lock, so a
    process that waited for another's upgrade sees it already done.
    """
    with migration_lock(url):
        before = current(url)
        command.upgrade(alembic_config(url), revision)
        return before, current(url)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at `url` down to `revision` under the migration lock."""
    with migration_lock(url):
        command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(url))


def current(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    """The newest revision in the shipped migrations."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
