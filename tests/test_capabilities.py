"""Recipe facts in the capability tables match what the recipes write in result.json (smoke)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reproductions import contract

CAPS = contract.capabilities()
SMOKE = {"profile": "smoke", "seed": 1, "device": "cpu", "num_threads": 1}


def _run(config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    assert contract.run(config, workdir) == 0, (workdir / "error.txt").read_text()
    return json.loads((workdir / "result.json").read_text())


@pytest.fixture(scope="module")
def weam_run(tmp_path_factory) -> dict[str, Any]:
    """A weam smoke run of mbert on every task (mlqa reports null keys at smoke)."""
    config = {"recipe": "weam", "system": "mbert", **SMOKE}
    config["tasks"] = ["xnli", "mlqa", "bitext", "stats"]
    return _run(config, tmp_path_factory.mktemp("weam"))


@pytest.fixture(scope="module")
def codeswitch_run(tmp_path_factory) -> dict[str, Any]:
    """A codeswitch smoke run of the zero-shot ranker on the smoke profile's settings."""
    return _run(
        {"recipe": "codeswitch", "system": "zero-shot", **SMOKE}, tmp_path_factory.mktemp("cs")
    )


def metric_key(
    recipe: str, task: str, setting: str | None, pair: str, metric: str | None = None
) -> str:
    """The key the capability table spells for one measurement."""
    details = CAPS[recipe]["tasks"][task]["details"]
    template = details["metric_key"]
    if pair == "avg" and "metric_key_avg" in details:
        template = details["metric_key_avg"]
    return template.format(
        task=task, setting=setting, pair=pair, metric=metric or details["metric"]
    )


def test_tables_name_baseline_default_task_and_task_metrics():
    weam, cs = CAPS["weam"], CAPS["codeswitch"]
    assert (weam["baseline"], weam["default_task"]) == ("mbert", "xnli")
    assert (cs["baseline"], cs["default_task"]) == ("zero-shot", "passage-reranking")
    assert weam["baseline"] in weam["systems"] and cs["baseline"] in cs["systems"]
    metrics = {t: e["details"]["metric"] for t, e in weam["tasks"].items()}
    assert metrics == {"xnli": "accuracy", "mlqa": "f1", "bitext": "p@1", "stats": "mean_tokens"}
    assert cs["tasks"]["passage-reranking"]["details"]["metric"] == "mrr@10"
    for table in (weam, cs):
        for task in table["tasks"].values():
            assert task["details"]["metric"] in table["metrics"]


def test_every_profile_has_languages_or_pairs():
    for task in CAPS["weam"]["tasks"].values():
        assert set(task["details"]["languages"]) == {"smoke", "mini", "paper"}
    assert CAPS["weam"]["tasks"]["xnli"]["details"]["languages"]["mini"] == ["de", "fr"]
    assert len(CAPS["weam"]["tasks"]["xnli"]["details"]["languages"]["paper"]) == 14
    for setting in CAPS["codeswitch"]["settings"].values():
        assert set(setting["details"]["pairs"]) == {"smoke", "mini", "paper"}


def test_only_data_statistics_are_deterministic():
    for recipe in ("weam", "codeswitch"):
        deterministic = {
            name for name, m in CAPS[recipe]["metrics"].items() if m["details"].get("deterministic")
        }
        assert deterministic == ({"mean_tokens", "mean_words"} if recipe == "weam" else set())


def test_weam_templates_spell_the_keys_of_a_smoke_result(weam_run):
    metrics = weam_run["metrics"]
    langs = CAPS["weam"]["tasks"]["xnli"]["details"]["languages"]["smoke"]
    expected = {
        metric_key("weam", "xnli", setting, pair)
        for setting, pairs in (
            ("zero-shot", ["en", *langs, "avg"]),
            ("translate-train", [*langs, "avg"]),
        )
        for pair in pairs
    }
    written = {k for k in metrics if k.startswith("xnli/")}
    assert written == expected
    assert all(isinstance(metrics[k], float) for k in expected)
    assert metric_key("weam", "bitext", None, "de") == "bitext/en-de/p@1"
    assert metric_key("weam", "bitext", None, "avg") == "bitext/avg/p@1"
    for pair in [*CAPS["weam"]["tasks"]["bitext"]["details"]["languages"]["smoke"], "avg"]:
        assert isinstance(metrics[metric_key("weam", "bitext", None, pair)], float)
    for pair in CAPS["weam"]["tasks"]["stats"]["details"]["languages"]["smoke"]:
        for metric in ("mean_tokens", "mean_words"):
            assert metrics[metric_key("weam", "stats", "xnli", pair, metric)] > 0
    mlqa_langs = CAPS["weam"]["tasks"]["mlqa"]["details"]["languages"]["smoke"]
    assert mlqa_langs == ["de"]  # of de and fr, MLQA has de
    mlqa = {
        metric_key("weam", "mlqa", s, p)
        for s in ("zero-shot", "translate-train")
        for p in mlqa_langs
    }
    assert mlqa == {k for k in metrics if k.startswith("mlqa/") and k.endswith("/f1")}
    assert all(metrics[k] is None for k in mlqa)  # no QA set at smoke


def test_codeswitch_template_spells_the_keys_of_a_smoke_result(codeswitch_run):
    metrics = codeswitch_run["metrics"]
    config = contract.resolve({"recipe": "codeswitch", **SMOKE})[1]
    expected = {
        metric_key("codeswitch", "passage-reranking", *s.split("/")) for s in config["settings"]
    }
    kinds = {s.split("/")[0] for s in config["settings"]}
    expected |= {metric_key("codeswitch", "passage-reranking", kind, "avg") for kind in kinds}
    written = {k for k in metrics if k.endswith("/mrr@10") and not k.startswith("ref/")}
    assert written == expected
    for setting in config["settings"]:
        kind, pair = setting.split("/")
        assert pair in CAPS["codeswitch"]["settings"][kind]["details"]["pairs"]["smoke"]
