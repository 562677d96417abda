"""Dynamic padding: pad each batch only to its own longest sequence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

IGNORE_INDEX = -100
"""Label value the loss skips (token-level labels are padded with it)."""


def pad_batch(
    features: Sequence[Mapping[str, Any]],
    pad_token_id: int = 0,
    pad_to_multiple_of: int | None = None,
) -> dict[str, torch.Tensor]:
    """Stack a list of examples into tensors, right-padding list fields to the batch maximum.

    `input_ids` are padded with `pad_token_id`, `labels` given as lists with -100, every other list
    field (attention_mask, token_type_ids, ...) with 0. Scalar fields become 1-D tensors.
    """
    if not features:
        raise ValueError("cannot collate an empty batch")
    batch: dict[str, torch.Tensor] = {}
    for key in features[0]:
        values = [f[key] for f in features]
        if isinstance(values[0], (list, tuple)):
            longest = max(len(v) for v in values)
            if pad_to_multiple_of:
                longest = -(-longest // pad_to_multiple_of) * pad_to_multiple_of
            pad = {"input_ids": pad_token_id, "labels": IGNORE_INDEX}.get(key, 0)
            batch[key] = torch.tensor([list(v) + [pad] * (longest - len(v)) for v in values])
        else:
            batch[key] = torch.tensor(values)
    return batch
