"""Held-out MLM numbers of a tiny base model: the stage's metrics.json and the run's result keys.

A stage's metrics.json maps each language to `sentences`, `masked_tokens`, `mlm-loss`,
`mlm-accuracy` and the same positions' `unigram` scores, plus the tokenizer's `vocab_size`.
Result keys: `base/{lang}/mlm-loss|mlm-accuracy`, with `ref/unigram/base/...` and
`ref/chance/base/...` (uniform over the vocabulary) beside them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

METRICS = ("mlm-loss", "mlm-accuracy")
"""Metric names, last in each key."""
SUMMARY = "base model: held-out MLM loss / accuracy per language"
MASK_SEED = 0
"""Seed of the evaluation's masking generator: the same positions for every run and seed."""


def evaluate_languages(
    model: Any,
    tokenizer: Any,
    texts: Mapping[str, Sequence[str]],
    train_texts: Sequence[str],
    *,
    max_length: int,
    mask_prob: float,
    batch_size: int,
    device: Any,
    seed: int = MASK_SEED,
) -> dict[str, Any]:
    """Score the model and the unigram reference of `train_texts` on each language's texts."""
    from reproductions.common.mlm_eval import (
        mask_sentences,
        score_masked,
        score_unigram,
        unigram_counts,
    )

    counts = unigram_counts(tokenizer, train_texts, max_length)
    out: dict[str, Any] = {}
    for lang, rows in texts.items():
        masked = mask_sentences(
            tokenizer, rows, max_length=max_length, mask_prob=mask_prob, seed=seed
        )
        scores = score_masked(
            model,
            masked,
            pad_token_id=tokenizer.pad_token_id or 0,
            batch_size=batch_size,
            device=device,
        )
        unigram = score_unigram(counts, len(tokenizer), masked.targets)
        out[lang] = {
            "sentences": len(rows),
            "masked_tokens": scores.tokens,
            "mlm-loss": scores.loss,
            "mlm-accuracy": scores.accuracy,
            "unigram": {"mlm-loss": unigram.loss, "mlm-accuracy": unigram.accuracy},
        }
    out["vocab_size"] = len(tokenizer)
    return out


def languages(stage: Mapping[str, Any]) -> list[str]:
    """Languages of a stage's metrics.json."""
    return [k for k, v in stage.items() if isinstance(v, dict)]


def result_metrics(stage: Mapping[str, Any]) -> dict[str, float | None]:
    """`base/{lang}/{metric}` of the stage's metrics.json."""
    return {
        f"base/{lang}/{name}": stage[lang][name] for lang in languages(stage) for name in METRICS
    }


def reference_metrics(stage: Mapping[str, Any]) -> dict[str, float | None]:
    """`ref/unigram/base/...` and `ref/chance/base/...` (uniform over the vocabulary)."""
    vocab = stage["vocab_size"]
    chance = {"mlm-loss": round(math.log(vocab), 6), "mlm-accuracy": round(1 / vocab, 6)}
    out: dict[str, float | None] = {}
    for lang in languages(stage):
        for name in METRICS:
            out[f"ref/unigram/base/{lang}/{name}"] = stage[lang]["unigram"][name]
            out[f"ref/chance/base/{lang}/{name}"] = chance[name]
    return out


def summary(stage: Mapping[str, Any]) -> str:
    """One line for the run's log: loss / accuracy per language, unigram loss beside."""
    metrics = {**result_metrics(stage), **reference_metrics(stage)}
    parts = []
    for lang in languages(stage):
        loss, acc = metrics.get(f"base/{lang}/mlm-loss"), metrics.get(f"base/{lang}/mlm-accuracy")
        uni = metrics.get(f"ref/unigram/base/{lang}/mlm-loss")
        if loss is not None and acc is not None:
            parts.append(f"{lang} {loss:.3f} / {acc:.3f} (unigram loss {uni:.3f})")
    return f"{SUMMARY}: " + ("; ".join(parts) or "none")
