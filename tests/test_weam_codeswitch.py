"""mbert+cs: zero-shot fine-tuning on code-switched English data (smoke profile; the paper's
lexicon download through a plan and a local file)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reproductions.common.cache import StageCache
from reproductions.common.capabilities import match_alias
from reproductions.common.events import EventWriter
from reproductions.common.recipe import ConfigError, RunContext
from reproductions.weam import recipe, stages
from reproductions.weam.capabilities import CAPABILITIES
from reproductions.weam.config import resolve
from reproductions.weam.data import DirSource
from reproductions.weam.switching import download_lexicon, load_lexicons, switch_examples
from reproductions.weam.synthetic import SyntheticSpec, generate

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
SMOKE = {"recipe": "weam", "profile": "smoke", "seed": 1, "device": "cpu", "num_threads": 1}


def _stages(**raw) -> dict[str, dict]:
    return {s["label"]: s for s in recipe.plan({"recipe": "weam", **raw})["stages"]}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """The smoke profile's generated data folder."""
    return generate(SyntheticSpec(), tmp_path_factory.mktemp("synthetic"))


def test_aliases_and_defaults():
    for text in ("mBERT+CS", "code-switched fine-tuning", "CS fine-tuning"):
        assert match_alias(CAPABILITIES, "systems", text) == "mbert+cs", text
    cfg = resolve({"system": "mBERT+CS"})
    assert (cfg.system, cfg.code_switch_prob, cfg.code_switch_seed) == ("mbert+cs", 0.5, 1)
    # Only mbert+cs reads them: other systems keep the identity they had before.
    other = resolve({"system": "mbert", "code_switch_prob": 0.3, "lexicon_dir": "/x"})
    assert (other.code_switch_prob, other.code_switch_seed, other.lexicon_dir) == (None,) * 3
    assert recipe.resolve_config({"system": "mbert"}) == recipe.resolve_config(
        {"system": "mbert", "code_switch_prob": 0.3}
    )
    with pytest.raises(ConfigError, match="code_switch_prob"):
        resolve({"system": "mbert+cs", "code_switch_prob": 1.5})


def test_only_the_zero_shot_fine_tuning_differs_from_mbert():
    mbert, cs = _stages(system="mbert"), _stages(system="mbert+cs")
    assert set(mbert) == set(cs) and "continue" not in cs
    differ = {label for label in cs if cs[label]["key"] != mbert[label]["key"]}
    assert differ == {"finetune/xnli/en", "eval/xnli/zero-shot"}
    switch = cs["finetune/xnli/en"]["params"]["code_switch"]
    assert switch["prob"] == 0.5 and switch["seed"] == 1 and switch["languages"] == ["de", "fr"]
    for raw in ({"code_switch_prob": 0.3}, {"code_switch_seed": 2}):
        changed = _stages(system="mbert+cs", **raw)
        assert changed["finetune/xnli/en"]["key"] != cs["finetune/xnli/en"]["key"], raw
        assert changed["finetune/xnli/de"]["key"] == cs["finetune/xnli/de"]["key"], raw
    seed2 = _stages(system="mbert+cs", seed=2)["finetune/xnli/en"]["params"]["code_switch"]
    assert seed2 == switch  # the same switched data for every run seed


def test_english_training_data_is_switched_at_about_the_rate(synthetic):
    source = DirSource(synthetic)
    examples = source.classification("en", "train")
    files = {lang: synthetic / "lexicon" / f"en-{lang}.txt" for lang in ("de", "fr")}
    lexicons = load_lexicons(files)
    switched, stats = switch_examples(examples, lexicons, 0.5, seed=1)
    assert stats["words"] > 1000 and stats["missing"] == 0
    assert 0.45 < stats["rate"] < 0.55
    assert [e.label for e in switched] == [e.label for e in examples]
    to = {lang: {t[0] for t in lex.entries.values()} for lang, lex in lexicons.items()}
    words = [w.strip(".") for e in switched for w in e.text.split()]
    for lang in ("de", "fr"):  # both languages are drawn, about equally
        share = sum(w in to[lang] for w in words) / len(words)
        assert 0.2 < share < 0.3, lang
    again, _ = switch_examples(examples, load_lexicons(files), 0.5, seed=1)
    other, _ = switch_examples(examples, load_lexicons(files), 0.5, seed=2)
    assert again == switched and other != switched
    same, none = switch_examples(examples, load_lexicons(files), 0.0, seed=1)
    assert same == examples and none["rate"] == 0.0


