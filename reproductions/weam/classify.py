"""Sentence(-pair) classification: fine-tune an encoder, then measure accuracy per language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from transformers import PreTrainedTokenizerBase

from reproductions.common.collate import pad_batch
from reproductions.common.metrics import accuracy
from reproductions.weam.data import ClsExample


def cls_features(
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[ClsExample],
    labels: Sequence[str],
    max_length: int,
) -> list[dict[str, Any]]:
    """Tokenised inputs (text, or text pair truncated longest-first) with label ids."""
    label_id = {name: i for i, name in enumerate(labels)}
    texts = [e.text for e in examples]
    pairs = [e.pair for e in examples]
    if any(p is not None for p in pairs):
        enc = tokenizer(texts, [p or "" for p in pairs], truncation=True, max_length=max_length)
    else:
        enc = tokenizer(texts, truncation=True, max_length=max_length)
    keys = [k for k in ("input_ids", "token_type_ids", "attention_mask") if k in enc]
    return [
        {**{k: enc[k][i] for k in keys}, "labels": label_id.get(e.label, -1)}
        for i, e in enumerate(examples)
    ]


class ClassificationCollator:
    """Dynamic padding of classification features."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        """Pad to the batch's longest input."""
        return pad_batch(features, pad_token_id=self.pad_token_id)


def classification_loss(model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy of the classifier's logits."""
    inputs = {k: v for k, v in batch.items() if k != "labels"}
    logits = model(**inputs).logits
    return F.cross_entropy(logits.float(), batch["labels"])


@torch.no_grad()
def predict(
    model: torch.nn.Module,
    features: Sequence[Mapping[str, Any]],
    pad_token_id: int,
    batch_size: int,
    device: torch.device,
) -> list[int]:
    """Predicted label ids, batching inputs of similar length together."""
    model.to(device).eval()
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    preds = [0] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = pad_batch([features[i] for i in idx], pad_token_id=pad_token_id)
        batch.pop("labels", None)
        logits = model(**{k: v.to(device) for k, v in batch.items()}).logits
        for i, p in zip(idx, logits.argmax(-1).tolist(), strict=True):
            preds[i] = p
    return preds


def evaluate_accuracy(
    model: torch.nn.Module,
    features: Sequence[Mapping[str, Any]],
    pad_token_id: int,
    batch_size: int,
    device: torch.device,
) -> tuple[float, int]:
    """Accuracy over labelled features (an unseen label counts as wrong), classes predicted."""
    preds = predict(model, features, pad_token_id, batch_size, device)
    return accuracy(preds, [f["labels"] for f in features]), len(set(preds))
