"""The paper profile: `plan` resolves it with no network, and its code path (pretrained model,
`datasets` loaders, SQuAD/MLQA, XNLI-style pairs) runs on a tiny local model and local files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reproductions.common.files import read_jsonl, write_jsonl
from reproductions.weam.aligner import eflomal_available
from reproductions.weam.capabilities import PAPER_HYPERPARAMETERS, XNLI_LANGUAGES
from reproductions.weam.synthetic import SyntheticSpec, generate

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}

NO_NETWORK_PLAN = """
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("network is disabled in this test")

socket.socket.connect = refuse
socket.create_connection = refuse
from reproductions import contract
out = contract.plan(contract.load_config(sys.argv[1]))
heavy = [m for m in ("torch", "transformers", "datasets", "huggingface_hub") if m in sys.modules]
print(json.dumps({"plan": out, "imported": heavy}, default=str))
"""


def test_paper_plan_resolves_everything_without_network(tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"recipe": "weam", "profile": "paper", "system": "mBERT+WEAM"}))
    env = {**os.environ, **OFFLINE}
    proc = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_PLAN, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["imported"] == []  # nothing that could download was even imported
    plan, config = out["plan"], out["plan"]["config"]
    assert config["model_name_or_path"] == "bert-base-multilingual-cased"
    for spec in PAPER_HYPERPARAMETERS.values():
        assert config[spec["config_field"]] == spec["value"]
    assert config["precision"] == "bf16" and config["data_source"] == "hub"
    assert config["tasks"] == ["xnli", "mlqa", "bitext", "stats"]
    assert config["languages"] == XNLI_LANGUAGES
    assert config["hub_datasets"]["xnli"]["path"] == "facebook/xnli"
    assert plan["model"] == {"hub": "bert-base-multilingual-cased", "revision": "main"}
    labels = [s["label"] for s in plan["stages"]]
    assert "tokenizer" not in labels and "pretrain" not in labels
    assert {f"align/{lang}" for lang in XNLI_LANGUAGES} <= set(labels)
    assert {"continue", "finetune/xnli/en", "finetune/mlqa/en", "eval/mlqa/zero-shot"} <= set(
        labels
    )
    assert "eval/mlqa/translate-train/de" in labels and "eval/mlqa/translate-train/fr" not in labels
    assert "mlqa/zero-shot/de/f1" in plan["metrics"] and not plan["not_run"]

    # The contract's own command gives the same resolved config.
    cli = subprocess.run(
        [sys.executable, "-m", "reproductions", "plan", "--config", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["config"] == config


def _squad_rows(texts: list[str], prefix: str) -> list[dict[str, Any]]:
    """Questions asking for one word of a sentence (the word is the answer)."""
    rows = []
    for i, text in enumerate(texts):
        words = text.rstrip(".").split()
        answer = words[len(words) // 2]
        question = f"{words[0]} {words[-1]} ?"
        rows.append(
            {
                "id": f"{prefix}{i}",
                "title": "t",
                "context": text,
                "question": question,
                "answers": {"text": [answer], "answer_start": [text.index(answer)]},
            }
        )
    return rows


@pytest.fixture(scope="module")
def local_paper_data(tmp_path_factory) -> dict[str, Any]:
    """A tiny BERT folder and data files in the hub data sets' formats."""
    pytest.importorskip("datasets")
    from transformers import BertForMaskedLM

    from reproductions.common.models import tiny_bert_config
    from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece

    root = tmp_path_factory.mktemp("paper-local")
    synth = generate(SyntheticSpec(train_pairs=200, languages=("de",)), root / "synthetic")
    pairs = {s: list(read_jsonl(synth / "parallel" / f"de.{s}.jsonl")) for s in ("train", "test")}
    cls = {
        (lang, s): list(read_jsonl(synth / "cls" / f"{lang}.{s}.jsonl"))
        for lang in ("en", "de")
        for s in ("train", "dev", "test")
    }
    texts = [r[k] for rows in pairs.values() for r in rows for k in ("en", "de")]
    tok = train_wordpiece(texts, TokenizerConfig(vocab_size=400, min_frequency=1))
    model = BertForMaskedLM(tiny_bert_config("smoke", len(tok), max_position_embeddings=512))
    model.save_pretrained(root / "model")
    tok.save_pretrained(root / "model")

    data = root / "hub"
    for s in ("train", "test"):
        rows = [{"translation": {"de": r["de"], "en": r["en"]}} for r in pairs[s]]
        write_jsonl(data / f"opus.de-en.{s}.jsonl", rows)
    topics = sorted({r["label"] for r in cls[("en", "train")]})
    for (lang, s), rows in cls.items():
        nli = [
            {
                "premise": r["text"],
                "hypothesis": rows[(i + 1) % len(rows)]["text"],
                "label": topics.index(r["label"]) % 3,
            }
            for i, r in enumerate(rows)
        ]
        write_jsonl(data / f"xnli.{lang}.{'validation' if s == 'dev' else s}.jsonl", nli)
    en_texts = [r["en"] for r in pairs["train"]]
    de_texts = [r["de"] for r in pairs["train"]]
    write_jsonl(data / "squad.train.jsonl", _squad_rows(en_texts[:80], "sq"))
    write_jsonl(data / "squad.validation.jsonl", _squad_rows(en_texts[80:100], "sv"))
    write_jsonl(data / "mlqa.de.test.jsonl", _squad_rows(de_texts[100:130], "md"))
    write_jsonl(data / "mlqa.en.test.jsonl", _squad_rows(en_texts[100:130], "me"))
    write_jsonl(data / "mlqa-tt.de.train.jsonl", _squad_rows(de_texts[:80], "mt"))
    refs = {
        "xnli": {
            "path": "json",
            "data_files": {
                s: str(data / f"xnli.{{lang}}.{s}.jsonl") for s in ("train", "validation", "test")
            },
        },
        "squad": {"path": "json", "data_files": {"train": str(data / "squad.train.jsonl")}},
        "mlqa": {"path": "json", "data_files": {"test": str(data / "mlqa.{lang}.test.jsonl")}},
        "mlqa_translate_train": {
            "path": "json",
            "data_files": {"train": str(data / "mlqa-tt.{lang}.train.jsonl")},
        },
        "parallel": {
            "path": "json",
            "data_files": {s: str(data / f"opus.{{pair}}.{s}.jsonl") for s in ("train", "test")},
        },
    }
    return {"root": root, "model": str(root / "model"), "refs": refs}


