"""Reference baselines computed from the data: chance levels, first-stage order, naive Bayes.

Every result reports them beside its metrics as `ref/<name>/<key>`, so a measured number can be
read against what no skill (or a word-count model) gets on the same examples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from math import comb

import numpy as np

WORD = re.compile(r"\w+")
"""A word for the bag-of-words model: a run of letters, digits or underscores."""


def words(text: str) -> list[str]:
    """Lower-cased words of `text`."""
    return WORD.findall(text.lower())


def majority_accuracy(train_labels: Sequence[str], test_labels: Sequence[str]) -> float:
    """Accuracy on `test_labels` of always predicting the most frequent training label (ties:
    the first in sorted order), never below 1 / the number of training classes."""
    if not train_labels or not test_labels:
        raise ValueError("majority_accuracy needs training and test labels")
    counts = Counter(train_labels)
    top = max(counts.values())
    majority = min(label for label, n in counts.items() if n == top)
    hits = sum(1 for label in test_labels if label == majority)
    return max(hits / len(test_labels), 1 / len(counts))


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes over lower-cased words (Laplace smoothing)."""

    classes: list[str]
    """Class labels, sorted; a tie between classes goes to the first."""
    vocabulary: dict[str, int]
    """Word -> column of `log_likelihood`; words outside it are ignored at prediction."""
    log_prior: np.ndarray
    """log P(class), shape (classes,)."""
    log_likelihood: np.ndarray
    """log P(word | class), shape (vocabulary, classes)."""

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable class of each text."""
        out = []
        for text in texts:
            ids = [self.vocabulary[w] for w in words(text) if w in self.vocabulary]
            scores = self.log_prior + self.log_likelihood[ids].sum(axis=0)
            out.append(self.classes[int(np.argmax(scores))])
        return out


def fit_naive_bayes(texts: Sequence[str], labels: Sequence[str], alpha: float = 1.0) -> NaiveBayes:
    """Fit word counts per class: P(w | c) = (count(w, c) + alpha) / (count(c) + alpha * |V|)."""
    if len(texts) != len(labels) or not texts:
        raise ValueError("fit_naive_bayes needs as many labels as texts, at least one")
    classes = sorted(set(labels))
    column = {c: i for i, c in enumerate(classes)}
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for text, label in zip(texts, labels, strict=True):
        for w in words(text):
            rows.append(vocabulary.setdefault(w, len(vocabulary)))
            cols.append(column[label])
    counts = np.zeros((len(vocabulary), len(classes)))
    np.add.at(counts, (rows, cols), 1.0)
    likelihood = (counts + alpha) / (counts.sum(axis=0) + alpha * len(vocabulary))
    prior = np.bincount([column[label] for label in labels], minlength=len(classes))
    return NaiveBayes(classes, vocabulary, np.log(prior / len(labels)), np.log(likelihood))


def naive_bayes_accuracy(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
) -> float:
    """Accuracy on the test set of naive Bayes fitted on the training set."""
    predicted = fit_naive_bayes(train_texts, train_labels).predict(test_texts)
    return sum(p == y for p, y in zip(predicted, test_labels, strict=True)) / len(test_labels)


def random_order_rr(candidates: int, relevant: int, k: int = 10) -> float:
    """Exact expected RR@k of a uniformly random order of `candidates` items of which `relevant`
    are relevant: sum over r <= k of (1/r) * P(the first relevant item is at rank r)."""
    if relevant <= 0 or candidates <= 0:
        return 0.0
    if relevant > candidates:
        raise ValueError(f"{relevant} relevant among {candidates} candidates")
    total = comb(candidates, relevant)
    last = min(k, candidates - relevant + 1)
    return sum(comb(candidates - r, relevant - 1) / total / r for r in range(1, last + 1))


def first_stage_rr(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """RR@k of the candidates in the order given (the first stage's own ranking)."""
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0
