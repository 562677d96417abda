"""Batches for continued pre-training: masked sentence pairs (MLM/WEAM), TLM pairs, Cao links.

Pair batches stack the English sides first and the other sides after them, padded to one length,
so sequence r's partner is r + B (mod 2B).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase

from reproductions.common.mlm import mask_tokens
from reproductions.weam.pairs import PairFeature


def _pad(seqs: Sequence[Sequence[int]], value: int, length: int | None = None) -> torch.Tensor:
    length = length or max(len(s) for s in seqs)
    return torch.tensor([list(s) + [value] * (length - len(s)) for s in seqs], dtype=torch.long)


def token_links(feature: PairFeature) -> np.ndarray:
    """Boolean matrix (en tokens x xx tokens): True where the tokens' units are linked."""
    en_units = np.asarray(feature["en_units"])
    xx_units = np.asarray(feature["xx_units"])
    out = np.zeros((len(en_units), len(xx_units)), dtype=bool)
    if not feature["links"]:
        return out
    links = np.asarray(feature["links"], dtype=np.int64)
    size_en = max(int(en_units.max()), int(links[:, 0].max())) + 1
    size_xx = max(int(xx_units.max()), int(links[:, 1].max())) + 1
    unit_links = np.zeros((size_en, size_xx), dtype=bool)
    unit_links[links[:, 0], links[:, 1]] = True
    en_ok, xx_ok = en_units >= 0, xx_units >= 0
    out[np.ix_(en_ok, xx_ok)] = unit_links[np.ix_(en_units[en_ok], xx_units[xx_ok])]
    return out


def swap_matrix(features: Sequence[PairFeature], length: int) -> torch.Tensor:
    """(2B, length, length) weights: row t of sequence r averages the partner tokens t takes.

    A token of word i gets the mean over every subword of the words i is linked to; rows of
    unlinked tokens are zero (they keep their own state).
    """
    batch = len(features)
    out = np.zeros((2 * batch, length, length), dtype=np.float32)
    for b, feature in enumerate(features):
        links = token_links(feature).astype(np.float32)
        n, m = links.shape
        rows = links.sum(1, keepdims=True)
        cols = links.sum(0, keepdims=True)
        out[b, :n, :m] = np.divide(links, rows, out=np.zeros_like(links), where=rows > 0)
        out[batch + b, :m, :n] = np.divide(links, cols, out=np.zeros_like(links), where=cols > 0).T
    return torch.from_numpy(out)


class PairMaskingCollator:
    """Both sides of each pair as separate masked sentences; with `swap`, the exchange matrix."""

    def __init__(
        self, tokenizer: PreTrainedTokenizerBase, mask_prob: float, with_swap: bool = True
    ) -> None:
        self.tokenizer = tokenizer
        self.mask_prob = mask_prob
        self.with_swap = with_swap
        self.pad_id = tokenizer.pad_token_id or 0
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))

    def __call__(self, features: Sequence[PairFeature]) -> dict[str, torch.Tensor]:
        """Batch of pair features -> input_ids/attention_mask/labels (2B, L) and swap."""
        seqs = [f["en_ids"] for f in features] + [f["xx_ids"] for f in features]
        input_ids = _pad(seqs, self.pad_id)
        attention = _pad([[1] * len(s) for s in seqs], 0, input_ids.shape[1]).to(torch.long)
        maskable = (attention == 1) & ~torch.isin(input_ids, self.special)
        masked, labels = mask_tokens(
            input_ids, maskable, self.mask_prob, self.tokenizer.mask_token_id, len(self.tokenizer)
        )
        batch = {
            "input_ids": masked,
            "attention_mask": attention,
            "token_type_ids": torch.zeros_like(masked),
            "labels": labels,
        }
        if self.with_swap:
            batch["swap"] = swap_matrix(features, input_ids.shape[1])
        return batch


