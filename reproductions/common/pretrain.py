"""MLM pre-training of a tiny BERT from scratch (the mini profile's multilingual encoder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import BertForMaskedLM, PreTrainedTokenizerBase

from reproductions.common.batching import GroupCollator, length_grouped
from reproductions.common.events import EventWriter
from reproductions.common.mlm import MLMCollator, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.seed import set_seed
from reproductions.common.train import TrainConfig, TrainResult, train


@dataclass
class Pretrained:
    """What one MLM pre-training reports."""

    train: TrainResult
    sentences: int
    """Texts kept (more than 3 tokens after truncation)."""
    batches: int | None
    """Length-grouped batches (None when the loop drew random batches)."""


def tokenize_texts(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int
) -> list[dict[str, list[int]]]:
    """Tokenise single texts (truncated) into features for MLMCollator."""
    enc = tokenizer(list(texts), truncation=True, max_length=max_length)
    keys = [k for k in ("input_ids", "token_type_ids", "attention_mask") if k in enc]
    return [{k: enc[k][i] for k in keys} for i in range(len(texts))]


def pretrain_mlm(
    texts: Sequence[str],
    tokenizer: PreTrainedTokenizerBase,
    size: str,
    config: TrainConfig,
    *,
    out_dir: str | Path,
    seed: int,
    device: torch.device,
    max_length: int = 128,
    mask_prob: float = 0.15,
    group_batch_size: int | None = None,
    checkpoint_dir: str | Path | None = None,
    events: EventWriter | None = None,
    stage: str = "pretrain",
) -> Pretrained:
    """Pre-train a `size` BERT with MLM on `texts`; save model and tokenizer to `out_dir`.

    With `group_batch_size` the texts are cut into fixed length-grouped batches of that many
    (weam; `config.batch_size` is then 1 batch per step), else the loop draws random batches.
    """
    features = [f for f in tokenize_texts(tokenizer, texts, max_length) if len(f["input_ids"]) > 3]
    collate: object = MLMCollator(tokenizer, mask_prob)
    examples: list = features
    batches = None
    if group_batch_size is not None:
        examples = length_grouped(features, group_batch_size, seed, lambda f: len(f["input_ids"]))
        collate, batches = GroupCollator(collate), len(examples)  # type: ignore[arg-type]
    set_seed(seed)
    model_config = tiny_bert_config(size, len(tokenizer), max_position_embeddings=max_length)
    model = BertForMaskedLM(model_config)
    result = train(
        model,
        examples,
        collate,  # type: ignore[arg-type]
        masked_lm_loss,
        config,
        seed=seed,
        device=device,
        checkpoint_dir=checkpoint_dir,
        events=events,
        stage=stage,
    )
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return Pretrained(train=result, sentences=len(features), batches=batches)
