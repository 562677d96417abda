"""Training loop: determinism, exact resume from checkpoints, optimizer groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from reproductions.common.checkpoint import latest_checkpoint
from reproductions.common.collate import pad_batch
from reproductions.common.mlm import MLMCollator, mask_tokens, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.seed import set_seed
from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece
from reproductions.common.train import TrainConfig, batch_indices, param_groups, train

CPU = torch.device("cpu")


def _problem(seed: int = 0):
    set_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.2), torch.nn.Linear(8, 1))
    gen = torch.Generator().manual_seed(0)
    xs = torch.randn(64, 4, generator=gen)
    examples = [{"x": x.tolist(), "y": float(x.sum() > 0)} for x in xs]

    def collate(batch):
        return {
            "x": torch.tensor([b["x"] for b in batch]),
            "y": torch.tensor([b["y"] for b in batch]),
        }

    def loss_fn(m, batch):
        logits = m(batch["x"]).squeeze(-1)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, batch["y"])

    return model, examples, collate, loss_fn


CFG = TrainConfig(
    max_steps=20, batch_size=8, learning_rate=1e-2, warmup_steps=3, checkpoint_every=5
)


def test_same_seed_same_weights() -> None:
    weights = []
    for _ in range(2):
        model, examples, collate, loss_fn = _problem()
        train(model, examples, collate, loss_fn, CFG, seed=3, device=CPU)
        weights.append(torch.cat([p.flatten() for p in model.parameters()]))
    assert torch.equal(weights[0], weights[1])


def test_resume_after_crash_reaches_same_final_weights(tmp_path: Path) -> None:
    model, examples, collate, loss_fn = _problem()
    reference = train(model, examples, collate, loss_fn, CFG, seed=3, device=CPU)
    expected = torch.cat([p.flatten() for p in model.parameters()])

    calls = {"n": 0}

    def crashing(m, batch):
        calls["n"] += 1
        if calls["n"] == 13:  # after the step-10 checkpoint
            raise KeyboardInterrupt("simulated kill")
        return loss_fn(m, batch)

    model, examples, collate, _ = _problem()
    with pytest.raises(KeyboardInterrupt):
        train(model, examples, collate, crashing, CFG, seed=3, device=CPU, checkpoint_dir=tmp_path)
    assert latest_checkpoint(tmp_path).name == "step-00000010"

    model, examples, collate, _ = _problem(seed=99)  # fresh process: different init, RNG
    result = train(
        model, examples, collate, loss_fn, CFG, seed=3, device=CPU, checkpoint_dir=tmp_path
    )
    assert (result.resumed_from, result.steps) == (10, reference.steps)
    assert torch.equal(torch.cat([p.flatten() for p in model.parameters()]), expected)


def test_batches_are_a_function_of_seed_and_step() -> None:
    assert batch_indices(10, 4, 1, 0) == batch_indices(10, 4, 1, 0)
    epoch = [i for s in range(2) for i in batch_indices(10, 5, 1, s)]
    assert sorted(epoch) == list(range(10))
    assert batch_indices(10, 5, 1, 2) != batch_indices(10, 5, 2, 2)


def test_length_grouped_batches_cover_the_epoch_with_less_padding() -> None:
    rng = np.random.default_rng(0)
    lengths = tuple(int(n) for n in rng.integers(5, 129, size=1000))
    grouped = [batch_indices(1000, 32, 7, s, lengths) for s in range(31)]
    plain = [batch_indices(1000, 32, 7, s) for s in range(31)]
    # One epoch: 31 full batches, every example at most once, 992 of 1000 seen.
    seen = [i for b in grouped for i in b]
    assert len(seen) == len(set(seen)) == 992 and all(len(b) == 32 for b in grouped)
    assert grouped == [batch_indices(1000, 32, 7, s, lengths) for s in range(31)]
    assert batch_indices(1000, 32, 7, 31, lengths) != grouped[0]  # the next epoch is redrawn

    def padded(batches):
        return sum(max(lengths[i] for i in b) * len(b) for b in batches)

    real = sum(lengths[i] for i in seen)
    assert padded(grouped) < 1.1 * real < 1.5 * real < padded(plain)
    # Shuffled batches, not a sweep from short to long.
    first = [max(lengths[i] for i in b) for b in grouped[:10]]
    assert first != sorted(first)


def test_length_grouping_is_in_the_stage_key_only_when_on() -> None:
    assert "group_by_length" not in TrainConfig().to_dict()
    assert TrainConfig(group_by_length=True).to_dict()["group_by_length"] is True


def test_no_weight_decay_on_bias_and_layernorm() -> None:
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification(tiny_bert_config("smoke", 100, num_labels=1))
    decay, no_decay = param_groups(model, 0.01)
    names = {id(p): n for n, p in model.named_parameters()}
    assert no_decay["weight_decay"] == 0.0 and decay["weight_decay"] == 0.01
    assert all("bias" in names[id(p)] or "LayerNorm" in names[id(p)] for p in no_decay["params"])
    assert not any("LayerNorm" in names[id(p)] for p in decay["params"])


def test_tiny_configs() -> None:
    smoke, mini = tiny_bert_config("smoke", 500), tiny_bert_config("mini", 500)
    assert (smoke.num_hidden_layers, smoke.hidden_size) == (2, 64)
    assert (mini.num_hidden_layers, mini.hidden_size) == (4, 256)
    with pytest.raises(ValueError):
        tiny_bert_config("huge", 500)


def test_dynamic_padding() -> None:
    batch = pad_batch(
        [{"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1], "labels": 1.0},
         {"input_ids": [5], "attention_mask": [1], "labels": 0.0}],
        pad_token_id=0,
    )  # fmt: skip
    assert batch["input_ids"].tolist() == [[5, 6, 7], [5, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [1.0, 0.0]


def test_mask_rate_and_mlm_loss_on_masked_positions() -> None:
    set_seed(0)
    ids = torch.randint(5, 100, (64, 64))
    masked, labels = mask_tokens(ids, torch.ones_like(ids, dtype=torch.bool), 0.3, 4, 100)
    rate = float((labels != -100).float().mean())
    assert rate == pytest.approx(0.3, abs=0.02)
    assert float((masked[labels != -100] == 4).float().mean()) == pytest.approx(0.8, abs=0.04)

    tok = train_wordpiece(["the cat sat on the mat", "der Hund lief"] * 20, TokenizerConfig(200))
    from transformers import BertForMaskedLM

    model = BertForMaskedLM(tiny_bert_config("smoke", len(tok)))
    feats = [dict(tok("the cat sat on the mat")) for _ in range(4)]
    batch = MLMCollator(tok, 0.5)(feats)
    assert torch.isfinite(masked_lm_loss(model, batch))
