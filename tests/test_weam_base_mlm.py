"""The tiny base model's held-out MLM loss and masked-token accuracy (smoke profile)."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reproductions import contract
from reproductions.weam import recipe
from reproductions.weam.base_eval import BASE_EVAL_SENTENCES

LANGS = ["en", "de", "fr"]
SMOKE = {"recipe": "weam", "profile": "smoke", "seed": 1, "system": "mbert", "tasks": ["bitext"]}
EXEC = {"device": "cpu", "num_threads": 1}


def _run(config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    assert contract.run(config, workdir) == 0, (workdir / "error.txt").read_text()
    return json.loads((workdir / "result.json").read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """Two smoke runs on one cache: the second re-evaluates the same base from scratch."""
    import torch

    root = tmp_path_factory.mktemp("base-mlm")
    config = {**SMOKE, **EXEC, "cache_dir": str(root / "cache")}
    first = _run(config, root / "first")
    folder = Path(first["provenance"]["stages"]["eval/base-mlm"]["path"])
    (folder / "COMPLETE.json").unlink()
    (folder / "metrics.json").unlink()
    torch.manual_seed(12345)  # the global RNG differs: the masks must not
    torch.rand(17)
    second = _run(config, root / "second")
    return first, second, root


def test_result_records_loss_accuracy_and_references_per_language(runs):
    metrics, stages = runs[0]["metrics"], runs[0]["provenance"]["stages"]
    for lang in LANGS:
        loss, acc = metrics[f"base/{lang}/mlm-loss"], metrics[f"base/{lang}/mlm-accuracy"]
        assert math.isfinite(loss) and loss > 0
        assert 0.0 <= acc <= 1.0
        for name in ("mlm-loss", "mlm-accuracy"):
            unigram = metrics[f"ref/unigram/base/{lang}/{name}"]
            assert unigram is not None and math.isfinite(unigram)
        vocab = stages["eval/base-mlm"]["metrics"]["vocab_size"]
        assert metrics[f"ref/chance/base/{lang}/mlm-loss"] == round(math.log(vocab), 6)
        assert metrics[f"ref/chance/base/{lang}/mlm-accuracy"] == round(1 / vocab, 6)
        counted = stages["eval/base-mlm"]["metrics"][lang]
        assert counted["sentences"] > 0 and counted["masked_tokens"] > 0
    assert stages["eval/base-mlm"]["built_now"] and stages["pretrain"]["built_now"]


def test_the_numbers_are_reproducible(runs):
    first, second, _ = runs
    assert second["provenance"]["stages"]["eval/base-mlm"]["built_now"]
    assert not second["provenance"]["stages"]["pretrain"]["built_now"]
    keys = [k for k in first["metrics"] if "base/" in k]
    assert len(keys) == 3 * 2 * 3  # 3 languages x 2 metrics x (measured, unigram, chance)
    assert {k: second["metrics"][k] for k in keys} == {k: first["metrics"][k] for k in keys}


def test_the_run_log_shows_the_numbers(runs):
    log = runs[2] / "first" / "events.jsonl"
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    shown = [e["message"] for e in lines if str(e.get("message", "")).startswith("base model:")]
    assert len(shown) == 1 and all(f"{lang} " in shown[0] for lang in LANGS)


def test_plan_lists_the_keys_and_the_paper_profile_has_none():
    plan = recipe.plan(SMOKE)
    assert {f"base/{lang}/mlm-loss" for lang in LANGS} <= set(plan["metrics"])
    stage = next(s for s in plan["stages"] if s["label"] == "eval/base-mlm")
    assert stage["params"]["max_sentences"] == BASE_EVAL_SENTENCES
    paper = recipe.plan({"recipe": "weam", "profile": "paper", "system": "mbert"})
    assert not any(m.startswith("base/") for m in paper["metrics"])
    assert not any(s["name"] == "eval-mlm" for s in paper["stages"])
    off = recipe.plan({**SMOKE, "base_eval_sentences": 0})
    assert not any(s["name"] == "eval-mlm" for s in off["stages"])


def test_the_sentence_count_keeps_config_hashes_but_not_the_stage_key():
    def stage_key(**extra) -> str:
        return next(
            s["key"]
            for s in recipe.plan({**SMOKE, **extra})["stages"]
            if s["label"] == "eval/base-mlm"
        )

    config = contract.resolve(dict(SMOKE))[1]
    assert config["base_eval_sentences"] is None  # None is left out of the hash
    without = {k: v for k, v in config.items() if k != "base_eval_sentences"}
    assert contract.config_hash(config) == contract.config_hash(without)
    assert stage_key(base_eval_sentences=7) != stage_key()


def test_masks_ignore_the_global_rng_and_scores_ignore_the_batch_size(tmp_path):
    import torch
    from transformers import BertForMaskedLM

    from reproductions.common.mlm_eval import mask_sentences, score_masked
    from reproductions.common.models import tiny_bert_config
    from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece

    texts = [f"the cat {i} sat on the mat number {i % 7} today" for i in range(60)]
    tok = train_wordpiece(texts, TokenizerConfig(vocab_size=200, min_frequency=1, max_length=64))
    masks = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)
        masks.append(mask_sentences(tok, texts, max_length=32, mask_prob=0.15, seed=0))
    assert masks[0] == masks[1] and len(masks[0].targets) > 20
    other = mask_sentences(tok, texts, max_length=32, mask_prob=0.15, seed=1)
    assert other.labels != masks[0].labels
    torch.manual_seed(0)
    model = BertForMaskedLM(tiny_bert_config("smoke", len(tok), max_position_embeddings=32))
    device = torch.device("cpu")
    pad = tok.pad_token_id
    a = score_masked(model, masks[0], pad_token_id=pad, batch_size=7, device=device)
    b = score_masked(model, masks[0], pad_token_id=pad, batch_size=64, device=device)
    assert a.tokens == b.tokens == len(masks[0].targets)
    assert a.loss == pytest.approx(b.loss, abs=1e-5) and a.accuracy == b.accuracy


def test_unigram_reference_on_known_counts():
    from reproductions.common.mlm_eval import score_unigram

    counts = Counter({5: 6, 7: 2})  # 8 tokens; add-one over a vocabulary of 4: norm 12
    scores = score_unigram(counts, 4, [5, 7, 9, 5])
    expected = -(2 * math.log(7 / 12) + math.log(3 / 12) + math.log(1 / 12)) / 4
    assert scores.loss == round(expected, 6)
    assert scores.accuracy == 0.5 and scores.tokens == 4
    assert score_unigram(counts, 4, []).loss is None


def test_both_capability_tables_declare_the_metrics():
    for table in contract.capabilities().values():
        loss, acc = table["metrics"]["mlm-loss"], table["metrics"]["mlm-accuracy"]
        assert loss["details"]["higher_is_better"] is False
        assert acc["details"]["higher_is_better"] is True and acc["details"]["range"] == [0, 1]
        for entry in (loss, acc):
            assert entry["details"]["deterministic"] is False
            assert entry["profiles"] == ["smoke", "mini"]
            assert entry["details"]["metric_key"].format(pair="de", metric="x") == "base/de/x"


def test_the_app_and_cli_label_the_numbers():
    from claimlab.present.base_model import BASE_MODEL_LABEL, base_model_frame, base_model_rows

    metrics = {
        "base/en/mlm-loss": 5.1,
        "base/en/mlm-accuracy": 0.2,
        "ref/unigram/base/en/mlm-loss": 6.0,
        "xnli/zero-shot/en/accuracy": 0.5,
    }
    rows = base_model_rows(metrics)
    assert BASE_MODEL_LABEL == "base model: held-out MLM loss / accuracy per language"
    assert rows == [
        {
            "language": "en",
            "MLM loss": 5.1,
            "accuracy": 0.2,
            "unigram loss": 6.0,
            "unigram accuracy": None,
            "chance loss": None,
        }
    ]
    assert base_model_rows({"xnli/zero-shot/en/accuracy": 0.5}) == [] == base_model_rows(None)
    assert list(base_model_frame(metrics)["language"]) == ["en"]
