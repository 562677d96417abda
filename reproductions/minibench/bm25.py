"""A small vectorised Okapi BM25 ranker over an in-memory collection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode `\\w+`), no stemming or stop words."""
    return _TOKEN.findall(text.casefold())


@dataclass(frozen=True)
class BM25Params:
    """BM25 constants; the defaults are Anserini's."""

    k1: float = 0.9
    """Term-frequency saturation."""
    b: float = 0.4
    """Document-length normalisation."""


class BM25:
    """Scores queries against a fixed collection with one sparse matrix product."""

    def __init__(self, docs: Sequence[str], params: BM25Params | None = None) -> None:
        self.params = params or BM25Params()
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float64)
        for d, text in enumerate(docs):
            counts: dict[int, int] = {}
            tokens = tokenize(text)
            lengths[d] = len(tokens)
            for token in tokens:
                t = vocab.setdefault(token, len(vocab))
                counts[t] = counts.get(t, 0) + 1
            for t in sorted(counts):
                rows.append(d)
                cols.append(t)
                vals.append(counts[t])
        self.vocab = vocab
        n_docs = len(docs)
        tf = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n_docs, len(vocab))
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab))
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avgdl = float(lengths.mean()) if n_docs else 0.0
        k1, b = self.params.k1, self.params.b
        norm = k1 * (1.0 - b + b * lengths / avgdl) if avgdl else np.full(n_docs, k1)
        tf = tf.tocoo()
        weights = tf.data * (k1 + 1.0) / (tf.data + norm[tf.row]) * idf[tf.col]
        self._weights = sparse.csc_matrix((weights, (tf.row, tf.col)), shape=tf.shape)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query's distinct terms."""
        terms = sorted({self.vocab[t] for t in tokenize(query) if t in self.vocab})
        if not terms:
            return np.zeros(self._weights.shape[0])
        return np.asarray(self._weights[:, terms].sum(axis=1)).ravel()

    def top(self, query: str, k: int) -> list[tuple[int, float]]:
        """The k best (doc index, score) pairs with a positive score; ties by doc index."""
        s = self.scores(query)
        hits = np.flatnonzero(s > 0)
        order = hits[np.lexsort((hits, -np.round(s[hits], 6)))][:k]
        return [(int(i), float(s[i])) for i in order]
