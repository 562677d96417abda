"""Lexicons induced from aligned MUSE embeddings (the paper profile's en-X lexicons)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


def read_vectors(path: str | Path, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read a fastText/MUSE `.vec` file (header, then `word v1 ... vd`), rows unit-normalised."""
    words, rows = [], []
    with open(path, encoding="utf-8", errors="replace") as handle:
        _, dim = (int(x) for x in handle.readline().split())
        for line in handle:
            parts = line.rstrip().split(" ")
            if len(parts) != dim + 1:
                continue  # MUSE files have a few corrupt rows
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
            if limit and len(words) >= limit:
                break
    matrix = np.vstack(rows)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    return words, matrix


def induce_lexicon(
    src_vectors: str | Path,
    tgt_vectors: str | Path,
    vocabulary: Iterable[str],
    out_path: str | Path,
    chunk: int = 4096,
) -> int:
    """Write a MUSE-format lexicon: each source word of `vocabulary` -> its nearest target word.

    The paper's lexicons: nearest cross-lingual neighbour (cosine) in aligned MUSE embeddings,
    for the words of the training queries and passages. Returns the number of entries.
    """
    src_words, src = read_vectors(src_vectors)
    tgt_words, tgt = read_vectors(tgt_vectors)
    index = {w: i for i, w in enumerate(src_words)}
    wanted = sorted({w.lower() for w in vocabulary} & index.keys())
    out_lines = []
    for start in range(0, len(wanted), chunk):
        block = wanted[start : start + chunk]
        sims = src[[index[w] for w in block]] @ tgt.T
        for word, best in zip(block, sims.argmax(axis=1).tolist(), strict=True):
            out_lines.append(f"{word} {tgt_words[best]}\n")
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_text("".join(out_lines), encoding="utf-8")
    return len(out_lines)
