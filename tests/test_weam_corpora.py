"""The weam corpora: the base model's (independent of the alignment corpus; base_en_ratio) and
the alignment corpus (parallel_domain, then max_parallel_pairs), at the smoke profile."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reproductions.common.cache import StageCache
from reproductions.common.events import EventWriter
from reproductions.common.files import read_jsonl, write_jsonl
from reproductions.common.recipe import ConfigError, RunContext
from reproductions.weam import recipe
from reproductions.weam.config import resolve
from reproductions.weam.data import DirSource
from reproductions.weam.hub import HubSource
from reproductions.weam.stages import build_graph
from reproductions.weam.synthetic import SyntheticSpec, generate

ROOT = Path(__file__).resolve().parents[1]
BASE = ("tokenizer", "pretrain")
ALIGNMENT = ("align/de", "align/fr", "continue")


def _keys(**raw) -> dict[str, str]:
    return {s["label"]: s["key"] for s in recipe.plan({"recipe": "weam", **raw})["stages"]}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """The smoke profile's generated data folder."""
    return generate(SyntheticSpec(), tmp_path_factory.mktemp("synthetic"))


def _pipeline(tmp_path: Path, data: Path, **raw):
    import torch

    from reproductions.weam.pipeline import Pipeline

    cfg = resolve({"data_source": "dir", "data_dir": str(data), **raw})
    source = DirSource(data)
    ctx = RunContext(
        tmp_path, EventWriter(tmp_path), StageCache(tmp_path / "cache"), torch.device("cpu")
    )
    return Pipeline(cfg, ctx, source, build_graph(cfg, source.identity()))


def test_base_stages_do_not_depend_on_the_alignment_corpus():
    plain = _keys(system="mbert+weam")
    for raw in (
        {"max_parallel_pairs": 100},
        {"parallel_domain": "help"},
        {"parallel_domain": "messages", "max_parallel_pairs": 100},
    ):
        other = _keys(system="mbert+weam", **raw)
        assert all(other[label] == plain[label] for label in BASE), raw
        assert all(other[label] != plain[label] for label in ALIGNMENT), raw
    assert _keys(system="mbert", max_parallel_pairs=100)["pretrain"] == plain["pretrain"]


def test_base_en_ratio_enters_the_base_stages_only():
    plain = _keys(system="mbert+weam")
    four = _keys(system="mbert+weam", base_en_ratio=4)
    sixteen = _keys(system="mbert+weam", base_en_ratio=16)
    for label in BASE:
        assert len({plain[label], four[label], sixteen[label]}) == 3
    assert four["continue"] != plain["continue"]  # through its base
    assert resolve({"base_en_ratio": 4}).base_en_ratio == 4.0
    assert _keys(system="mbert+weam", base_en_ratio=4.0) == four


def test_stage_keys_without_the_new_fields_are_unchanged():
    cfg = resolve({"system": "mbert+weam", "settings": ["zero-shot"], "tasks": ["xnli"]})
    keys = {label: spec.key[:16] for label, spec in build_graph(cfg, "data").stages.items()}
    assert keys.pop("eval/base-mlm")  # a stage added later; the stages it reads keep their keys
    # Computed with the code before base_en_ratio and parallel_domain existed.
    assert keys == {
        "tokenizer": "bd243f903aa400c1",
        "align/de": "33ad2e172bc506c8",
        "align/fr": "e8a44d59cb365ff0",
        "pretrain": "7d25a89975cd6df0",
        "continue": "bcd1c596b6fc3f1d",
        "finetune/xnli/en": "cbacd6fd93a2a8c3",
        "eval/xnli/zero-shot": "199c327a2f0a7d6c",
    }


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"base_en_ratio": 0}, "base_en_ratio must be > 0"),
        ({"base_en_ratio": -4}, "base_en_ratio must be > 0"),
        (
            {"base_en_ratio": 4, "model_name_or_path": "bert-base-multilingual-cased"},
            "base_en_ratio",
        ),
        ({"parallel_domain": "web"}, "parallel_domain must be one of"),
        ({"profile": "paper", "parallel_domain": "help"}, "parallel_domain: the hub"),
    ],
)
def test_bad_corpus_fields_are_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message):
        recipe.resolve_config(raw)


def test_base_corpus_keeps_english_and_the_first_target_sentences():
    from reproductions.weam.data import base_corpus

    pairs = {
        "de": [(f"e{i}", f"d{i}") for i in range(12)],
        "fr": [(f"e{i}", f"f{i}") for i in range(8, 20)],  # e8..e11 are shared
    }
    texts, counts = base_corpus(pairs, None)
    assert counts == {"en": 20, "de": 12, "fr": 12} and len(texts) == 44
    texts, counts = base_corpus(pairs, 4)
    assert counts == {"en": 20, "de": 5, "fr": 5}
    assert [t for t in texts if t[0] == "d"] == ["d0", "d1", "d2", "d3", "d4"]
    assert [t for t in texts if t[0] == "f"] == ["f8", "f9", "f10", "f11", "f12"]
    assert sum(t[0] == "e" for t in texts) == 20
    assert base_corpus(pairs, 1)[1] == {"en": 20, "de": 12, "fr": 12}  # capped by what exists


