"""Queue and worker reliability, on SQLite and PostgreSQL, with a contract-following fake recipe."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimlab.records import RunRequest
from claimlab.runs.worker import Worker, WorkerOptions
from claimlab.services import jobs
from conftest import ROOT

FAKE = ROOT / "tests" / "support" / "fake_recipe.py"


@pytest.fixture
def fake_recipe(monkeypatch):
    monkeypatch.setenv("CLAIMLAB_RECIPE_COMMAND", f"{sys.executable} {FAKE}")


def request(seed: int, max_attempts: int = 3, timeout_s: float | None = None, **fields):
    config = {"recipe": "fake", "profile": "smoke", "seed": seed, **fields}
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    return RunRequest("fake", "smoke", seed, config, digest, timeout_s, 0.0, max_attempts)


def workdir(settings, job):
    return settings.home / "runs" / job.run.config_hash[:16]


def quick_worker(settings, slots=1):
    opts = WorkerOptions(slots=slots, until_empty=True, lease_s=10, heartbeat_s=0.2, poll_s=0.1)
    return Worker(settings, opts)


def test_enqueue_is_idempotent_by_config_hash(settings):
    first = jobs.enqueue_runs(settings, [request(1), request(2)])
    again = jobs.enqueue_runs(settings, [request(1)])
    assert [created for _, created in first] == [True, True]
    assert again == [(first[0][0], False)]
    assert jobs.job_counts(settings) == {"queued": 2}


def test_worker_runs_a_job_and_records_metrics(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(7, steps=4)])
    stats = quick_worker(settings).run()
    assert stats.succeeded == 1
    (job,) = jobs.list_jobs(settings)
    assert (job.state, job.step, job.total, job.attempts) == ("succeeded", 4, 4, 1)
    assert job.run.status == "succeeded"
    assert job.run.metrics == {"score": pytest.approx(0.57)}
    assert "=== job" in jobs.job_log(job)


def test_forty_jobs_four_worker_processes_each_once(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(seed) for seed in range(40)])
    env = {**os.environ, "CLAIMLAB_HOME": str(settings.home)}
    cmd = [sys.executable, "-m", "claimlab", "worker", "--until-empty", "--db"]
    cmd += [settings.database_url, "--heartbeat", "0.2"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    done = jobs.list_jobs(settings)
    assert len(done) == 40 and {j.state for j in done} == {"succeeded"}
    for job in done:
        log = (workdir(settings, job) / "executions.log").read_text().split()
        assert log == ["start", "0", "completed"], job.id
    per_worker = [int(out.split("worker done: ")[1].split()[0]) for out in outputs]
    assert sum(per_worker) == 40


def test_killed_worker_job_resumes_elsewhere_from_checkpoint(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(3, steps=30, step_s=0.1)])
    env = {**os.environ, "CLAIMLAB_HOME": str(settings.home)}
    cmd = [sys.executable, "-m", "claimlab", "worker", "--db", settings.database_url]
    cmd += ["--lease", "2", "--heartbeat", "0.2"]
    victim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        (job,) = jobs.list_jobs(settings)
        if job.step and job.step >= 5:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the first worker never made progress")
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    opts = WorkerOptions(until_empty=False, lease_s=2, heartbeat_s=0.2, poll_s=0.2)
    rescuer = Worker(settings, opts)
    deadline = time.monotonic() + 60
    thread = threading.Thread(target=rescuer.run, daemon=True)
    thread.start()
    while time.monotonic() < deadline and jobs.list_jobs(settings)[0].state != "succeeded":
        time.sleep(0.2)
    rescuer.stop()
    thread.join(10)

    (job,) = jobs.list_jobs(settings)
    assert job.state == "succeeded" and job.attempts == 2
    starts = (workdir(settings, job) / "executions.log").read_text().split("\n")
    resumed_from = int(starts[1].split()[1])
    assert starts[0] == "start 0" and resumed_from >= 5 and starts[2] == "completed"
    assert job.run.provenance == {"resumed_from": resumed_from}
    assert job.run.metrics == {"score": pytest.approx(0.53)}


@pytest.mark.parametrize(
    ("fields", "timeout_s", "message"),
    [
        ({"behaviour": "fail"}, None, "the recipe broke on purpose"),
        ({"behaviour": "no-result"}, None, "exit code 0 and no result.json"),
        ({"behaviour": "hang"}, 1.0, "timed out after 1 s"),
    ],
)
def test_failures_end_as_failed_jobs_and_the_worker_goes_on(
    settings, fake_recipe, fields, timeout_s, message
):
    jobs.enqueue_runs(settings, [request(1, 1, timeout_s, **fields), request(2)])
    stats = quick_worker(settings).run()
    assert (stats.failed, stats.succeeded) == (1, 1)
    bad = next(j for j in jobs.list_jobs(settings) if j.run.seed == 1)
    assert bad.state == "failed" and message in bad.error
    assert bad.run.status == "failed"
    assert Path(bad.log_path).exists()


def test_failure_is_retried_up_to_max_attempts(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(1, 2, behaviour="fail")])
    stats = quick_worker(settings).run()
    assert (stats.requeued, stats.failed) == (1, 1)
    (job,) = jobs.list_jobs(settings)
    assert (job.state, job.attempts) == ("failed", 2)
    assert jobs.retry_job(settings, job.id) == "queued"
    assert jobs.get_job(settings, job.id).attempts == 0


def test_cancel_queued_and_running(settings, fake_recipe):
    jobs.enqueue_runs(settings, [request(1, steps=200, step_s=0.05), request(2)])
    queued = next(j for j in jobs.list_jobs(settings) if j.run.seed == 2)
    assert jobs.cancel_job(settings, queued.id) == "cancelled"
    worker = quick_worker(settings)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    running = next(j for j in jobs.list_jobs(settings) if j.run.seed == 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (jobs.get_job(settings, running.id).step or 0):
        time.sleep(0.1)
    assert jobs.cancel_job(settings, running.id) == "running"
    thread.join(30)
    job = jobs.get_job(settings, running.id)
    assert job.state == "cancelled" and job.step < 200
    assert "=== job" in jobs.job_log(job)
    assert jobs.cancel_job(settings, 9999) is None


def test_ray_executor_runs_jobs_through_the_same_path(settings, fake_recipe):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        jobs.enqueue_runs(settings, [request(1, steps=3), request(2, 1, behaviour="fail")])
        opts = WorkerOptions(
            slots=2, executor="ray", until_empty=True, lease_s=30, heartbeat_s=0.2, poll_s=0.1
        )
        stats = Worker(settings, opts).run()
    finally:
        ray.shutdown()
    assert (stats.succeeded, stats.failed) == (1, 1)
    ok = next(j for j in jobs.list_jobs(settings) if j.run.seed == 1)
    assert ok.state == "succeeded" and ok.step == 3 and ok.run.metrics == {"score": 0.51}
    bad = next(j for j in jobs.list_jobs(settings) if j.run.seed == 2)
    assert "the recipe broke on purpose" in bad.error


def test_import_finished_runs_from_their_workdirs(settings, tmp_path):
    req = request(5)
    jobs.enqueue_runs(settings, [req])
    done = tmp_path / "elsewhere" / "run1"
    done.mkdir(parents=True)
    prov = {"config": req.config, "config_hash": req.config_hash, "device": "cuda:0"}
    (done / "result.json").write_text(json.dumps({"metrics": {"score": 0.9}, "provenance": prov}))
    (tmp_path / "elsewhere" / "broken").mkdir()
    (tmp_path / "elsewhere" / "broken" / "result.json").write_text("{not json")
    outcomes = dict(jobs.import_results(settings, [done, tmp_path / "elsewhere" / "broken"]))
    assert outcomes[str(done)] == "imported" and outcomes[
        str(tmp_path / "elsewhere" / "broken")
    ].startswith("skipped")
    (job,) = jobs.list_jobs(settings)
    assert job.state == "succeeded" and job.run.metrics == {"score": 0.9}
    assert jobs.import_results(settings, [done]) == [(str(done), "unchanged")]
