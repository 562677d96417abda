"""WordPiece vocabulary learning with a fixed tie-break (pure Python, no tokenizers import).

Merges the most frequent adjacent symbol pair, ties broken by the pair's text, so the same word
counts always give the same vocabulary (the `tokenizers` trainer breaks ties in hash-map order).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PREFIX = "##"
"""Marks a subword that continues a word."""


@dataclass
class TokenizerConfig:
    """How to train a BERT-style WordPiece vocabulary."""

    vocab_size: int = 8000
    """Target vocabulary size including special tokens."""
    min_frequency: int = 2
    """Stop merging when the best pair is seen fewer times than this."""
    lowercase: bool = False
    """Lowercase and strip accents (False keeps case, like multilingual cased BERT)."""
    max_length: int = 512
    """model_max_length stored with the tokenizer."""

    def to_dict(self) -> dict:
        """Plain-data form for stage keys."""
        return asdict(self)


def learn_vocabulary(word_counts: dict[str, int], vocab_size: int, min_frequency: int) -> list[str]:
    """WordPiece vocabulary: characters, then merges of the most frequent adjacent pairs."""
    words = sorted(word_counts)
    seqs = [[w[0], *(PREFIX + c for c in w[1:])] for w in words]
    freq = [word_counts[w] for w in words]
    vocab = [*SPECIAL_TOKENS, *sorted({s for seq in seqs for s in seq} - set(SPECIAL_TOKENS))]
    pairs: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, seq in enumerate(seqs):
        for pair in zip(seq, seq[1:], strict=False):
            pairs[pair] += freq[i]
            where[pair].add(i)
    heap = [(-n, a, b) for (a, b), n in pairs.items()]
    heapq.heapify(heap)
    known = set(vocab)
    while len(vocab) < vocab_size and heap:
        neg, a, b = heapq.heappop(heap)
        if pairs.get((a, b), 0) != -neg:
            continue  # stale heap entry
        if -neg < min_frequency:
            break
        merged = a + b[len(PREFIX) :]
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        touched: set[tuple[str, str]] = set()
        for i in sorted(where.pop((a, b), ())):
            seq = seqs[i]
            for pair in zip(seq, seq[1:], strict=False):
                pairs[pair] -= freq[i]
                touched.add(pair)
            out, j = [], 0
            while j < len(seq):
                if j + 1 < len(seq) and seq[j] == a and seq[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(seq[j])
                    j += 1
            seqs[i] = out
            for pair in zip(out, out[1:], strict=False):
                pairs[pair] += freq[i]
                where[pair].add(i)
                touched.add(pair)
        for pair in sorted(touched):
            if pairs[pair] > 0:
                heapq.heappush(heap, (-pairs[pair], *pair))
            else:
                pairs.pop(pair, None)
    return vocab
