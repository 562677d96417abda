"""The capability table, config resolution and stage sharing of the weam recipe (no training)."""

from __future__ import annotations

import json

import pytest

from reproductions.common.capabilities import match_alias
from reproductions.common.recipe import ConfigError
from reproductions.weam import recipe
from reproductions.weam.capabilities import CAPABILITIES, PAPER_HYPERPARAMETERS
from reproductions.weam.config import SYSTEMS, resolve


def test_capability_table_is_plain_data_with_review_aliases():
    table = json.loads(json.dumps(CAPABILITIES))
    assert sorted(table["systems"]) == sorted(SYSTEMS)
    assert set(table["tasks"]) == {"xnli", "mlqa", "bitext", "stats"}
    assert table["tasks"]["mlqa"]["profiles"] == ["paper"]
    for text, kind, name in [
        ("mBERT+WEAM", "systems", "mbert+weam"),
        ("mBERT + TLM", "systems", "mbert+tlm"),
        ("word-aligned mBERT", "systems", "word-aligned-mbert"),
        ("Cao et al. (2020)", "systems", "word-aligned-mbert"),
        ("translate-train", "settings", "translate-train"),
        ("zero shot", "settings", "zero-shot"),
        ("XNLI", "tasks", "xnli"),
        ("P@1", "metrics", "p@1"),
        ("masking probability", "parameters", "mask_prob"),
    ]:
        assert match_alias(table, kind, text) == name, text
    assert table["parameters"]["learning_rate"]["details"]["paper"] == 5e-5


def test_paper_profile_resolves_to_the_reported_hyperparameters():
    cfg = resolve({"profile": "paper"})
    for spec in PAPER_HYPERPARAMETERS.values():
        assert getattr(cfg, spec["config_field"]) == spec["value"]
    assert (cfg.mask_prob, cfg.learning_rate, cfg.batch_size, cfg.max_length) == (
        0.3,
        5e-5,
        32,
        128,
    )
    assert cfg.weam_lambda == 1.0


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"system": "mbert+bert"}, "unknown system"),
        ({"tasks": ["squad"]}, "unknown task"),
        ({"languages": ["en", "de"]}, "not en"),
        ({"profile": "mini"}, "data_dir"),
        ({"aligner": "files", "system": "mbert+weam"}, "alignment_files"),
        ({"max_length": 512}, "positions"),
        ({"swap_layers": 1}, "unknown config field"),
    ],
)
def test_bad_configs_are_rejected(raw, message):
    with pytest.raises(ConfigError, match=message):
        recipe.resolve_config(raw)


def _keys(raw):
    return {s["label"]: s["key"] for s in recipe.plan({"recipe": "weam", **raw})["stages"]}


def test_stages_are_shared_where_their_inputs_agree():
    weam = _keys({"system": "mbert+weam", "seed": 1, "settings": ["zero-shot"]})
    weam_tt = _keys({"system": "mbert+weam", "seed": 1, "settings": ["translate-train"]})
    weam_seed2 = _keys({"system": "mbert+weam", "seed": 2})
    tlm = _keys({"system": "mbert+tlm", "seed": 1})
    # One continued pre-training serves both settings of a seed.
    assert weam["continue"] == weam_tt["continue"]
    # One base model and one alignment per data set serve every seed and system.
    assert weam["pretrain"] == weam_seed2["pretrain"] == tlm["pretrain"]
    assert weam["align/de"] == weam_seed2["align/de"]
    assert weam["continue"] != weam_seed2["continue"] != tlm["continue"]
    swapped = _keys({"system": "mbert+weam", "seed": 1, "swap_layer": 1})
    assert swapped["continue"] != weam["continue"] and swapped["pretrain"] == weam["pretrain"]


def test_mlqa_is_reported_as_not_runnable_below_paper():
    out = recipe.plan({"recipe": "weam", "tasks": ["xnli", "mlqa"]})
    assert "cannot run at this profile" in out["not_run"]["mlqa"]
    assert not any(s["label"].startswith(("finetune/mlqa", "eval/mlqa")) for s in out["stages"])
