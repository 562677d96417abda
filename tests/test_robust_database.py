"""Database URLs shown without passwords, an unreachable database in one line, and
concurrent upgrades that wait for each other."""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys
import threading
import time

import pytest
from support.app import open_page, use_app
from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.config import Settings, connect_timeout, masked_url
from claimlab.errors import DatabaseUnavailableError, NotReadyError
from claimlab.services import access, claims
from claimlab.store import engine, migrate
from conftest import POSTGRES_URL

runner = CliRunner()
SECRET = "S3cretPW"


def with_password(url: str) -> str:
    """`url` with a password added (local PostgreSQL trusts the user and ignores it)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.replace('@', f':{SECRET}@', 1)}"


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://postgres:S3cretPW@db:5432/x",
            "postgresql+psycopg://postgres:***@db:5432/x",
        ),
        ("postgresql://u:p@ss/w@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require"),
        (
            "postgresql://u@h/db?sslmode=a&password=S3cretPW&x=1",
            "postgresql://u@h/db?sslmode=a&password=***&x=1",
        ),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:////tmp/a:b@c/claimlab.db", "sqlite:////tmp/a:b@c/claimlab.db"),
        ("sqlite:///claimlab.db", "sqlite:///claimlab.db"),
    ],
)
def test_masked_url(url, shown):
    assert masked_url(url) == shown
    assert Settings(home=".", database_url=url).database_label == shown


def test_connect_timeout_setting():
    assert connect_timeout({}) == 10.0
    assert connect_timeout({"CLAIMLAB_DB_CONNECT_TIMEOUT": "2.5"}) == 2.5
    with pytest.raises(ValueError, match="CLAIMLAB_DB_CONNECT_TIMEOUT='soon'"):
        connect_timeout({"CLAIMLAB_DB_CONNECT_TIMEOUT": "soon"})


@pytest.mark.postgres
def test_password_never_shown_by_upgrade_not_ready_or_the_app(tmp_path, monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("CLAIMLAB_TEST_POSTGRES_URL is not set")
    from conftest import _reset_postgres

    _reset_postgres(POSTGRES_URL)
    url = with_password(POSTGRES_URL)
    settings = Settings(home=tmp_path / "home", database_url=url)
    with pytest.raises(NotReadyError) as not_ready:
        claims.list_claims(settings)
    assert SECRET not in str(not_ready.value) and ":***@" in str(not_ready.value)

    use_app(monkeypatch, settings)
    at = open_page()
    shown = [e.value for e in at.error] + [c.value for c in at.caption]
    assert any("is at revision none" in v for v in shown), shown
    assert not any(SECRET in v for v in shown), shown

    result = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output and ":***@" in result.output


def test_unreachable_database_is_one_line_from_the_cli(tmp_path, monkeypatch):
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:{closed_port()}/nowhere"
    monkeypatch.setenv("CLAIMLAB_HOME", str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "claimlab", "claims", "list", "--db", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        "error: cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:"
    )
    assert "Connection refused" in lines[0] and SECRET not in done.stderr


def test_a_silent_server_is_given_up_on_after_the_connect_timeout(tmp_path, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections and never answers
    port = listener.getsockname()[1]
    monkeypatch.setenv("CLAIMLAB_DB_CONNECT_TIMEOUT", "2")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/silent"
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailableError) as unreachable:
            access.guard(Settings(home=tmp_path, database_url=url))
    finally:
        listener.close()
    took = time.monotonic() - started
    assert "(connect timeout 2 s, CLAIMLAB_DB_CONNECT_TIMEOUT)" in str(unreachable.value)
    assert 1.5 < took < 10, f"waited {took:.1f} s"


def test_unreachable_database_in_the_app(tmp_path, monkeypatch):
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:{closed_port()}/nowhere"
    settings = Settings(home=tmp_path / "home", database_url=url)
    use_app(monkeypatch, settings)
    for page in (None, "app_pages/reports.py", "app_pages/jobs.py", "app_pages/papers.py"):
        at = open_page(page)
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and errors[0].startswith("cannot reach the database"), errors
        assert SECRET not in errors[0] and "Traceback" not in errors[0]
    with pytest.raises(DatabaseUnavailableError):
        access.guard(settings)


def _upgrade(url: str, barrier, results) -> None:
    """In a forked process: wait for the other, then migrate; report (before, after)."""
    engine.get_engine.cache_clear()  # never share the parent's connections
    barrier.wait(30)
    results.put(access.upgrade_db(Settings(home=".", database_url=url)))


def test_concurrent_upgrades_wait_for_each_other(db_url):
    head = migrate.head()
    ctx = multiprocessing.get_context("fork")
    for trial in range(3):
        if trial:  # back to an empty schema for the next race
            migrate.downgrade(db_url, "base")
        engine.get_engine.cache_clear()
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_upgrade, args=(db_url, barrier, results)) for _ in range(2)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(120)
        assert [proc.exitcode for proc in procs] == [0, 0], f"trial {trial}"
        outcomes = sorted([results.get(timeout=5), results.get(timeout=5)], key=str)
        assert outcomes == [(head, head), (None, head)], f"trial {trial}: one waited"
        assert migrate.current(db_url) == head


def test_upgrade_says_when_the_database_is_already_at_head(db_url):
    head = migrate.head()
    first = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert first.exit_code == 0 and first.output.startswith(
        f"database upgraded from empty to {head}: "
    ), first.output
    again = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert again.exit_code == 0 and again.output.startswith(
        f"database already at head ({head}): "
    ), again.output


def test_an_upgrade_waits_for_the_lock_holder(db_url):
    held, released = threading.Event(), threading.Event()

    def hold() -> None:
        with migrate.migration_lock(db_url):
            held.set()
            released.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    upgrader = threading.Thread(target=migrate.upgrade, args=(db_url,))
    upgrader.start()
    time.sleep(1.0)
    assert upgrader.is_alive() and migrate.current(db_url) is None, "ran while the lock was held"
    released.set()
    upgrader.join(60)
    holder.join(10)
    assert migrate.current(db_url) == migrate.head()
