"""Pointwise cross-encoder re-ranker: one logit per (query, passage), binary cross-entropy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import (
    AutoModelForSequenceClassification,
    BertForSequenceClassification,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from reproductions.common.collate import pad_batch
from reproductions.common.device import autocast
from reproductions.common.models import tiny_bert_config


def load_ranker(path: str | Path) -> PreTrainedModel:
    """A sequence-classification model with one logit from a local or hub model folder."""
    return AutoModelForSequenceClassification.from_pretrained(str(path), num_labels=1)


def new_tiny_ranker(
    size: str, tokenizer: PreTrainedTokenizerBase, max_length: int
) -> PreTrainedModel:
    """A randomly initialised tiny BERT cross-encoder (the smoke profile's model)."""
    config = tiny_bert_config(
        size, len(tokenizer), max_position_embeddings=max_length, num_labels=1
    )
    return BertForSequenceClassification(config)


def encode_pairs(
    tokenizer: PreTrainedTokenizerBase,
    queries: Sequence[str],
    passages: Sequence[str],
    max_length: int,
) -> list[dict[str, list[int]]]:
    """Tokenise (query, passage) pairs, truncating the longer side first."""
    enc = tokenizer(
        list(queries), list(passages), truncation="longest_first", max_length=max_length
    )
    keys = [k for k in ("input_ids", "token_type_ids", "attention_mask") if k in enc]
    return [{k: enc[k][i] for k in keys} for i in range(len(queries))]


def bce_loss(model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Binary cross-entropy of the single logit against the 0/1 relevance label."""
    inputs = {k: v for k, v in batch.items() if k != "labels"}
    logits = model(**inputs).logits.squeeze(-1)
    return F.binary_cross_entropy_with_logits(logits.float(), batch["labels"].float())


class PairCollator:
    """Dynamic padding of encoded pairs; carries float labels when present."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, features: Sequence[Mapping[str, object]]) -> dict[str, torch.Tensor]:
        """Pad a list of encoded pairs into a batch."""
        return pad_batch(features, pad_token_id=self.pad_token_id)


@torch.inference_mode()
def score_pairs(
    model: torch.nn.Module,
    features: Sequence[Mapping[str, list[int]]],
    pad_token_id: int,
    batch_size: int,
    device: torch.device,
    precision: str,
) -> list[float]:
    """Relevance logits of encoded pairs, batched by similar length to limit padding."""
    model.eval()
    model.to(device)
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    scores = [0.0] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = pad_batch([features[i] for i in idx], pad_token_id=pad_token_id)
        batch = {k: v.to(device) for k, v in batch.items()}
        with autocast(device, precision):
            logits = model(**batch).logits.squeeze(-1).float().cpu().tolist()
        for i, value in zip(idx, logits, strict=True):
            scores[i] = float(value)
    return scores
