"""The codeswitch recipe end to end at the smoke profile, through `python -m reproductions run`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reproductions import contract
from reproductions.codeswitch.synthetic import write_synthetic
from reproductions.common.events import read_events

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = ["zero-shot", "fine-tuning", "translate-test", "bl-cs", "ml-cs"]
SETTINGS = ["moir/de", "clir/en-de", "mlir/en-xx"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def cli_command(config: dict, workdir: Path) -> list[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir.parent / f"{workdir.name}.json"
    path.write_text(json.dumps(config))
    return [sys.executable, "-m", "reproductions", "run", "--config", str(path), "--workdir",
            str(workdir)]  # fmt: skip


def cli_run(config: dict, workdir: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command(config, workdir), cwd=ROOT, env=env or ENV, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def smoke(system: str, cache: Path, **extra) -> dict:
    return {
        "recipe": "codeswitch", "profile": "smoke", "seed": 1, "system": system,
        "settings": SETTINGS, "cache_dir": str(cache), **extra,
    }  # fmt: skip


@pytest.fixture(scope="module")
def all_systems(tmp_path_factory) -> dict[str, Path]:
    """Every system run as its own subprocess, all at once, sharing one stage cache."""
    root = tmp_path_factory.mktemp("smoke")
    procs = {
        system: subprocess.Popen(
            cli_command(smoke(system, root / "cache"), root / system),
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for system in SYSTEMS
    }
    for system, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{system}: {err[-3000:]}"
    return {system: root / system for system in SYSTEMS}


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_system_runs_end_to_end(all_systems: dict[str, Path], system: str) -> None:
    workdir = all_systems[system]
    result = json.loads((workdir / "result.json").read_text())
    metrics, prov = result["metrics"], result["provenance"]
    for setting in SETTINGS:
        assert 0.0 <= metrics[f"{setting}/mrr@10"] <= 1.0
        if system != "zero-shot":
            assert 0.0 <= metrics[f"{setting}/p_vs_zero-shot"] <= 1.0
    assert {"moir/avg/mrr@10", "clir/avg/mrr@10", "mlir/avg/mrr@10"} <= set(metrics)
    assert prov["config"]["system"] == system and prov["seed"] == 1
    assert prov["data_manifest_hash"] and prov["config_hash"] and prov["wall_time_s"] > 0
    details = prov["recipe_details"]
    assert details["not_run"] == {}
    if system in ("bl-cs", "ml-cs", "translate-test"):
        assert details["lexicons"]["de"]["malformed"] == 2  # the smoke lexicon has 2 bad lines
    events = read_events(workdir / "events.jsonl")
    assert {e["type"] for e in events} >= {"log", "metric"}
    assert any(e["type"] == "metric" and e["name"] == "clir/en-de/mrr@10" for e in events)
    assert not (workdir / "error.txt").exists()


def test_runs_share_cached_stages(all_systems: dict[str, Path]) -> None:
    """The zero-shot ranker is trained by one run (under the stage lock) and serves the others."""
    trained = [
        system
        for system, workdir in all_systems.items()
        for e in read_events(workdir / "events.jsonl")
        if e["type"] == "log" and e["message"] == "training ranker/zero-shot/en-en"
    ]
    assert len(trained) == 1
    zs = json.loads((all_systems["zero-shot"] / "result.json").read_text())["metrics"]
    tt = json.loads((all_systems["translate-test"] / "result.json").read_text())["metrics"]
    assert tt["moir/de/mrr@10"] - zs["moir/de/mrr@10"] == pytest.approx(
        tt["moir/de/diff_vs_zero-shot"], abs=1e-5
    )


def test_same_seed_same_metrics(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        config = smoke("zero-shot", tmp_path / f"cache-{name}", seed=seed)
        assert contract.run(config, tmp_path / name) == 0
        runs.append(json.loads((tmp_path / name / "result.json").read_text())["metrics"])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_resume_after_kill_continues_to_same_final_step(tmp_path: Path) -> None:
    config = smoke("zero-shot", tmp_path / "cache")
    killed = cli_run(config, tmp_path / "run", env={**ENV, "REPRO_KILL_AFTER_CHECKPOINT": "20"})
    assert killed.returncode != 0
    assert not (tmp_path / "run" / "result.json").exists()
    ckpts = list((tmp_path / "run" / "checkpoints").glob("ranker-*/step-00000020"))
    assert ckpts, "no checkpoint at step 20 before the kill"
    killed_at = ckpts[0].stat().st_mtime

    resumed = cli_run(config, tmp_path / "run")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    events = read_events(tmp_path / "run" / "events.jsonl")
    assert any(e.get("resumed_from") == 20 for e in events)
    progress = [e for e in events if e["type"] == "progress"]
    assert progress[-1]["step"] == progress[-1]["total"] == 30
    after_resume = [e["step"] for e in progress if e["t"] >= killed_at]
    assert min(after_resume) > 20  # steps 1..20 were not redone

    reference = smoke("zero-shot", tmp_path / "cache-ref")
    assert contract.run(reference, tmp_path / "ref") == 0
    got = json.loads((tmp_path / "run" / "result.json").read_text())["metrics"]
    want = json.loads((tmp_path / "ref" / "result.json").read_text())["metrics"]
    assert got == want


def test_language_without_lexicon_fails_before_training(tmp_path: Path) -> None:
    data = write_synthetic(tmp_path / "data")
    (data / "lexicon" / "en-fr.txt").unlink()
    config = {
        "recipe": "codeswitch", "profile": "smoke", "system": "bl-cs", "data_source": "dir",
        "data_dir": str(data), "settings": ["moir/de", "clir/en-fr"],
        "cache_dir": str(tmp_path / "c"),
    }  # fmt: skip
    assert contract.run(config, tmp_path / "run") == 2
    error = (tmp_path / "run" / "error.txt").read_text()
    assert "no lexicon for language 'fr'" in error and "en-fr.txt" in error
    events = read_events(tmp_path / "run" / "events.jsonl")
    assert not any(e["type"] in ("progress", "checkpoint") for e in events)
    assert not (tmp_path / "c" / "ranker").exists()


def test_finished_workdir_is_not_recomputed(all_systems: dict[str, Path], tmp_path: Path) -> None:
    workdir = tmp_path / "copy"
    shutil.copytree(all_systems["ml-cs"], workdir)
    before = (workdir / "events.jsonl").read_text()
    config = smoke("ml-cs", tmp_path / "empty-cache")
    config["cache_dir"] = json.loads((workdir / "result.json").read_text())["provenance"][
        "cache_dir"
    ]
    assert contract.run(config, workdir) == 0
    assert (workdir / "events.jsonl").read_text() == before


def test_setting_without_data_is_reported_not_invented(tmp_path: Path) -> None:
    data = write_synthetic(tmp_path / "data")
    (data / "ir" / "queries.fr.train.jsonl").unlink()  # no French training queries
    config = {
        "recipe": "codeswitch", "profile": "smoke", "system": "fine-tuning", "data_source": "dir",
        "data_dir": str(data), "settings": ["moir/de", "moir/fr"], "cache_dir": str(tmp_path / "c"),
        "compare_to_zero_shot": False,
    }  # fmt: skip
    assert contract.run(config, tmp_path / "run") == 0
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert result["metrics"]["moir/fr/mrr@10"] is None
    assert result["metrics"]["moir/de/mrr@10"] is not None
    reason = result["provenance"]["recipe_details"]["not_run"]["moir/fr"]
    assert "fine-tuning needs training data in ['fr']" in reason


def test_own_base_reports_held_out_mlm_shared_by_seeds(
    all_systems: dict[str, Path], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    results = {}
    for seed in (1, 2):
        config = {**smoke("zero-shot", cache, settings=["moir/de"]), "seed": seed}
        proc = cli_run({**config, "pretrain_steps": 40}, tmp_path / f"seed{seed}")
        assert proc.returncode == 0, proc.stderr[-3000:]
        results[seed] = json.loads((tmp_path / f"seed{seed}" / "result.json").read_text())
    metrics = results[1]["metrics"]
    base = {k: v for k, v in metrics.items() if k.startswith("base/")}
    assert set(base) == {f"base/{lang}/{m}" for lang in ("en", "de", "fr")
                         for m in ("mlm-loss", "mlm-accuracy")}  # fmt: skip
    for lang in ("en", "de", "fr"):
        loss = metrics[f"base/{lang}/mlm-loss"]
        assert 0.0 < loss < metrics[f"ref/chance/base/{lang}/mlm-loss"]  # below uniform
        assert metrics[f"ref/unigram/base/{lang}/mlm-loss"] > 0.0
    assert metrics["base/en/mlm-loss"] != metrics["base/de/mlm-loss"]
    # one fixed base (pretrain_seed) serves every seed: the same stage, the same numbers
    assert base == {k: results[2]["metrics"][k] for k in base}
    stages = results[1]["provenance"]["recipe_details"]["stages"]
    assert (
        stages["eval/base-mlm"]
        == results[2]["provenance"]["recipe_details"]["stages"]["eval/base-mlm"]
    )
    # a ranker from scratch (the smoke default) has no base to report
    scratch = json.loads((all_systems["zero-shot"] / "result.json").read_text())["metrics"]
    assert not [k for k in scratch if "base/" in k]
