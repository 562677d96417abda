"""Held-out MLM loss and masked-token accuracy of a masked LM, with deterministic masking.

Each language's sentences are masked one by one from a generator seeded with `seed` alone (not
torch's global RNG), so the masked positions depend only on the texts, the tokenizer and the
settings: evaluating twice, or after a resumed run, gives the same numbers. A unigram reference
scores the same masked positions with the training corpus's token frequencies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertForMaskedLM, PreTrainedTokenizerBase

from reproductions.common.collate import IGNORE_INDEX, pad_batch
from reproductions.common.mlm import mask_tokens
from reproductions.common.pretrain import tokenize_texts


@dataclass
class Masked:
    """One language's held-out sentences, masked: model inputs and the picked positions' labels."""

    features: list[dict[str, list[int]]]
    """Masked input ids (and attention mask, token types) per sentence."""
    labels: list[list[int]]
    """Original ids at picked positions, -100 elsewhere."""

    @property
    def targets(self) -> list[int]:
        """Token ids to predict, in order."""
        return [t for row in self.labels for t in row if t != IGNORE_INDEX]


@dataclass
class Scores:
    """Mean cross-entropy (nats) over masked tokens and the share predicted right."""

    loss: float | None
    accuracy: float | None
    tokens: int
    """Masked tokens scored (0: loss and accuracy are None)."""


def mask_sentences(
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    *,
    max_length: int,
    mask_prob: float,
    seed: int,
) -> Masked:
    """Tokenise (truncated) and mask each sentence in turn from one generator seeded by `seed`."""
    generator = torch.Generator().manual_seed(seed)
    special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
    features, labels = [], []
    for feature in tokenize_texts(tokenizer, texts, max_length):
        ids = torch.tensor([feature["input_ids"]])
        masked, picked = mask_tokens(
            ids,
            ~torch.isin(ids, special),
            mask_prob,
            tokenizer.mask_token_id,
            len(tokenizer),
            generator,
        )
        features.append({**feature, "input_ids": masked[0].tolist()})
        labels.append(picked[0].tolist())
    return Masked(features, labels)


@torch.no_grad()
def score_masked(
    model: BertForMaskedLM,
    masked: Masked,
    *,
    pad_token_id: int,
    batch_size: int,
    device: torch.device,
) -> Scores:
    """The model's loss and accuracy on the masked positions."""
    model.to(device).eval()
    total, hits, count = 0.0, 0, 0
    for start in range(0, len(masked.features), batch_size):
        rows = [
            {**f, "labels": y}
            for f, y in zip(
                masked.features[start : start + batch_size],
                masked.labels[start : start + batch_size],
                strict=True,
            )
        ]
        batch = {k: v.to(device) for k, v in pad_batch(rows, pad_token_id).items()}
        labels = batch.pop("labels")
        picked = labels != IGNORE_INDEX
        if not bool(picked.any()):
            continue
        logits = model.cls(model.bert(**batch).last_hidden_state[picked]).float()
        gold = labels[picked]
        total += float(F.cross_entropy(logits, gold, reduction="sum"))
        hits += int((logits.argmax(-1) == gold).sum())
        count += int(gold.numel())
    return _scores(total, hits, count)


def unigram_counts(
    tokenizer: PreTrainedTokenizerBase, texts: Iterable[str], max_length: int
) -> Counter[int]:
    """Token frequencies of a corpus as the model saw it (truncated, special tokens left out)."""
    special = set(tokenizer.all_special_ids)
    counts: Counter[int] = Counter()
    for feature in tokenize_texts(tokenizer, list(texts), max_length):
        counts.update(t for t in feature["input_ids"] if t not in special)
    return counts


def score_unigram(counts: Counter[int], vocab_size: int, targets: Sequence[int]) -> Scores:
    """Loss and accuracy of predicting every masked token from `counts` (add-one smoothed over
    the vocabulary; the prediction is the most frequent token, the lowest id on ties)."""
    norm = sum(counts.values()) + vocab_size
    top = min(counts, key=lambda t: (-counts[t], t)) if counts else 0
    total = sum(-math.log((counts.get(t, 0) + 1) / norm) for t in targets)
    return _scores(total, sum(1 for t in targets if t == top), len(targets))


def _scores(total: float, hits: int, count: int) -> Scores:
    if not count:
        return Scores(None, None, 0)
    return Scores(round(total / count, 6), round(hits / count, 6), count)
