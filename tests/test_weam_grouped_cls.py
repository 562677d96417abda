"""Length-grouped classification batches (`cls_group_by_length`, issue 15) and their identity."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file
from test_weam_smoke import SMOKE, run

from reproductions.weam import recipe


def _stages(raw):
    return {s["label"]: s for s in recipe.plan({"recipe": "weam", **raw})["stages"]}


def test_grouping_changes_only_the_classification_stages():
    plain = _stages({"system": "mbert+tlm", "seed": 1})
    grouped = _stages({"system": "mbert+tlm", "seed": 1, "cls_group_by_length": True})
    unset = _stages({"system": "mbert+tlm", "seed": 1, "cls_group_by_length": None})
    assert {k: s["key"] for k, s in unset.items()} == {k: s["key"] for k, s in plain.items()}
    changed = {k for k in plain if plain[k]["key"] != grouped[k]["key"]}
    assert changed == {k for k in plain if k.startswith(("finetune/xnli", "eval/xnli"))} != set()
    assert grouped["finetune/xnli/de"]["params"]["group_by_length"] is True
    assert "group_by_length" not in plain["finetune/xnli/de"]["params"]


def test_grouping_reaches_the_training_loop(tmp_path):
    base = {**SMOKE, "system": "mbert", "tasks": ["xnli"], "settings": ["zero-shot"]}
    weights = {}
    for name, grouped in (("plain", None), ("grouped", True)):
        config = {**base, "cls_group_by_length": grouped, "cache_dir": str(tmp_path / "cache")}
        done = run(config, tmp_path / name)
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads((tmp_path / name / "result.json").read_text())
        stages = result["provenance"]["stages"]
        assert stages["pretrain"]["built_now"] is (name == "plain")  # one base serves both
        tuned = Path(stages["finetune/xnli/en"]["path"])
        weights[name] = load_file(tuned / "model.safetensors")["classifier.weight"]
    # Other batches, other weights: the option is not just in the key.
    assert not torch.equal(weights["plain"], weights["grouped"])
