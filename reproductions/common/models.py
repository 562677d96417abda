"""Tiny BERT configurations built in code (no download), sized per profile."""

from __future__ import annotations

from typing import Any

from transformers import BertConfig

SIZES: dict[str, dict[str, int]] = {
    "smoke": {
        "num_hidden_layers": 2,
        "hidden_size": 64,
        "num_attention_heads": 2,
        "intermediate_size": 128,
    },
    "mini": {
        "num_hidden_layers": 4,
        "hidden_size": 256,
        "num_attention_heads": 4,
        "intermediate_size": 1024,
    },
}
"""Architecture per profile: smoke is for tests (seconds), mini for CPU experiments (minutes)."""


def tiny_bert_config(
    size: str, vocab_size: int, max_position_embeddings: int = 512, **overrides: Any
) -> BertConfig:
    """A `BertConfig` of the named size for a tokenizer with `vocab_size` entries."""
    if size not in SIZES:
        raise ValueError(f"unknown model size {size!r}; choose one of {sorted(SIZES)}")
    fields: dict[str, Any] = {
        **SIZES[size],
        "vocab_size": vocab_size,
        "max_position_embeddings": max_position_embeddings,
        "type_vocab_size": 2,
        "pad_token_id": 0,
        **overrides,
    }
    return BertConfig(**fields)
