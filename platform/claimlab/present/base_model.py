"""A run's base-model numbers: the tiny base's held-out MLM loss and accuracy per language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

BASE_MODEL_LABEL = "base model: held-out MLM loss / accuracy per language"
"""How the app and the CLI title these numbers."""
COLUMNS = ["language", "MLM loss", "accuracy", "unigram loss", "unigram accuracy", "chance loss"]
_SOURCES = {
    "MLM loss": "base/{lang}/mlm-loss",
    "accuracy": "base/{lang}/mlm-accuracy",
    "unigram loss": "ref/unigram/base/{lang}/mlm-loss",
    "unigram accuracy": "ref/unigram/base/{lang}/mlm-accuracy",
    "chance loss": "ref/chance/base/{lang}/mlm-loss",
}


def base_model_rows(metrics: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """One row per language with `base/{lang}/...` keys in `metrics` (none: an empty list)."""
    found = dict(metrics or {})
    langs = [k.split("/")[1] for k in found if k.startswith("base/") and k.endswith("/mlm-loss")]
    return [
        {"language": lang, **{c: found.get(k.format(lang=lang)) for c, k in _SOURCES.items()}}
        for lang in langs
    ]


def base_model_frame(metrics: Mapping[str, Any] | None) -> pd.DataFrame:
    """`base_model_rows` as a table (no rows when the run has no tiny base)."""
    return pd.DataFrame(base_model_rows(metrics), columns=COLUMNS)
