"""The WEAM loss and its batches: exchange, gradients, empty alignments, masking rates."""

from __future__ import annotations

import copy

import pytest
import torch
from transformers import BertForMaskedLM

from reproductions.common.mlm import masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece
from reproductions.weam.collators import (
    LinkPoolingCollator,
    PairMaskingCollator,
    TLMCollator,
    swap_matrix,
)
from reproductions.weam.losses import CaoAlignLoss, WeamLoss, exchange, tlm_loss
from reproductions.weam.pairs import pair_features

EN = ["the red house is big", "a small dog runs fast", "the cat sleeps on the warm mat"]
DE = ["das rote haus ist gross", "ein kleiner hund rennt schnell", "die katze schlaeft warm"]


@pytest.fixture(scope="module")
def tokenizer():
    """A tiny WordPiece vocabulary over the test sentences."""
    return train_wordpiece(EN + DE, TokenizerConfig(vocab_size=120, min_frequency=1))


@pytest.fixture(scope="module")
def model(tokenizer):
    """A 2-layer BERT in eval mode (no dropout, so two passes agree exactly)."""
    torch.manual_seed(0)
    return BertForMaskedLM(tiny_bert_config("smoke", len(tokenizer), 64)).eval()


def _features(tokenizer, links=None):
    pairs = list(zip(EN, DE, strict=True))
    alignments = links if links is not None else [[(i, i) for i in range(4)] for _ in pairs]
    return pair_features(tokenizer, pairs, 32, "word", alignments)


def test_empty_alignment_is_plain_mlm(tokenizer, model):
    torch.manual_seed(1)
    batch = PairMaskingCollator(tokenizer, 0.3)(_features(tokenizer, [[], [], []]))
    assert batch["labels"].ne(-100).any()
    assert not batch["swap"].any()
    plain = masked_lm_loss(model, {k: v for k, v in batch.items() if k != "swap"})
    for swap_layer in (None, 1, 0):
        parts = WeamLoss(1.0, swap_layer=swap_layer).parts(model, batch)
        # Nothing is exchanged: the cross-lingual prediction is the MLM prediction.
        assert torch.allclose(parts["mlm"], plain, atol=1e-6)
        assert torch.allclose(parts["xl"], plain, atol=1e-6)
        assert torch.allclose(parts["loss"], 2 * plain, atol=1e-5)
    swapped_only = WeamLoss(1.0, xl_positions="swapped").parts(model, batch)
    assert torch.allclose(swapped_only["loss"], plain, atol=1e-6)
    assert WeamLoss(0.0).parts(model, batch)["loss"].item() == pytest.approx(plain.item())


def test_exchange_swaps_exactly_the_aligned_positions():
    # en: [CLS] w0 w1a w1b w2 [SEP]  (word 1 has two subwords);  xx: [CLS] v0 v1 v2 [SEP]
    feature = {
        "en_ids": [0] * 6,
        "xx_ids": [0] * 5,
        "en_units": [-1, 0, 1, 1, 2, -1],
        "xx_units": [-1, 0, 1, 2, -1],
        "links": [(1, 2), (2, 0), (2, 1)],
    }
    swap = swap_matrix([feature], 6)
    hidden = torch.randn(2, 6, 4)
    out, aligned = exchange(hidden, swap)
    en, xx = hidden[0], hidden[1]
    assert aligned[0].tolist() == [False, False, True, True, True, False]
    assert aligned[1].tolist() == [False, True, True, True, False, False]
    # Every subword of en word 1 takes xx word 2; en word 2 takes the mean of xx words 0 and 1.
    assert torch.allclose(out[0, 2], xx[3]) and torch.allclose(out[0, 3], xx[3])
    assert torch.allclose(out[0, 4], (xx[1] + xx[2]) / 2)
    # xx word 2 takes the mean of en word 1's subwords; xx words 0 and 1 take en word 2.
    assert torch.allclose(out[1, 3], (en[2] + en[3]) / 2)
    assert torch.allclose(out[1, 1], en[4]) and torch.allclose(out[1, 2], en[4])
    # Nothing else moved (special tokens, unaligned word 0, padding).
    assert torch.equal(out[0, [0, 1, 5]], hidden[0, [0, 1, 5]])
    assert torch.equal(out[1, [0, 4, 5]], hidden[1, [0, 4, 5]])


def _only_english_masked(tokenizer, batch, features):
    """Labels on the first aligned English token of each pair only, inputs masked there."""
    labels = torch.full_like(batch["labels"], -100)
    inputs = batch["input_ids"].clone()
    for b, f in enumerate(features):
        t = f["en_units"].index(0)
        labels[b, t] = f["en_ids"][t]
        inputs[b, t] = tokenizer.mask_token_id
    return {**batch, "labels": labels, "input_ids": inputs}


