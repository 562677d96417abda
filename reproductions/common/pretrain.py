"""MLM pre-training of a tiny BERT from scratch (the mini profile's multilingual encoder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import BertForMaskedLM, PreTrainedTokenizerBase

from reproductions.common.events import EventWriter
from reproductions.common.mlm import MLMCollator, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.seed import set_seed
from reproductions.common.train import TrainConfig, TrainResult, train


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
    checkpoint_dir: str | Path | None = None,
    events: EventWriter | None = None,
    stage: str = "pretrain",
) -> TrainResult:
    """Pre-train a `size` BERT with MLM on `texts`; save model and tokenizer to `out_dir`."""
    set_seed(seed)
    model_config = tiny_bert_config(size, len(tokenizer), max_position_embeddings=max_length)
    model = BertForMaskedLM(model_config)
    features = tokenize_texts(tokenizer, texts, max_length)
    features = [f for f in features if len(f["input_ids"]) > 3]
    result = train(
        model,
        features,
        MLMCollator(tokenizer, mask_prob),
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
    return result
