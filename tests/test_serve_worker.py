"""The worker serve starts: heartbeats, its state, slots, priority; Ctrl-C leaves nothing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimlab.config import Settings
from claimlab.records import RunRequest
from claimlab.runs import heartbeats
from claimlab.runs.worker import Worker, WorkerOptions
from claimlab.services import jobs
from claimlab.services.workers import default_slots, worker_state
from claimlab.store import migrate
from conftest import ROOT

FAKE = ROOT / "tests" / "support" / "fake_recipe.py"


@pytest.fixture
def fake_recipe(monkeypatch):
    monkeypatch.setenv("CLAIMLAB_RECIPE_COMMAND", f"{sys.executable} {FAKE}")


def request(seed: int, priority: int = 0, **fields) -> RunRequest:
    config = {"recipe": "fake", "profile": "smoke", "seed": seed, **fields}
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    return RunRequest("fake", "smoke", seed, config, digest, priority=priority)


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise TimeoutError(f"gave up waiting for {what}")


def test_state_is_running_then_idle_then_not_running(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(1, steps=20, step_s=0.1)])
    options = WorkerOptions(slots=2, lease_s=10, heartbeat_s=0.2, poll_s=0.1)
    worker = Worker(settings, options)
    assert worker_state(settings).label == "not running"
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        wait_for(lambda: worker_state(settings).label == "running 1 (2 slots)", 30, "running")
        (beat,) = worker_state(settings).workers
        (job,) = jobs.list_jobs(settings)
        assert (beat.pid, beat.jobs, beat.owner) == (os.getpid(), [job.id], options.owner)
        wait_for(lambda: worker_state(settings).label == "idle (2 slots)", 30, "idle")
        assert jobs.get_job(settings, job.id).state == "succeeded"
    finally:
        worker.stop()
        thread.join(30)
    assert worker_state(settings).label == "not running", "a clean stop removes the file"
    assert list(heartbeats.folder(settings.home).iterdir()) == []


def test_a_stale_heartbeat_is_not_a_running_worker(tmp_path):
    now = time.time()
    for owner, age in (("old:1", 16.0), ("new:2", 1.0)):
        beat = heartbeats.Heartbeat(owner, 1, 1, 1, now - age, [7])
        heartbeats.write(tmp_path, beat)
    assert [b.owner for b in heartbeats.live(tmp_path, stale_s=15, now=now)] == ["new:2"]
    assert heartbeats.live(tmp_path, stale_s=15, now=now + 15) == []
    (tmp_path / "workers" / "junk.json").write_text("{not json")
    assert [b.owner for b in heartbeats.live(tmp_path, stale_s=15, now=now)] == ["new:2"]


def test_slots_default_to_one_per_two_cores_or_the_setting():
    assert [default_slots({}, cores) for cores in (1, 2, 3, 8)] == [1, 1, 1, 4]
    assert default_slots({"CLAIMLAB_WORKER_SLOTS": "3"}, 2) == 3
    with pytest.raises(ValueError, match=r"CLAIMLAB_WORKER_SLOTS='0': a worker needs at least 1"):
        default_slots({"CLAIMLAB_WORKER_SLOTS": "0"}, 2)
    with pytest.raises(ValueError, match=r"CLAIMLAB_WORKER_SLOTS='two': expected a whole number"):
        default_slots({"CLAIMLAB_WORKER_SLOTS": "two"}, 2)


def test_one_slot_runs_jobs_by_priority_then_age(settings, fake_recipe):
    made = jobs.enqueue_runs(
        settings, [request(1, 0), request(2, 5), request(3, 1), request(4, 5), request(5, -1)]
    )
    assert all(created for _, created in made)
    options = WorkerOptions(slots=1, until_empty=True, lease_s=10, heartbeat_s=0.2, poll_s=0.1)
    assert Worker(settings, options).run().succeeded == 5
    done = sorted(jobs.list_jobs(settings), key=lambda j: j.started_at)
    assert [j.run.seed for j in done] == [2, 4, 3, 1, 5]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_of(home: Path) -> list[int]:
    """Live processes (not zombies) whose environment names this CLAIMLAB_HOME."""
    marker = f"CLAIMLAB_HOME={home}".encode() + b"\0"
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            zombie = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
            if not zombie and marker in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_ctrl_c_stops_the_app_the_worker_and_the_running_job(tmp_path):
    url = f"sqlite:///{tmp_path / 'claimlab.db'}"
    migrate.upgrade(url)
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=url)
    jobs.enqueue_runs(settings, [request(1, behaviour="hang")])
    (tmp_path / "no-reviews").mkdir()
    env = {
        **os.environ,
        "CLAIMLAB_HOME": str(home),
        "CLAIMLAB_DATABASE_URL": url,
        "CLAIMLAB_RECIPE_COMMAND": f"{sys.executable} {FAKE}",
    }
    command = [sys.executable, "-m", "claimlab", "serve", "--port", str(free_port())]
    command += ["--reports", str(tmp_path / "no-reviews"), "--bundle", str(tmp_path / "none")]
    command += ["--no-fetch-papers"]
    serve = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: jobs.job_counts(settings).get("running"), 120, "the job to start")
        wait_for(lambda: len(processes_of(home)) >= 4, 30, "serve, app, worker and recipe")
        # the worker beats every 2 s; its first beat may come just after the job started
        wait_for(lambda: worker_state(settings).label == "running 1 (1 slot)", 10, "a beat")
        serve.send_signal(signal.SIGINT)
        out, _ = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
            for pid in processes_of(home):  # a failed test leaves no app or worker behind
                os.kill(pid, signal.SIGKILL)
    assert serve.returncode == 0
    lines = out.splitlines()
    assert lines[-1] == "stopped the app and the worker"
    assert any(line.startswith("claimlab is up at http://localhost:") for line in lines)
    # The recipe dies with its worker (PR_SET_PDEATHSIG); give the kernel a moment.
    wait_for(lambda: processes_of(home) == [], 10, "every process of this home to end")