@pytest.mark.parametrize("swap_layer", [None, 1])
def test_cross_lingual_gradient_reaches_the_other_sentence(tokenizer, model, swap_layer):
    features = _features(tokenizer, [[(0, 1)], [(0, 1)], [(0, 1)]])
    batch = PairMaskingCollator(tokenizer, 0.3)(features)
    batch = _only_english_masked(tokenizer, batch, features)
    layer = len(model.bert.encoder.layer) - 1 if swap_layer is None else swap_layer - 1
    captured = {}

    def keep(_module, _inputs, output):
        output.retain_grad()
        captured["states"] = output

    handle = model.bert.encoder.layer[layer].register_forward_hook(keep)
    try:
        parts = WeamLoss(1.0, swap_layer=swap_layer, xl_positions="swapped").parts(model, batch)
        model.zero_grad()
        parts["xl"].backward(retain_graph=True)
        xl_grad = captured["states"].grad.clone()
        captured["states"].grad = None
        parts["mlm"].backward()
        mlm_grad = captured["states"].grad
    finally:
        handle.remove()
    n = len(features)
    xx_grad = xl_grad[n:].abs().sum(-1)  # (pairs, positions) of the other-language sentences
    for b, f in enumerate(features):
        aligned_xx = [t for t, u in enumerate(f["xx_units"]) if u == 1]
        assert all(xx_grad[b, t] > 0 for t in aligned_xx)
        if swap_layer is None:
            # After the last layer only the exchanged states feed the English prediction.
            others = [t for t in range(xx_grad.shape[1]) if t not in aligned_xx]
            assert torch.all(xx_grad[b, others] == 0)
    # Only English tokens are masked: MLM alone sends nothing to the other sentences.
    assert torch.all(mlm_grad[n:] == 0)


def test_measured_mask_rate_matches_the_setting(tokenizer):
    pairs = [(e, d) for e, d in zip(EN, DE, strict=True)] * 400
    features = pair_features(tokenizer, pairs, 32)
    special = set(tokenizer.all_special_ids)
    for p in (0.15, 0.3):
        torch.manual_seed(0)
        for collate in (
            PairMaskingCollator(tokenizer, p, with_swap=False),
            TLMCollator(tokenizer, p),
        ):
            batch = collate(features)
            maskable = batch["attention_mask"].bool()
            original = torch.where(batch["labels"] != -100, batch["labels"], batch["input_ids"])
            for sid in special:
                maskable &= original != sid
            picked = batch["labels"] != -100
            assert not (picked & ~maskable).any()
            rate = picked.sum().item() / maskable.sum().item()
            assert rate == pytest.approx(p, abs=0.01)
            as_mask = (batch["input_ids"] == tokenizer.mask_token_id) & picked
            assert as_mask.sum().item() / picked.sum().item() == pytest.approx(0.8, abs=0.02)


def test_tlm_batch_concatenates_with_restarted_positions(tokenizer, model):
    features = _features(tokenizer)
    torch.manual_seed(0)
    batch = TLMCollator(tokenizer, 0.3)(features)
    f = features[0]
    n, m = len(f["en_ids"]), len(f["xx_ids"]) - 1
    assert batch["token_type_ids"][0, : n + m].tolist() == [0] * n + [1] * m
    assert batch["position_ids"][0, : n + m].tolist() == list(range(n)) + list(range(1, m + 1))
    assert torch.isfinite(tlm_loss(model, batch))


def test_cao_loss_is_zero_for_a_model_at_its_frozen_copy_on_identical_sides(tokenizer, model):
    pairs = [(e, e) for e in EN]
    links = [[(i, i) for i in range(5)] for _ in pairs]
    batch = LinkPoolingCollator(tokenizer)(pair_features(tokenizer, pairs, 32, "word", links))
    parts = CaoAlignLoss(copy.deepcopy(model.bert)).parts(model, batch)
    assert parts["align"].item() == pytest.approx(0.0, abs=1e-8)
    assert parts["reg"].item() == pytest.approx(0.0, abs=1e-8)
    other = [(e, d) for e, d in zip(EN, DE, strict=True)]
    batch = LinkPoolingCollator(tokenizer)(pair_features(tokenizer, other, 32, "word", links))
    assert CaoAlignLoss(copy.deepcopy(model.bert)).parts(model, batch)["align"].item() > 0
