"""Running a BERT encoder layer by layer, so states can be changed between layers."""

from __future__ import annotations

from collections.abc import Mapping

import torch
from transformers import BertModel
from transformers.masking_utils import create_bidirectional_mask


def embed(bert: BertModel, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Input embeddings (word + position + segment, LayerNorm, dropout)."""
    return bert.embeddings(
        input_ids=batch["input_ids"],
        token_type_ids=batch.get("token_type_ids"),
        position_ids=batch.get("position_ids"),
    )


def layer_mask(
    bert: BertModel, attention_mask: torch.Tensor, hidden: torch.Tensor
) -> torch.Tensor | None:
    """The attention mask in the form the model's attention implementation wants."""
    return create_bidirectional_mask(
        config=bert.config, inputs_embeds=hidden, attention_mask=attention_mask
    )


def run_layers(
    bert: BertModel, hidden: torch.Tensor, mask: torch.Tensor | None, start: int, stop: int
) -> torch.Tensor:
    """Apply encoder layers start..stop-1 to `hidden`."""
    for layer in bert.encoder.layer[start:stop]:
        hidden = layer(hidden, mask)
    return hidden


def num_layers(bert: BertModel) -> int:
    """Number of transformer layers."""
    return len(bert.encoder.layer)
