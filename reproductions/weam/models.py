"""Loading encoders and heads from a local folder or the hub, quietly and reproducibly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import (
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as hf_logging


def _kwargs(name_or_path: str, revision: str | None) -> dict[str, Any]:
    # A local folder needs no revision; a hub name is pinned to one.
    return {} if Path(name_or_path).is_dir() else {"revision": revision or "main"}


def load_tokenizer(name_or_path: str, revision: str | None = None) -> PreTrainedTokenizerBase:
    """Fast tokenizer of a model folder or hub model."""
    return AutoTokenizer.from_pretrained(name_or_path, **_kwargs(name_or_path, revision))


def _quiet(loader: Any, name_or_path: str, revision: str | None, **extra: Any) -> Any:
    # New heads are expected here (the MLM head is dropped, a classifier added): hide the notice.
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        return loader.from_pretrained(name_or_path, **_kwargs(name_or_path, revision), **extra)
    finally:
        hf_logging.set_verbosity(level)


def load_masked_lm(name_or_path: str, revision: str | None = None) -> Any:
    """Encoder with its MLM head (continued pre-training, bitext)."""
    return _quiet(AutoModelForMaskedLM, name_or_path, revision)


def load_classifier(name_or_path: str, num_labels: int, revision: str | None = None) -> Any:
    """Encoder with a fresh classification head."""
    return _quiet(AutoModelForSequenceClassification, name_or_path, revision, num_labels=num_labels)


def load_qa_model(name_or_path: str, revision: str | None = None) -> Any:
    """Encoder with a fresh span-prediction head."""
    return _quiet(AutoModelForQuestionAnswering, name_or_path, revision)
