"""Length-grouped batches: examples of similar length batched together, so dynamic padding
pads little (parallel sentences range from 4 to 64 words; random batches would pad most)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import torch

T = TypeVar("T")


def length_grouped(
    items: Sequence[T], batch_size: int, seed: int, length: Callable[[T], int], mega: int = 50
) -> list[list[T]]:
    """Fixed batches: shuffle, cut into chunks of `mega` batches, sort each chunk by length.

    The common training loop then draws these batches (batch_size=1) in a fresh order each epoch.
    """
    order = np.random.default_rng([seed, 20_210_603]).permutation(len(items)).tolist()
    batches = []
    for start in range(0, len(order), batch_size * mega):
        chunk = sorted(order[start : start + batch_size * mega], key=lambda i: length(items[i]))
        batches += [
            [items[i] for i in chunk[k : k + batch_size]] for k in range(0, len(chunk), batch_size)
        ]
    return batches


class GroupCollator:
    """Collates one pre-made batch (the loop hands over a list holding one group)."""

    def __init__(self, collate: Callable[[Sequence[Any]], Mapping[str, torch.Tensor]]) -> None:
        self.collate = collate

    def __call__(self, groups: Sequence[Sequence[Any]]) -> Mapping[str, torch.Tensor]:
        """Collate the single group."""
        return self.collate([item for group in groups for item in group])
