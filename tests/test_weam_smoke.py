"""Every weam system end to end through `python -m reproductions run` (smoke profile), plus
determinism, resume after a kill, and `plan`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reproductions.common.events import read_events
from reproductions.weam.config import SYSTEMS, resolve
from reproductions.weam.recipe import metric_names

ROOT = Path(__file__).resolve().parents[1]
SMOKE: dict[str, Any] = {
    "recipe": "weam",
    "profile": "smoke",
    "seed": 1,
    "device": "cpu",
    "num_threads": 1,
}
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def cli(*args: str, env: dict[str, str] | None = None, timeout: int = 180):
    """`python -m reproductions ARGS` in the repository, offline."""
    return subprocess.run(
        [sys.executable, "-m", "reproductions", *args],
        cwd=ROOT,
        env={**os.environ, **OFFLINE, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_config(config: dict[str, Any], workdir: Path) -> Path:
    """run.json next to `workdir`."""
    path = workdir.parent / f"{workdir.name}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def run(config: dict[str, Any], workdir: Path, env: dict[str, str] | None = None):
    """Run one config in `workdir` and wait for it."""
    return cli(
        "run", "--config", str(write_config(config, workdir)), "--workdir", str(workdir), env=env
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    """Every system's smoke run plus two fresh-cache runs, started together (they share the CPU
    while python starts up; runs in the shared cache wait for each other's stages)."""
    root = tmp_path_factory.mktemp("weam-smoke")
    shared = root / "cache"
    configs = {}
    for system in SYSTEMS:
        configs[system] = {**SMOKE, "system": system, "cache_dir": str(shared)}
    configs["mbert"]["tasks"] = ["xnli", "mlqa", "bitext", "stats"]
    # Same seed in a cache of its own: every stage is recomputed.
    configs["fresh"] = {**configs["mbert+weam"], "cache_dir": str(root / "fresh-cache")}
    procs = {}
    for name, config in configs.items():
        workdir = root / name.replace("+", "-")
        cmd = [sys.executable, "-m", "reproductions", "run", "--config"]
        cmd += [str(write_config(config, workdir)), "--workdir", str(workdir)]
        procs[name] = (
            workdir,
            subprocess.Popen(
                cmd,
                cwd=ROOT,
                env={**os.environ, **OFFLINE},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    out: dict[str, Any] = {"shared_cache": shared}
    for name, (workdir, proc) in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{name}: {err[-3000:]}"
        out[name] = {**json.loads((workdir / "result.json").read_text()), "_workdir": workdir}
    return out


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_system_runs_end_to_end(system, runs):
    result = runs[system]
    metrics, prov = result["metrics"], result["provenance"]
    cfg = resolve({k: v for k, v in prov["config"].items() if k != "recipe"})
    expected = [n for n in metric_names(cfg) if n != "stats/..."]
    assert set(expected) <= set(metrics)
    for name in expected:
        value = metrics[name]
        if name.startswith("mlqa/"):
            assert value is None  # no QA set at this profile: not run, never a number
        elif name.endswith("/mlm-loss"):
            assert 0.0 < value < metrics[f"ref/chance/{name}"], name  # nats, below uniform
        else:
            assert 0.0 <= value <= 1.0, name
    assert metrics["stats/xnli/de/mean_tokens"] > metrics["stats/xnli/de/mean_words"] > 0
    for key in ("config_hash", "seed", "git_commit", "packages", "device", "wall_time_s"):
        assert key in prov
    assert prov["data_manifest_hash"] and prov["seed"] == 1
    assert prov["system"] == system and "note" in prov
    evaluated = {f"xnli/zero-shot/{lang}" for lang in ["en", *cfg.languages]}
    evaluated |= {f"xnli/translate-train/{lang}" for lang in cfg.languages}
    assert set(prov["predicted_classes"]) == evaluated
    assert all(1 <= n <= 4 for n in prov["predicted_classes"].values())  # 4 synthetic topics
    if system in ("mbert", "mbert+cs"):
        assert "continue" not in prov["stages"]
        if system == "mbert":
            assert "cannot run at this profile" in prov["not_run"]["mlqa"]
    else:
        train = prov["stages"]["continue"]["train"]
        assert train["steps"] == cfg.train_steps and train["resumed_from"] == 0
    if system in ("mbert+weam", "word-aligned-mbert"):
        assert prov["stages"]["align/de"]["aligner_used"] == "ibm1"
    events = read_events(result["_workdir"] / "events.jsonl")
    assert any(e["type"] == "progress" for e in events)
    reported = {e["name"] for e in events if e["type"] == "metric"}
    assert "xnli/zero-shot/de/accuracy" in reported and "bitext/avg/p@1" in reported


def test_same_seed_gives_the_same_metrics(runs):
    first, again = runs["mbert+weam"], runs["fresh"]
    assert not any(s["built_now"] is False for s in again["provenance"]["stages"].values())
    assert again["metrics"] == first["metrics"]
    assert again["provenance"]["config_hash"] == first["provenance"]["config_hash"]


def test_resume_after_a_kill_reaches_the_same_final_step(runs, tmp_path):
    # A copy of the shared cache without continued pre-training: this run must train it again.
    cache = tmp_path / "cache"
    shutil.copytree(runs["shared_cache"], cache)
    for stage in ("continue", "bitext"):
        shutil.rmtree(cache / stage)
    config = {**SMOKE, "system": "mbert+weam", "tasks": ["bitext"], "checkpoint_every": 10}
    config["cache_dir"] = str(cache)
    workdir = tmp_path / "killed"
    proc = run(config, workdir, env={"REPRO_KILL_AFTER_CHECKPOINT": "20"})
    assert proc.returncode == -9  # SIGKILL right after the step-20 checkpoint
    assert not (workdir / "result.json").exists()
    proc = run(config, workdir, env={"REPRO_KILL_AFTER_CHECKPOINT": "20"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((workdir / "result.json").read_text())
    train = result["provenance"]["stages"]["continue"]["train"]
    assert train["resumed_from"] == 20 and train["steps"] == 30
    events = read_events(workdir / "events.jsonl")
    assert any("continue: resumed from step 20" in e.get("message", "") for e in events)
    # The uninterrupted smoke run of the same system and seed ends with the same numbers.
    uninterrupted = runs["mbert+weam"]["metrics"]
    bitext = {k: v for k, v in uninterrupted.items() if k.startswith("bitext/")}
    assert {k: v for k, v in result["metrics"].items() if k.startswith("bitext/")} == bitext


def test_plan_prints_config_and_stage_graph_without_running(tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({**SMOKE, "system": "mBERT+TLM"}), encoding="utf-8")
    proc = cli("plan", "--config", str(path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["config"]["system"] == "mbert+tlm"  # alias resolved
    labels = [s["label"] for s in out["stages"]]
    assert labels[:3] == ["tokenizer", "pretrain", "continue"]
    assert "align/de" not in labels  # TLM needs no alignment
    assert {"finetune/xnli/en", "eval/xnli/zero-shot", "eval/xnli/translate-train/fr"} <= set(
        labels
    )
    keys = {s["label"]: s["key"] for s in out["stages"]}
    continued = next(s for s in out["stages"] if s["label"] == "continue")
    assert continued["upstream"]["base"] == keys["pretrain"]
    assert not list(tmp_path.glob("**/COMPLETE.json"))


def test_bad_config_is_a_config_error(tmp_path):
    proc = run({**SMOKE, "system": "mbert+xyz"}, tmp_path / "bad")
    assert proc.returncode == 2
    assert "unknown system" in (tmp_path / "bad" / "error.txt").read_text()
