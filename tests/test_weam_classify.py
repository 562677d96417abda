"""Classification evaluation: accuracy and the number of classes the model predicted."""

from __future__ import annotations

import torch
from transformers.modeling_outputs import SequenceClassifierOutput

from reproductions.weam.classify import evaluate_accuracy


class FirstTokenClassifier(torch.nn.Module):
    """Predicts class (first input id mod 3): known predictions for any batch order."""

    def forward(self, input_ids, attention_mask=None, **_):
        logits = torch.nn.functional.one_hot(input_ids[:, 0] % 3, 3).float()
        return SequenceClassifierOutput(logits=logits)


def features(first_ids: list[int], labels: list[int]) -> list[dict]:
    # Different lengths so that predict() reorders the inputs by length.
    return [
        {"input_ids": [t] + [5] * (i % 4), "attention_mask": [1] * (1 + i % 4), "labels": y}
        for i, (t, y) in enumerate(zip(first_ids, labels, strict=True))
    ]


def test_accuracy_and_classes_predicted():
    feats = features([0, 1, 2, 3, 4, 8], [0, 1, 0, 0, 1, 1])  # predicted 0 1 2 0 1 2
    acc, classes = evaluate_accuracy(FirstTokenClassifier(), feats, 0, 4, torch.device("cpu"))
    assert acc == 4 / 6
    assert classes == 3


def test_a_collapsed_classifier_predicts_one_class():
    feats = features([3, 6, 9, 12], [0, 1, 2, 0])  # every first id is 0 mod 3
    acc, classes = evaluate_accuracy(FirstTokenClassifier(), feats, 0, 2, torch.device("cpu"))
    assert (acc, classes) == (0.5, 1)
