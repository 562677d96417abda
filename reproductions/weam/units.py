"""Alignment units of a sentence (words or subword tokens) and their map to token positions.

A word is what the tokenizer's own normaliser and pre-tokenizer make of the text (BERT splits
on whitespace and punctuation), so word indices agree with the tokenizer's `word_ids()`.
"""

from __future__ import annotations

from collections.abc import Sequence

from transformers import PreTrainedTokenizerBase


def split_words(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str]) -> list[list[str]]:
    """The pre-tokenized words of each text, as the fast tokenizer sees them."""
    backend = tokenizer.backend_tokenizer  # type: ignore[attr-defined]
    out = []
    for text in texts:
        norm = backend.normalizer.normalize_str(text) if backend.normalizer else text
        out.append([w for w, _ in backend.pre_tokenizer.pre_tokenize_str(norm)])
    return out


def split_subwords(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str]) -> list[list[str]]:
    """The subword tokens of each text (no special tokens, no truncation)."""
    enc = tokenizer(list(texts), add_special_tokens=False)
    return [tokenizer.convert_ids_to_tokens(ids) for ids in enc["input_ids"]]


def split_units(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], level: str
) -> list[list[str]]:
    """Words (level=word) or subword tokens (level=subword) of each text."""
    if level == "word":
        return split_words(tokenizer, texts)
    if level == "subword":
        return split_subwords(tokenizer, texts)
    raise ValueError(f"unknown align level {level!r}")


def encode_with_units(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int, level: str
) -> list[tuple[list[int], list[int]]]:
    """(input ids, unit index per token with -1 on special tokens) per text, truncated."""
    enc = tokenizer(list(texts), truncation=True, max_length=max_length)
    out = []
    for i, ids in enumerate(enc["input_ids"]):
        if level == "word":
            units = [-1 if w is None else w for w in enc.word_ids(i)]
        else:
            special = tokenizer.get_special_tokens_mask(ids, already_has_special_tokens=True)
            units, k = [], 0
            for is_special in special:
                units.append(-1 if is_special else k)
                k += 0 if is_special else 1
        out.append((list(ids), units))
    return out