def test_paper_code_path_runs_on_a_tiny_local_model(local_paper_data, tmp_path):
    config = {
        "recipe": "weam",
        "profile": "paper",
        "system": "mbert+weam",
        "seed": 1,
        "languages": ["de"],
        "model_name_or_path": local_paper_data["model"],
        "hub_datasets": local_paper_data["refs"],
        "aligner": "eflomal" if eflomal_available() else "ibm1",
        "max_parallel_pairs": 160,
        "train_steps": 6,
        "batch_size": 8,
        "warmup_steps": 1,
        "max_length": 32,
        "cls_steps": 6,
        "cls_batch_size": 8,
        "cls_warmup_steps": 1,
        "cls_max_length": 64,
        "qa_steps": 6,
        "qa_batch_size": 4,
        "qa_warmup_steps": 1,
        "qa_max_length": 48,
        "qa_doc_stride": 16,
        "qa_max_query_length": 12,
        "checkpoint_every": 3,
        "max_eval_examples": 40,
        "eval_batch_size": 16,
        "bitext_max_pairs": 50,
        "precision": "fp32",
        "device": "cpu",
        "num_threads": 1,
    }
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, **OFFLINE, "HF_HOME": str(tmp_path / "hf")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reproductions",
            "run",
            "--config",
            str(path),
            "--workdir",
            str(tmp_path / "run"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    metrics, prov = result["metrics"], result["provenance"]
    for name in (
        "xnli/zero-shot/de/accuracy",
        "xnli/translate-train/de/accuracy",
        "mlqa/zero-shot/en/f1",
        "mlqa/zero-shot/de/f1",
        "mlqa/zero-shot/de/em",
        "mlqa/translate-train/de/f1",
        "bitext/de/p@1",
    ):
        assert 0.0 <= metrics[name] <= 1.0, name
    assert metrics["stats/mlqa/de/mean_tokens"] > metrics["stats/xnli/de/mean_tokens"] / 4
    assert "pretrain" not in prov["stages"] and prov["precision_used"] == "fp32"
    assert prov["stages"]["finetune/mlqa/en"]["windows"] >= 80
    loaded = prov["data"]["loaded"]
    assert any(v["path"] == "json" and v["fingerprint"] for v in loaded.values())
    assert "note" not in prov and prov["not_run"] == {}
