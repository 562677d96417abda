"""The paper profile: plan without network, the same code path on a tiny local model and data."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reproductions import contract
from reproductions.codeswitch.induce import induce_lexicon
from reproductions.codeswitch.mmarco import group_triples, qrels_from_rows, ranked_lists
from reproductions.codeswitch.synthetic import make_synthetic, write_synthetic
from reproductions.common.lexicon import load_lexicon
from reproductions.common.models import tiny_bert_config
from reproductions.common.tokenizer import TokenizerConfig, save_tokenizer, train_wordpiece

ROOT = Path(__file__).resolve().parents[1]
PAPER = {"recipe": "codeswitch", "profile": "paper", "seed": 2, "system": "BL-CS"}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_plan_prints_resolved_paper_config_and_stage_graph(tmp_path: Path) -> None:
    config = tmp_path / "run.json"
    config.write_text(json.dumps(PAPER))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "reproductions", "plan", "--config", str(config)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    cfg = plan["config"]
    assert cfg["system"] == "bl-cs"
    assert cfg["model_name_or_path"] == "nreimers/mMiniLMv2-L6-H384-distilled-from-XLMR-Large"
    assert (cfg["learning_rate"], cfg["batch_size"], cfg["max_length"]) == (2e-5, 64, 512)
    assert (cfg["train_steps"], cfg["warmup_steps"], cfg["weight_decay"]) == (200_000, 5000, 0.01)
    assert cfg["precision"] == "fp16" and cfg["eval_depth"] == 1000
    labels = {s["label"]: s for s in plan["stages"]}
    assert "data/mmarco" in labels and "lexicon/en-de" in labels
    assert labels["ranker/bl-cs/en-de"]["depends_on"] == ["pairs/bl-cs/en-de"]
    assert "lexicon/en-de" in labels["pairs/bl-cs/en-de"]["depends_on"]
    assert any(url.startswith("hf://datasets/unicamp-dl/mmarco") for url in
               labels["data/mmarco"]["params"]["files"].values())  # fmt: skip
    assert not (tmp_path / "cache").exists()


def test_plan_touches_no_network_and_no_datasets(no_network) -> None:
    plan = contract.plan({**PAPER, "settings": ["clir/en-de", "mlir/en-xx"]})
    assert [s for s in plan["stages"] if s["name"] == "rerank"]
    assert "datasets" not in sys.modules


def _tiny_local_model(path: Path, texts: list[str]) -> Path:
    from transformers import BertForSequenceClassification

    tok = train_wordpiece(texts, TokenizerConfig(vocab_size=800, max_length=64))
    model = BertForSequenceClassification(tiny_bert_config("smoke", len(tok), 64, num_labels=1))
    model.save_pretrained(path)
    save_tokenizer(tok, path)
    return path


def test_paper_code_path_on_tiny_local_model(tmp_path: Path, no_network) -> None:
    data_dir = write_synthetic(tmp_path / "data")
    data, _ = make_synthetic()
    texts = [t for side in (data.train_docs, data.train_queries) for d in side.values()
             for t in d.values()]  # fmt: skip
    model_dir = _tiny_local_model(tmp_path / "model", texts)
    config = {
        **PAPER, "system": "ml-cs",
        "model_name_or_path": str(model_dir), "data_source": "dir", "data_dir": str(data_dir),
        "languages": ["en", "de", "fr"], "settings": ["clir/en-de", "mlir/en-xx"],
        "train_steps": 4, "batch_size": 4, "warmup_steps": 1, "max_length": 64,
        "checkpoint_every": 2, "eval_depth": 8, "eval_batch_size": 16, "num_threads": 1,
        "cache_dir": str(tmp_path / "cache"),
    }  # fmt: skip
    assert contract.run(config, tmp_path / "run") == 0, (tmp_path / "run" / "error.txt").read_text()
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert 0 <= result["metrics"]["clir/en-de/mrr@10"] <= 1
    details = result["provenance"]["recipe_details"]
    assert details["precision_effective"] == "fp32"  # fp16 asked, CPU has none
    assert result["provenance"]["config"]["learning_rate"] == 2e-5


def test_mmarco_rows_convert_to_triples_runs_and_qrels() -> None:
    rows = [("q1", "p1", f"n{i}") for i in range(6)] + [("q2", "p2", "n9"), ("q3", "p3", "n1")]
    assert group_triples(rows, negatives=4, max_queries=2) == [
        ("q1", ["p1"], ["n0", "n1", "n2", "n3"]),
        ("q2", ["p2"], ["n9"]),
    ]
    run = [("q1", "d2", 2), ("q1", "d1", 1), ("q1", "d3", 3), ("q2", "d7", 1)]
    assert ranked_lists(run, depth=2) == {"q1": ["d1", "d2"], "q2": ["d7"]}
    assert qrels_from_rows([("q1", "0", "d1", "1")]) == {"q1": {"d1": 1}}


def test_lexicon_induced_from_aligned_embeddings(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(4, 5))

    def vec(path: Path, words: list[str], rows: np.ndarray) -> Path:
        lines = [f"{len(words)} 5"] + [
            w + " " + " ".join(f"{x:.5f}" for x in r) for w, r in zip(words, rows, strict=True)
        ]
        path.write_text("\n".join(lines) + "\n")
        return path

    en = vec(tmp_path / "en.vec", ["cat", "dog", "house", "tree"], base)
    de = vec(tmp_path / "de.vec", ["baum", "haus", "hund", "katze"], base[::-1] + 0.01)
    n = induce_lexicon(en, de, ["Cat", "dog", "tree", "unknown"], tmp_path / "en-de.txt")
    assert n == 3
    lex = load_lexicon(tmp_path / "en-de.txt", "en", "de")
    assert lex.entries == {"cat": ["katze"], "dog": ["hund"], "tree": ["baum"]}
