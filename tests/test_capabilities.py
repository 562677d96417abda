"""Recipe facts in the capability tables and the reference baselines beside every metric: what
the recipes write in result.json (smoke runs), and the reference values on constructed data."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from reproductions import contract
from reproductions.codeswitch.config import resolve as resolve_codeswitch
from reproductions.codeswitch.data import load_ir_dir
from reproductions.codeswitch.references import reference_metrics as codeswitch_references
from reproductions.codeswitch.synthetic import write_synthetic
from reproductions.common.files import read_jsonl
from reproductions.weam.config import resolve as resolve_weam
from reproductions.weam.data import ClsExample
from reproductions.weam.references import reference_metrics as weam_references

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


def harmonic(n: int) -> float:
    return sum(1 / r for r in range(1, n + 1))


# -- reference baselines in smoke results ---------------------------------------------------------


def test_every_weam_metric_but_data_statistics_has_a_chance_reference(weam_run):
    metrics = weam_run["metrics"]
    measured = [k for k in metrics if not k.startswith(("ref/", "stats/"))]
    # 7 xnli, 4 mlqa (null: de f1/em per setting), 7 bitext, 6 base (en, de, fr: loss, accuracy)
    assert len(measured) == 24
    base = [k for k in measured if k.startswith("base/")]
    assert len(base) == 6 and all(f"ref/unigram/{k}" in metrics for k in base)
    assert all(f"ref/chance/{k}" in metrics for k in measured)
    xnli = [k for k in measured if k.startswith("xnli/")]
    assert {f"ref/naive-bayes/{k}" for k in xnli} <= set(metrics)
    refs = {k.split("/", 2)[2] for k in metrics if k.startswith("ref/")}
    assert refs == set(measured)  # nothing else gets a reference


def test_weam_smoke_chance_is_the_training_majority_on_the_test_labels(weam_run):
    metrics, data = weam_run["metrics"], Path(weam_run["provenance"]["data"]["data_dir"])

    def labels(lang: str, split: str) -> list[str]:
        return [str(r["label"]) for r in read_jsonl(data / f"cls/{lang}.{split}.jsonl")]

    for setting, train_of in (("zero-shot", lambda lang: "en"), ("translate-train", str)):
        for lang in ["de", "fr"] + (["en"] if setting == "zero-shot" else []):
            counts = Counter(labels(train_of(lang), "train"))
            majority = max(sorted(counts), key=counts.__getitem__)
            test = labels(lang, "test")
            expected = max(test.count(majority) / len(test), 1 / len(counts))
            assert metrics[f"ref/chance/xnli/{setting}/{lang}/accuracy"] == round(expected, 6)
    for key in ("zero-shot/de/f1", "zero-shot/de/em", "translate-train/de/f1"):
        assert metrics[f"ref/chance/mlqa/{key}"] == 0.0  # an empty answer
    pairs = sum(1 for _ in read_jsonl(data / "parallel/de.test.jsonl"))
    assert metrics["ref/chance/bitext/en-de/p@1"] == round(1 / min(pairs, 1000), 6)


def test_every_codeswitch_mrr_has_random_and_first_stage_references(codeswitch_run, tmp_path):
    metrics = codeswitch_run["metrics"]
    measured = [k for k in metrics if k.endswith("/mrr@10") and not k.startswith("ref/")]
    assert len(measured) == 9  # 6 settings, 3 kind averages
    for key in measured:
        assert f"ref/chance/{key}" in metrics and f"ref/first-stage/{key}" in metrics
    # the smoke data: every query has exactly one relevant passage among its 8 candidates
    data = load_ir_dir(write_synthetic(tmp_path / "data", seed=0), 4)
    firsts = []
    for qid in sorted(q for q in data.qrels if q in data.candidates["en"]):
        ranked = data.candidates["en"][qid][:8]
        hits = [i for i, d in enumerate(ranked) if data.qrels[qid].get(d, 0) > 0]
        assert len(hits) == 1
        firsts.append(1 / (hits[0] + 1))
    for key in measured:
        assert metrics[f"ref/chance/{key}"] == round(harmonic(8) / 8, 6)
        assert metrics[f"ref/first-stage/{key}"] == round(sum(firsts) / len(firsts), 6)


# -- reference values on constructed data ---------------------------------------------------------


class LabelledSource:
    """Classification sets with known label counts; one distinctive word per label in English."""

    WORD = {"a": "alpha", "b": "beta", "c": "gamma"}
    SETS = {
        ("en", "train"): {"a": 6, "b": 3, "c": 1},
        ("en", "test"): {"a": 4, "b": 4, "c": 2},
        ("de", "train"): {"a": 2, "b": 5},
        ("de", "test"): {"a": 3, "b": 5, "c": 2},
    }

    def classification(self, lang: str, split: str) -> list[ClsExample]:
        out = []
        for label, n in self.SETS[(lang, split)].items():
            word = self.WORD[label] if lang == "en" else f"wort{label}"
            out += [ClsExample(text=" ".join([word] * 3), label=label)] * n
        return out

    def parallel(self, lang: str, split: str, domain: str | None = None) -> list[tuple[str, str]]:
        return [(f"en {i}", f"{lang} {i}") for i in range(7)] if split == "test" else []


def _weam_refs(profile: str) -> dict[str, float]:
    raw = {"profile": profile, "languages": ["de"], "tasks": ["xnli", "bitext"]}
    cfg = resolve_weam({**raw, "bitext_max_pairs": 4})
    pipeline = SimpleNamespace(cfg=cfg, source=LabelledSource(), eval_examples=lambda items: items)
    return weam_references(pipeline, {})  # type: ignore[arg-type]


def test_weam_references_on_known_label_counts():
    refs = _weam_refs("smoke")
    # majority of en train is a: 4/10 en test, 3/10 de test (below 1/3: floored)
    assert refs["ref/chance/xnli/zero-shot/en/accuracy"] == 0.4
    assert refs["ref/chance/xnli/zero-shot/de/accuracy"] == round(1 / 3, 6)
    assert refs["ref/chance/xnli/zero-shot/avg/accuracy"] == round(1 / 3, 6)
    # majority of de train is b: 5/10 of de test
    assert refs["ref/chance/xnli/translate-train/de/accuracy"] == 0.5
    # naive Bayes: the label words decide in English; the German words are unseen in English
    # training, so en->de predicts the prior's class a (0.3, not floored); de->de reads them
    assert refs["ref/naive-bayes/xnli/zero-shot/en/accuracy"] == 1.0
    assert refs["ref/naive-bayes/xnli/zero-shot/de/accuracy"] == 0.3
    assert refs["ref/naive-bayes/xnli/translate-train/de/accuracy"] == 0.8  # c never seen
    assert refs["ref/chance/bitext/en-de/p@1"] == 0.25  # 1 / min(7 pairs, bitext_max_pairs 4)
    assert refs["ref/chance/bitext/avg/p@1"] == 0.25


def test_paper_results_carry_chance_but_no_naive_bayes():
    refs = _weam_refs("paper")
    assert refs["ref/chance/xnli/translate-train/de/accuracy"] == 0.5
    assert not any(k.startswith("ref/naive-bayes/") for k in refs)


def test_codeswitch_references_on_known_candidates():
    cfg = resolve_codeswitch({"settings": ["moir/de", "clir/en-de"], "eval_depth": 8})
    docs = [f"d{i}" for i in range(1, 11)]
    data = SimpleNamespace(
        qrels={"q1": {"d3": 1}, "q2": {"d1": 1, "d2": 1}, "q3": {"d9": 1}, "q4": {"d1": 1}},
        candidates={"en": {"q1": docs, "q2": docs[:5], "q3": docs}},  # q4: no candidates
    )
    refs = codeswitch_references(cfg, data, {"clir/en-de": "no test data"})  # type: ignore[arg-type]
    # q1: 1 relevant in 8; q2: 2 in 5, first at r with P = (5 - r) / 10; q3: d9 is below depth 8
    q2 = 0.4 + 0.3 / 2 + 0.2 / 3 + 0.1 / 4
    assert refs["ref/chance/moir/de/mrr@10"] == round((harmonic(8) / 8 + q2 + 0) / 3, 6)
    assert refs["ref/first-stage/moir/de/mrr@10"] == round((1 / 3 + 1 + 0) / 3, 6)
    assert refs["ref/chance/moir/avg/mrr@10"] == refs["ref/chance/moir/de/mrr@10"]
    assert not any("clir" in k for k in refs)  # a setting that did not run has no reference
