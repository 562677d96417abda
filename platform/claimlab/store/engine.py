"""Engines and sessions for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from claimlab.config import connect_timeout, masked_url
from claimlab.errors import DatabaseUnavailableError

DatabaseError = SQLAlchemyError
"""Any error the database reports (callers outside the store never import SQLAlchemy)."""
TransientError = (OperationalError, DatabaseUnavailableError)
"""A lost connection, an unreachable server or a lock timeout: worth trying again later."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _unreachable(url: str, timeout: float):
    """A handle_error hook: a failed connect becomes one DatabaseUnavailableError line."""

    def hook(ctx: ExceptionContext) -> None:
        if ctx.connection is not None or ctx.is_pre_ping:
            return  # an error inside a session, not a failed connect
        reason = str(ctx.original_exception or "").strip().partition("\n")[0]
        raise DatabaseUnavailableError(
            f"cannot reach the database {masked_url(url)}: {reason or 'connection failed'} "
            f"(connect timeout {timeout:g} s, CLAIMLAB_DB_CONNECT_TIMEOUT)"
        ) from ctx.original_exception

    return hook


@lru_cache(maxsize=16)
def get_engine(url: str, immediate: bool = False) -> Engine:
    """One engine per URL; `immediate` makes SQLite transactions take the write lock at BEGIN.

    Connecting gives up after CLAIMLAB_DB_CONNECT_TIMEOUT seconds (default 10) with a
    DatabaseUnavailableError naming the database (password hidden).
    """
    parsed = make_url(url)
    timeout = connect_timeout()
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
    else:
        # libpq counts whole seconds and treats anything under 2 as 2.
        args = {"connect_timeout": max(2, math.ceil(timeout))} if _is_postgres(url) else {}
        engine = create_engine(url, pool_pre_ping=True, connect_args=args)
    event.listen(engine, "handle_error", _unreachable(url, timeout))
    return engine


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@contextmanager
def session_scope(url: str, immediate: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    factory = sessionmaker(get_engine(url, immediate), expire_on_commit=False)
    with factory.begin() as session:
        yield session


def display_url(url: str) -> str:
    """The database URL without its password."""
    return masked_url(url)
