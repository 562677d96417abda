"""Bitext retrieval: P@1 of finding each held-out sentence's translation by mean-pooled states."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from transformers import PreTrainedTokenizerBase

from reproductions.common.collate import pad_batch


@torch.no_grad()
def sentence_embeddings(
    bert: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    *,
    layer: int = -1,
    max_length: int = 128,
    batch_size: int = 64,
    device: torch.device,
) -> torch.Tensor:
    """(N, hidden) mean of hidden layer `layer` over each text's non-special tokens."""
    bert.to(device).eval()
    enc = tokenizer(list(texts), truncation=True, max_length=max_length)
    features = [{"input_ids": ids, "attention_mask": [1] * len(ids)} for ids in enc["input_ids"]]
    special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    out: list[torch.Tensor | None] = [None] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = pad_batch([features[i] for i in idx], pad_token_id=tokenizer.pad_token_id or 0)
        keep = (batch["attention_mask"] == 1) & ~torch.isin(batch["input_ids"], special)
        # A text that is only special tokens (empty) falls back to all its tokens.
        keep = torch.where(keep.any(1, keepdim=True), keep, batch["attention_mask"] == 1)
        states = bert(
            **{k: v.to(device) for k, v in batch.items()}, output_hidden_states=True
        ).hidden_states[layer]
        weights = keep.to(device).unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1)
        for i, row in zip(idx, pooled.float().cpu(), strict=True):
            out[i] = row
    return torch.stack([t for t in out if t is not None])


def precision_at_1(queries: torch.Tensor, candidates: torch.Tensor) -> float:
    """Share of rows i whose most cosine-similar candidate is candidate i."""
    sims = F.normalize(queries, dim=-1) @ F.normalize(candidates, dim=-1).T
    hits = sims.argmax(-1) == torch.arange(len(queries))
    return float(hits.float().mean())


def bitext_p_at_1(
    bert: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    pairs: Sequence[tuple[str, str]],
    *,
    layer: int,
    max_length: int,
    batch_size: int,
    device: torch.device,
) -> tuple[float, float]:
    """(en->xx, xx->en) P@1 over the given held-out pairs."""
    en = sentence_embeddings(
        bert,
        tokenizer,
        [p[0] for p in pairs],
        layer=layer,
        max_length=max_length,
        batch_size=batch_size,
        device=device,
    )
    xx = sentence_embeddings(
        bert,
        tokenizer,
        [p[1] for p in pairs],
        layer=layer,
        max_length=max_length,
        batch_size=batch_size,
        device=device,
    )
    return precision_at_1(en, xx), precision_at_1(xx, en)
