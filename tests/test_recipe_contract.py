"""The recipe contract: CLI verbs, registry, capability tables, failure handling."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reproductions import contract
from reproductions.common.capabilities import match_alias

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reproductions", *args],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_capabilities_cli_prints_every_recipe_table() -> None:
    proc = cli("capabilities")
    assert proc.returncode == 0, proc.stderr
    tables = json.loads(proc.stdout)
    assert set(tables) == set(contract.RECIPES)
    for table in tables.values():
        for kind in ("systems", "tasks", "settings", "metrics", "profiles"):
            assert table[kind], kind
        for entry in table["systems"].values():
            assert set(entry["profiles"]) <= {"smoke", "mini", "paper"}


def test_every_registered_module_follows_the_interface() -> None:
    for name, module_path in contract.RECIPES.items():
        module = importlib.import_module(module_path)
        assert callable(module.resolve_config) and callable(module.plan) and callable(module.run)
        json.dumps(module.CAPABILITIES)
        assert module.CAPABILITIES["recipe"] == name


def test_codeswitch_aliases_as_reviews_write_them() -> None:
    table = contract.capabilities()["codeswitch"]
    assert match_alias(table, "systems", "BL-CS") == "bl-cs"
    assert match_alias(table, "systems", "ML-CS") == "ml-cs"
    assert match_alias(table, "systems", "Translate Test") == "translate-test"
    assert match_alias(table, "systems", "zero-shot") == "zero-shot"
    assert match_alias(table, "settings", "CLIR") == "clir"
    assert match_alias(table, "metrics", "MRR@10") == "mrr@10"
    assert table["settings"]["clir"]["details"]["pairs"]["mini"] == ["en-de", "en-fr", "de-fr"]
    assert table["profiles"]["paper"]["runnable_here"] is False


def test_aliases_in_other_scripts_match_only_themselves() -> None:
    table = {"parameters": {"weam_lambda": {"aliases": ["λ"]}, "mu": {"aliases": ["μ"]}}}
    assert match_alias(table, "parameters", "Λ") == "weam_lambda"
    assert match_alias(table, "parameters", "μ") == "mu"
    assert match_alias(table, "parameters", "→") is None


def test_plan_cli_for_smoke(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(
        json.dumps({"recipe": "codeswitch", "profile": "smoke", "system": "ml-cs"})
    )
    proc = cli("plan", "--config", str(tmp_path / "run.json"))
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["config"]["recipe"] == "codeswitch" and len(plan["config_hash"]) == 64
    assert plan["variants"] == ["ml-cs/xx-xx", "zero-shot/en-en"]
    assert [s["label"] for s in plan["stages"]][:2] == ["data", "tokenizer"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"recipe": "nope"}, "unknown recipe"),
        ({"recipe": "codeswitch", "learning_rte": 1}, "unknown config field"),
        ({"recipe": "codeswitch", "system": "magic"}, "unknown system"),
        (
            {"recipe": "codeswitch", "settings": ["clir/en-xx"]},
            "xx/xall (mixed languages) are for mlir",
        ),
        ({"recipe": "codeswitch", "profile": "mini"}, "needs data_dir"),
    ],
)
def test_bad_config_writes_error_and_exits_non_zero(tmp_path: Path, config, message) -> None:
    assert contract.run(config, tmp_path) == 2
    assert message in (tmp_path / "error.txt").read_text()
    assert not (tmp_path / "result.json").exists()


def test_run_failure_writes_error_txt(tmp_path: Path) -> None:
    config = {"recipe": "codeswitch", "data_source": "dir", "data_dir": str(tmp_path / "none")}
    (tmp_path / "run.json").write_text(json.dumps(config))
    proc = cli("run", "--config", str(tmp_path / "run.json"), "--workdir", str(tmp_path / "w"))
    assert proc.returncode != 0
    assert "does not exist" in (tmp_path / "w" / "error.txt").read_text()


def test_unreadable_config_is_reported(tmp_path: Path) -> None:
    assert contract.run(tmp_path / "missing.json", tmp_path / "w") == 2
    assert "cannot read run config" in (tmp_path / "w" / "error.txt").read_text()


def test_config_hash_ignores_execution_fields() -> None:
    _, a = contract.resolve({"recipe": "codeswitch", "cache_dir": "/a", "device": "cpu"})
    _, b = contract.resolve({"recipe": "codeswitch", "cache_dir": "/b"})
    _, c = contract.resolve({"recipe": "codeswitch", "seed": 7})
    assert contract.config_hash(a) == contract.config_hash(b) != contract.config_hash(c)
