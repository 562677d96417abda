"""Rankers initialised from a weam encoder (`encoder_init`), at the smoke profile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import in_fresh_processes

from reproductions import contract
from reproductions.common.events import read_events
from reproductions.common.recipe import ConfigError
from reproductions.weam.export import encoder_key

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
SETTINGS = ["clir/en-de", "mlir/en-xx"]

PLAN_OFFLINE = """
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("network is disabled in this test")

socket.socket.connect = refuse
socket.create_connection = refuse
from reproductions import contract
plans = [contract.plan(raw) for raw in json.loads(sys.argv[1])]
heavy = [m for m in ("torch", "transformers", "datasets", "huggingface_hub") if m in sys.modules]
print(json.dumps({"plans": plans, "imported": heavy}))
"""


def smoke(**extra) -> dict:
    return {"recipe": "codeswitch", "profile": "smoke", "seed": 1, "system": "ml-cs",
            "settings": SETTINGS, **extra}  # fmt: skip


def stages(plan: dict) -> dict[str, dict]:
    return {s["label"]: s for s in plan["stages"]}


def test_plan_shows_the_weam_encoder_instead_of_own_model(tmp_path: Path) -> None:
    raws = [
        smoke(encoder_init="mBERT+WEAM", cache_dir=str(tmp_path / "cache")),
        {"recipe": "codeswitch", "profile": "paper", "system": "ml-cs", "encoder_init": "mbert"},
    ]
    proc = subprocess.run(
        [sys.executable, "-c", PLAN_OFFLINE, json.dumps(raws)],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["imported"] == []
    plan, paper = out["plans"]

    assert plan["config"]["encoder_init"] == "mbert+weam"
    key = encoder_key({"profile": "smoke", "system": "mbert+weam", "seed": 1})
    assert plan["encoder"]["key"] == key and plan["encoder"]["stage"] == "weam/continue"
    labels = stages(plan)
    assert labels["weam/continue"]["key"] == key and labels["weam/continue"]["cached"] is False
    assert {"weam/tokenizer", "weam/pretrain", "weam/align/de"} <= set(labels)
    assert "tokenizer" not in labels and "pretrain/mlm" not in labels  # no own encoder
    for ranker in ("ranker/ml-cs/xx-xx", "ranker/zero-shot/en-en"):
        assert labels[ranker]["upstream"]["encoder"] == key
        assert "weam/continue" in labels[ranker]["depends_on"]
        assert labels[ranker]["params"]["base"] == {"weam": "mbert+weam"}
    assert not (tmp_path / "cache").exists()

    # paper: the ranker becomes the mBERT-based weam encoder, not multilingual MiniLM
    assert paper["config"]["model_name_or_path"] is None
    assert paper["encoder"]["model"].startswith("bert-base-multilingual-cased")
    ranker = stages(paper)["ranker/ml-cs/xx-xx"]
    assert ranker["depends_on"] == ["pairs/ml-cs/xx-xx", "weam/base:bert-base-multilingual-cased"]
    assert "MiniLM" not in json.dumps(paper["stages"])


@pytest.mark.parametrize("system", ["zero-shot", "fine-tuning", "translate-test", "bl-cs"])
def test_every_trained_ranker_starts_from_the_weam_encoder(system: str) -> None:
    plan = contract.plan(smoke(system=system, encoder_init="mbert"))
    rankers = [s for s in plan["stages"] if s["name"] == "ranker"]
    assert rankers
    assert {s["upstream"]["encoder"] for s in rankers} == {plan["encoder"]["key"]}


def stage_keys(plan: dict) -> tuple[str | None, str, str]:
    """The encoder, ml-cs ranker and clir re-rank stage keys of a plan."""
    labels = stages(plan)
    return (
        plan["encoder"].get("key"),
        labels["ranker/ml-cs/xx-xx"]["key"],
        labels["rerank/ml-cs/clir/en-de"]["key"],
    )


def test_levels_seeds_and_weam_fields_give_different_keys() -> None:
    def keys(**extra) -> tuple[str | None, str, str]:
        return stage_keys(contract.plan(smoke(**extra)))

    runs = [
        keys(),
        keys(encoder_init="mbert"),
        keys(encoder_init="mbert+weam"),
        keys(encoder_init="mbert+tlm"),
        keys(encoder_init="mbert+weam", seed=2),
        keys(encoder_init="mbert+weam", encoder_weam={"train_steps": 5}),
    ]
    encoders, rankers, reranks = zip(*runs, strict=True)
    assert encoders[0] is None and len(set(encoders[1:])) == 5
    assert len(set(rankers)) == len(set(reranks)) == 6

    # Workers in other processes share the stage cache: the same config, the same keys there.
    outs = in_fresh_processes(PLAN_OFFLINE, argv=(json.dumps([smoke(encoder_init="mbert+weam")]),))
    assert [stage_keys(json.loads(out)["plans"][0]) for out in outs] == [runs[2]] * 2


def test_unset_fields_keep_existing_run_identity() -> None:
    for raw in (smoke(), smoke(encoder_weam={})):
        _, config = contract.resolve(raw)
        assert config["encoder_init"] is None and config["encoder_weam"] is None
        old = {k: v for k, v in config.items() if k not in ("encoder_init", "encoder_weam")}
        assert contract.config_hash(config) == contract.config_hash(old)


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ({"encoder_init": "bert-large"}, "encoder_init 'bert-large' is not a weam system"),
        ({"encoder_weam": {"train_steps": 5}}, "encoder_weam is only read with encoder_init"),
        ({"encoder_init": "mbert", "model_name_or_path": "x"}, "encoder_init and model_name_or"),
        ({"encoder_init": "mbert", "encoder_weam": {"nonsense": 1}}, "encoder_weam .*nonsense"),
        ({"encoder_init": "mbert", "encoder_weam": {"seed": 3}}, r"encoder_weam may not set \['s"),
        ({"encoder_init": "mbert", "encoder_weam": {"device": "cpu"}}, "encoder_weam may not"),
        ({"encoder_init": "mbert", "encoder_weam": [1]}, "encoder_weam must be a mapping"),
        ({"encoder_init": "mbert", "max_length": 128}, "max_length 128 exceeds .* 64 positions"),
    ],
)
def test_bad_values_name_the_field(extra: dict, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        contract.resolve(smoke(**extra))


def test_smoke_run_starts_from_weam_weights_and_weam_reuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch
    from transformers import AutoTokenizer, BertForMaskedLM

    from reproductions.codeswitch import ranker

    loaded: list[tuple[str, dict[str, torch.Tensor]]] = []
    load_ranker = ranker.load_ranker

    def recording_load(path):
        model = load_ranker(path)
        weights = {
            "embeddings": model.bert.embeddings.word_embeddings.weight,
            "query0": model.bert.encoder.layer[0].attention.self.query.weight,
        }
        loaded.append((str(path), {k: v.detach().clone() for k, v in weights.items()}))
        return model

    monkeypatch.setattr(ranker, "load_ranker", recording_load)
    cache = tmp_path / "cache"
    config = smoke(encoder_init="mbert+weam", cache_dir=str(cache))
    assert contract.run(config, tmp_path / "run") == 0, (tmp_path / "run" / "error.txt").read_text()

    result = json.loads((tmp_path / "run" / "result.json").read_text())
    metrics = result["metrics"]
    for name in ("clir/en-de/mrr@10", "mlir/en-xx/mrr@10", "clir/avg/mrr@10", "mlir/avg/mrr@10"):
        assert 0.0 <= metrics[name] <= 1.0
    details = result["provenance"]["recipe_details"]
    key = encoder_key({"profile": "smoke", "system": "mbert+weam", "seed": 1})
    assert details["encoder"]["key"] == key and details["stages"]["weam/continue"] == key

    weam_dir = cache / "continue" / key[:24]
    starts = [weights for path, weights in loaded if path == str(weam_dir)]
    assert len(starts) == 2  # the ml-cs ranker and the zero-shot ranker it is compared with
    encoder = BertForMaskedLM.from_pretrained(weam_dir).bert
    for weights in starts:
        assert torch.equal(weights["embeddings"], encoder.embeddings.word_embeddings.weight)
        assert torch.equal(weights["query0"], encoder.encoder.layer[0].attention.self.query.weight)
    ranker_dir = cache / "ranker" / details["stages"]["ranker/ml-cs/xx-xx"][:24]
    vocab = AutoTokenizer.from_pretrained(ranker_dir).get_vocab()
    assert vocab == AutoTokenizer.from_pretrained(weam_dir).get_vocab()

    weam = {"recipe": "weam", "profile": "smoke", "seed": 1, "system": "mbert+weam",
            "tasks": ["bitext"], "cache_dir": str(cache)}  # fmt: skip
    assert contract.run(weam, tmp_path / "weam") == 0, (tmp_path / "weam" / "error.txt").read_text()
    messages = [e.get("message") for e in read_events(tmp_path / "weam" / "events.jsonl")]
    assert "stage continue: cache hit" in messages and "stage continue: built" not in messages
    assert "stage eval/base-mlm: cache hit" in messages
    # the same base-model numbers, read from the same weam stage
    weam_metrics = json.loads((tmp_path / "weam" / "result.json").read_text())["metrics"]
    base = {k: v for k, v in metrics.items() if "base/" in k}
    assert len(base) == 18 and base == {k: weam_metrics[k] for k in base}
    assert details["stages"]["weam/eval/base-mlm"]
