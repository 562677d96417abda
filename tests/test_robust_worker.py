"""Workers outlive an unreachable database and wait for a dead worker's live lease."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from sqlalchemy.exc import OperationalError
from test_queue import FAKE, quick_worker, request  # noqa: F401  (FAKE: the fake recipe)

from claimlab.config import Settings
from claimlab.errors import DatabaseUnavailableError
from claimlab.runs.worker import Worker, WorkerOptions
from claimlab.services import jobs
from claimlab.store import queue


@pytest.fixture
def fake_recipe(monkeypatch):
    import sys

    monkeypatch.setenv("CLAIMLAB_RECIPE_COMMAND", f"{sys.executable} {FAKE}")


def failing(times: int, error: Exception, real):
    """`real`, raising `error` on its first `times` calls; counts calls."""
    calls = {"n": 0}

    def call(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return real(*args, **kwargs)

    call.calls = calls
    return call


def test_unreachable_database_is_retried_with_backoff_not_fatal(tmp_path, caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://postgres:S3cretPW@127.0.0.1:{port}/gone"
    opts = WorkerOptions(until_empty=True, poll_s=0.1, retry_max_s=0.4)
    worker = Worker(Settings(home=tmp_path, database_url=url), opts)
    caplog.set_level(logging.WARNING, logger="claimlab.runs.worker")
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    time.sleep(2.5)
    assert thread.is_alive(), "the worker died on an unreachable database"
    worker.stop()
    thread.join(5)
    assert not thread.is_alive()
    tries = [r.getMessage() for r in caplog.records if "claim a job on" in r.getMessage()]
    assert len(tries) >= 4, tries
    masked = f"postgresql+psycopg://postgres:***@127.0.0.1:{port}/gone"
    assert tries[0].startswith(f"claim a job on {masked} failed, retrying in 0 s: cannot reach")
    assert all("S3cretPW" not in r.getMessage() for r in caplog.records)
    waits = [float(t.split("retrying in ")[1].split(" s")[0]) for t in tries[:4]]
    assert waits == [0, 0, 0, 0]  # %.0f of 0.4 s: capped at retry_max_s


def test_backoff_doubles_up_to_the_cap(tmp_path, monkeypatch):
    waits: list[float] = []
    opts = WorkerOptions(retry_max_s=5.0)
    worker = Worker(Settings(home=tmp_path, database_url="sqlite://"), opts)
    monkeypatch.setattr(worker._stop, "wait", lambda s: waits.append(s) or False)
    flaky = failing(6, DatabaseUnavailableError("cannot reach the database"), lambda: "done")
    assert worker._retrying("probe", flaky) == "done"
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_worker_resumes_when_the_database_comes_back(settings, fake_recipe, monkeypatch):
    jobs.enqueue_runs(settings, [request(5, steps=2)])
    claim = failing(2, DatabaseUnavailableError("cannot reach the database"), queue.claim)
    gone = OperationalError("UPDATE jobs", {}, Exception("server closed the connection"))
    finish = failing(1, gone, queue.finish)
    monkeypatch.setattr(queue, "claim", claim)
    monkeypatch.setattr(queue, "finish", finish)
    opts = WorkerOptions(until_empty=True, lease_s=10, heartbeat_s=0.2, poll_s=0.1)
    stats = Worker(settings, opts).run()
    assert (stats.succeeded, stats.lost) == (1, 0)
    assert claim.calls["n"] >= 3 and finish.calls["n"] == 2
    (job,) = jobs.list_jobs(settings)
    assert (job.state, job.attempts) == ("succeeded", 1)


def test_until_empty_waits_for_a_dead_workers_live_lease(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(9, steps=2)])
    dead = queue.claim(settings.database_url, "dead-worker/0", lease_s=3.0)
    assert dead is not None  # claimed, then its worker died without a word
    started = time.monotonic()
    stats = quick_worker(settings).run()
    took = time.monotonic() - started
    (job,) = jobs.list_jobs(settings)
    assert (job.state, job.attempts, stats.succeeded) == ("succeeded", 2, 1)
    assert took >= 2.0, "claimed before the lease expired"


def test_until_empty_exits_at_once_without_leases(settings):
    started = time.monotonic()
    stats = quick_worker(settings).run()
    assert stats.succeeded == 0 and time.monotonic() - started < 5
