"""Masked language modelling: BERT masking, and a loss running the head on masked tokens only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from transformers import BertForMaskedLM, PreTrainedTokenizerBase

from reproductions.common.collate import IGNORE_INDEX, pad_batch


def mask_tokens(
    input_ids: torch.Tensor,
    maskable: torch.Tensor,
    mask_prob: float,
    mask_token_id: int,
    vocab_size: int,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pick `mask_prob` of maskable positions; of those 80% [MASK], 10% random, 10% kept.

    Returns (masked input ids, labels with -100 on unpicked positions). Draws from `generator`,
    else torch's global RNG, which checkpoints save and restore.
    """
    shape, g = input_ids.shape, generator
    labels = input_ids.clone()
    picked = (torch.rand(shape, generator=g) < mask_prob) & maskable
    labels[~picked] = IGNORE_INDEX
    masked = input_ids.clone()
    to_mask = picked & (torch.rand(shape, generator=g) < 0.8)
    masked[to_mask] = mask_token_id
    to_random = picked & ~to_mask & (torch.rand(shape, generator=g) < 0.5)
    masked[to_random] = torch.randint(vocab_size, shape, generator=g)[to_random]
    return masked, labels


class MLMCollator:
    """Pads tokenised examples and masks them for MLM."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase, mask_prob: float = 0.15) -> None:
        self.tokenizer = tokenizer
        self.mask_prob = mask_prob
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        """Batch of {input_ids, attention_mask, token_type_ids?} -> masked batch with labels."""
        batch = pad_batch(features, pad_token_id=self.tokenizer.pad_token_id or 0)
        maskable = ~torch.isin(batch["input_ids"], self.special)
        batch["input_ids"], batch["labels"] = mask_tokens(
            batch["input_ids"],
            maskable,
            self.mask_prob,
            self.tokenizer.mask_token_id,
            len(self.tokenizer),
        )
        return batch


def masked_lm_loss(model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy over masked positions, with the LM head applied to those positions only."""
    assert isinstance(model, BertForMaskedLM)
    inputs = {k: v for k, v in batch.items() if k != "labels"}
    hidden = model.bert(**inputs).last_hidden_state
    labels = batch["labels"]
    picked = labels != IGNORE_INDEX
    if not bool(picked.any()):
        # No position was masked in this batch: a zero loss that still touches the graph.
        return hidden.sum() * 0.0
    logits = model.cls(hidden[picked])
    return F.cross_entropy(logits.float(), labels[picked])