def test_mbert_cs_runs_end_to_end_and_shares_translate_train_with_mbert(tmp_path):
    cache = tmp_path / "cache"
    results = {}
    for system in ("mbert", "mbert+cs"):
        workdir = tmp_path / system.replace("+", "-")
        config = tmp_path / f"{workdir.name}.json"
        config.write_text(json.dumps({**SMOKE, "system": system, "cache_dir": str(cache)}))
        proc = subprocess.run(
            [sys.executable, "-m", "reproductions", "run", "--config", str(config)]
            + ["--workdir", str(workdir)],
            cwd=ROOT,
            env={**os.environ, **OFFLINE},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        results[system] = json.loads((workdir / "result.json").read_text())
    cs, mbert = results["mbert+cs"], results["mbert"]
    expected = [n for n in recipe.metric_names(resolve({"system": "mbert+cs"})) if "/" in n]
    expected = [n for n in expected if n != "stats/..." and not n.endswith("/mlm-loss")]
    for name in expected:
        assert 0.0 <= cs["metrics"][name] <= 1.0, name
    built = cs["provenance"]["stages"]
    assert built["finetune/xnli/en"]["built_now"] and built["eval/xnli/zero-shot"]["built_now"]
    assert built["finetune/xnli/en"]["code_switch"]["rate"] == pytest.approx(0.5, abs=0.05)
    shared = [label for label in built if label != "finetune/xnli/en" and "zero-shot" not in label]
    assert shared and not any(built[label]["built_now"] for label in shared)
    for key in ("xnli/translate-train/de/accuracy", "bitext/avg/p@1"):
        assert cs["metrics"][key] == mbert["metrics"][key]
    mbert_ft = mbert["provenance"]["stages"]["finetune/xnli/en"]
    assert built["finetune/xnli/en"]["key"] != mbert_ft["key"] and "code_switch" not in mbert_ft


def test_paper_plan_downloads_nothing_and_skips_languages_muse_lacks(tmp_path):
    plan = recipe.plan({"recipe": "weam", "profile": "paper", "system": "mbert+cs"})
    by_label = {s["label"]: s for s in plan["stages"]}
    lexicons = sorted(label for label in by_label if label.startswith("lexicon/"))
    assert (
        "lexicon/de" in lexicons and "lexicon/sw" not in lexicons and "lexicon/ur" not in lexicons
    )
    assert by_label["lexicon/de"]["params"]["url"].endswith("/arrival/dictionaries/en-de.txt")
    finetune = by_label["finetune/xnli/en"]
    assert set(lexicons) <= set(finetune["upstream"])
    assert "sw" not in finetune["params"]["code_switch"]["languages"]
    assert "mlqa" in plan["not_run"] and not any(
        label.startswith("eval/mlqa") for label in by_label
    )

    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "en-de.txt").write_text("house Haus\n", encoding="utf-8")
    local = _stages(profile="paper", system="mbert+cs", languages=["de"], lexicon_dir=str(folder))
    assert not any(label.startswith("lexicon/") for label in local)
    digest = hashlib.sha256(b"house Haus\n").hexdigest()
    assert local["finetune/xnli/en"]["params"]["code_switch"]["lexicons"] == {"de": digest}


def test_paper_lexicon_is_fetched_into_the_stage_cache(tmp_path, monkeypatch):
    import torch

    from reproductions.weam.pipeline import Pipeline

    served = tmp_path / "served"
    served.mkdir()
    (served / "en-de.txt").write_text("house haus\ncat katze\n", encoding="utf-8")
    monkeypatch.setattr(stages, "MUSE_URL", served.as_uri() + "/en-{lang}.txt")
    cfg = resolve({"profile": "paper", "system": "mbert+cs", "languages": ["de"]})
    graph = stages.build_graph(cfg, "hub-data")
    ctx = RunContext(
        tmp_path, EventWriter(tmp_path), StageCache(tmp_path / "cache"), torch.device("cpu")
    )
    lexicons = Pipeline(cfg, ctx, None, graph).lexicons()  # type: ignore[arg-type]
    assert lexicons["de"].entries == {"house": ["haus"], "cat": ["katze"]}
    meta = StageCache(tmp_path / "cache").meta(graph.stages["lexicon/de"])["meta"]
    assert meta["sha256"] == hashlib.sha256(b"house haus\ncat katze\n").hexdigest()
    assert meta["url"].startswith("file:")
    missing = tmp_path / "missing.txt"
    with pytest.raises(OSError):
        download_lexicon(missing.as_uri(), tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()