def test_base_en_ratio_shapes_the_tokenizer_and_pretraining_corpus(tmp_path, synthetic):
    pipeline = _pipeline(tmp_path, synthetic, system="mbert", base_en_ratio=4, base_steps=2)
    pipeline.ensure("pretrain")
    n_en = len(
        {
            r["en"]
            for lang in ("de", "fr")
            for r in read_jsonl(synthetic / f"parallel/{lang}.train.jsonl")
        }
    )
    expected = {"en": n_en, "de": round(n_en / 4), "fr": round(n_en / 4)}
    assert pipeline.built["tokenizer"]["corpus"] == expected
    assert pipeline.built["pretrain"]["corpus"] == expected


def test_synthetic_pairs_come_in_two_domains(synthetic):
    train = list(read_jsonl(synthetic / "parallel/de.train.jsonl"))
    held = [r for s in ("dev", "test") for r in read_jsonl(synthetic / f"parallel/de.{s}.jsonl")]
    assert {r["domain"] for r in held} == {"messages"}
    help_rows = [r for r in train if r["domain"] == "help"]
    assert 0.4 < len(help_rows) / len(train) < 0.6

    def words(rows, key):
        return {w.strip(".") for r in rows for w in r[key].split()}

    messages_only = words(train, "en") - words(help_rows, "en")
    cls_words = words(read_jsonl(synthetic / "cls/en.train.jsonl"), "text")
    assert messages_only and not messages_only & cls_words  # the messages vocabulary
    assert words(help_rows, "en") & cls_words  # help prose shares the topics


def test_domain_filter_comes_before_the_cap(tmp_path, synthetic):
    rows = list(read_jsonl(synthetic / "parallel/de.train.jsonl"))
    source = DirSource(synthetic)
    for domain in ("help", "messages"):
        expected = [(r["en"], r["de"]) for r in rows if r["domain"] == domain]
        assert source.parallel("de", "train", domain=domain) == expected
    pipeline = _pipeline(
        tmp_path, synthetic, system="mbert+weam", parallel_domain="help", max_parallel_pairs=50
    )
    help_pairs = [(r["en"], r["de"]) for r in rows if r["domain"] == "help"]
    assert pipeline.train_pairs("de") == help_pairs[:50]
    pipeline.ensure("align/de")
    assert pipeline.built["align/de"]["pairs"] == 50
    assert "tokenizer" in pipeline.built  # built from every pair: the base corpus is whole
    assert pipeline.built["tokenizer"]["corpus"]["de"] == len(rows)


def test_unmarked_data_and_the_hub_refuse_a_domain(tmp_path, synthetic):
    plain = tmp_path / "plain"
    shutil.copytree(synthetic, plain)
    path = plain / "parallel/de.train.jsonl"
    write_jsonl(path, [{k: v for k, v in r.items() if k != "domain"} for r in read_jsonl(path)])
    with pytest.raises(ConfigError, match=r"parallel_domain='help'.*de\.train\.jsonl.*'domain'"):
        DirSource(plain).parallel("de", "train", domain="help")
    assert len(DirSource(plain).parallel("de", "train")) == 600  # fine without a domain
    with pytest.raises(ConfigError, match="hub_datasets"):
        HubSource({}).parallel("de", "train", domain="help")


def test_a_run_on_unmarked_data_stops_before_training(tmp_path, synthetic):
    plain = tmp_path / "plain"
    shutil.copytree(synthetic, plain)
    for path in (plain / "parallel").glob("*.jsonl"):
        write_jsonl(path, [{k: v for k, v in r.items() if k != "domain"} for r in read_jsonl(path)])
    config = {"recipe": "weam", "profile": "smoke", "system": "mbert+tlm", "device": "cpu"}
    config.update(data_source="dir", data_dir=str(plain), parallel_domain="messages")
    config["cache_dir"] = str(tmp_path / "cache")
    (tmp_path / "run.json").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "reproductions", "run", "--config", str(tmp_path / "run.json")]
        + ["--workdir", str(tmp_path / "run")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    error = (tmp_path / "run" / "error.txt").read_text()
    assert "parallel_domain='messages'" in error and "de.train.jsonl" in error
    assert not (tmp_path / "cache" / "tokenizer").exists()  # nothing was trained
