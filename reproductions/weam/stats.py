"""The `stats` task: how long each task's evaluation inputs are, in tokens and words."""

from __future__ import annotations

from collections.abc import Sequence

from transformers import PreTrainedTokenizerBase

from reproductions.common.metrics import mean


def length_stats(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], pairs: Sequence[str | None]
) -> dict[str, float]:
    """Mean subword tokens (with special tokens, untruncated) and whitespace words per input."""
    if not texts:
        return {"examples": 0, "mean_tokens": float("nan"), "mean_words": float("nan")}
    if any(p is not None for p in pairs):
        enc = tokenizer(list(texts), [p or "" for p in pairs], verbose=False)
    else:
        enc = tokenizer(list(texts), verbose=False)
    words = [len(t.split()) + len((p or "").split()) for t, p in zip(texts, pairs, strict=True)]
    return {
        "examples": len(texts),
        "mean_tokens": round(mean([len(ids) for ids in enc["input_ids"]]), 4),
        "mean_words": round(mean(words), 4),
    }
