"""Shared fixtures: databases on SQLite and (when configured) PostgreSQL, report folders, arXiv."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from support.arxiv_server import ArxivStub, serving

from claimlab.config import Settings
from claimlab.store import migrate

ROOT = Path(__file__).resolve().parents[1]
SHARED_REPORTS = ROOT.parent / "shared" / "reports"
EXAMPLE_REPORTS = ROOT / "examples" / "reports"
POSTGRES_URL = os.environ.get("CLAIMLAB_TEST_POSTGRES_URL")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or the test PostgreSQL database wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'claimlab.db'}"
    if not POSTGRES_URL:
        pytest.skip("CLAIMLAB_TEST_POSTGRES_URL is not set")
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite database migrated once per session; tests start from a copy of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "claimlab.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def settings(db_url: str, tmp_path: Path, sqlite_template: Path) -> Settings:
    """Settings with a migrated database and a home folder in tmp_path."""
    target = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    if target is not None and not target.exists():
        # The backup API reads through the template's WAL, which a file copy would miss.
        with (
            closing(sqlite3.connect(sqlite_template)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
    else:
        migrate.upgrade(db_url)
    return Settings(home=tmp_path / "home", database_url=db_url)


@pytest.fixture(scope="session")
def smoke_stage_cache(tmp_path_factory) -> Path:
    """One stage cache for the slow tests' smoke runs: a stage another test built is a hit."""
    return tmp_path_factory.mktemp("smoke-stage-cache")


@pytest.fixture
def shared_stage_cache(settings: Settings, smoke_stage_cache: Path) -> Settings:
    """`settings` whose runs use the session's smoke stage cache (home/cache links to it)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    (settings.home / "cache").symlink_to(smoke_stage_cache, target_is_directory=True)
    return settings


@pytest.fixture
def shared_reports() -> Path:
    """The project's source reviews in ../shared/reports; skips when absent."""
    if not SHARED_REPORTS.is_dir() or not any(SHARED_REPORTS.glob("*.txt")):
        pytest.skip(f"{SHARED_REPORTS} is not present")
    return SHARED_REPORTS


@pytest.fixture
def arxiv_stub() -> Iterator[ArxivStub]:
    """A local stand-in for export.arxiv.org and arxiv.org/pdf, scripted per path."""
    with serving() as stub:
        yield stub