class TLMCollator:
    """`[CLS] en [SEP] xx [SEP]` masked as one sequence; xx's positions restart (as in XLM)."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase, mask_prob: float) -> None:
        self.tokenizer = tokenizer
        self.mask_prob = mask_prob
        self.pad_id = tokenizer.pad_token_id or 0
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))

    def __call__(self, features: Sequence[PairFeature]) -> dict[str, torch.Tensor]:
        """Batch of pair features -> masked concatenations with segment and position ids."""
        ids, types, positions = [], [], []
        for f in features:
            en, xx = f["en_ids"], f["xx_ids"][1:]  # drop the second [CLS]
            ids.append(en + xx)
            types.append([0] * len(en) + [1] * len(xx))
            # Each side keeps the positions it has when encoded alone ([CLS] at 0).
            positions.append(list(range(len(en))) + list(range(1, len(xx) + 1)))
        input_ids = _pad(ids, self.pad_id)
        length = input_ids.shape[1]
        attention = _pad([[1] * len(s) for s in ids], 0, length)
        maskable = (attention == 1) & ~torch.isin(input_ids, self.special)
        masked, labels = mask_tokens(
            input_ids, maskable, self.mask_prob, self.tokenizer.mask_token_id, len(self.tokenizer)
        )
        return {
            "input_ids": masked,
            "attention_mask": attention,
            "token_type_ids": _pad(types, 0, length),
            "position_ids": _pad(positions, 0, length),
            "labels": labels,
        }


class LinkPoolingCollator:
    """Unmasked pairs plus, per link, mean-pooling weights over its words' subwords (Cao et al.)."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase) -> None:
        self.pad_id = tokenizer.pad_token_id or 0
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))

    def __call__(self, features: Sequence[PairFeature]) -> dict[str, torch.Tensor]:
        """input_ids/attention_mask (2B, L), pool_en/pool_xx (B, K, L), link_mask (B, K)."""
        seqs = [f["en_ids"] for f in features] + [f["xx_ids"] for f in features]
        input_ids = _pad(seqs, self.pad_id)
        batch, length = len(features), input_ids.shape[1]
        attention = _pad([[1] * len(s) for s in seqs], 0, length)
        per_example = [_link_pools(f, length) for f in features]
        k = max(1, max(len(p[0]) for p in per_example))
        pool_en = np.zeros((batch, k, length), dtype=np.float32)
        pool_xx = np.zeros((batch, k, length), dtype=np.float32)
        link_mask = np.zeros((batch, k), dtype=bool)
        for b, (en_rows, xx_rows) in enumerate(per_example):
            if en_rows:
                pool_en[b, : len(en_rows)] = np.stack(en_rows)
                pool_xx[b, : len(xx_rows)] = np.stack(xx_rows)
                link_mask[b, : len(en_rows)] = True
        content = (attention == 1) & ~torch.isin(input_ids, self.special)
        return {
            "input_ids": input_ids,
            "attention_mask": attention,
            "token_type_ids": torch.zeros_like(input_ids),
            "pool_en": torch.from_numpy(pool_en),
            "pool_xx": torch.from_numpy(pool_xx),
            "link_mask": torch.from_numpy(link_mask),
            "en_content": content[:batch],
        }


def _link_pools(feature: PairFeature, length: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    en_units = np.asarray(feature["en_units"])
    xx_units = np.asarray(feature["xx_units"])
    en_rows, xx_rows = [], []
    for i, j in feature["links"]:
        en_tok = np.flatnonzero(en_units == i)
        xx_tok = np.flatnonzero(xx_units == j)
        if len(en_tok) == 0 or len(xx_tok) == 0:
            continue  # a side was truncated away
        row_en = np.zeros(length, dtype=np.float32)
        row_xx = np.zeros(length, dtype=np.float32)
        row_en[en_tok] = 1.0 / len(en_tok)
        row_xx[xx_tok] = 1.0 / len(xx_tok)
        en_rows.append(row_en)
        xx_rows.append(row_xx)
    return en_rows, xx_rows
