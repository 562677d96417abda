"""Training features of parallel pairs: token ids of both sides, unit ids, alignment links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from transformers import PreTrainedTokenizerBase

from reproductions.weam.units import encode_with_units

PairFeature = dict[str, Any]
"""{"en_ids", "xx_ids": token ids with [CLS]/[SEP]; "en_units", "xx_units": unit per token
(-1 for special tokens); "links": [(en unit, xx unit), ...]}."""


def pair_features(
    tokenizer: PreTrainedTokenizerBase,
    pairs: Sequence[tuple[str, str]],
    max_length: int,
    level: str = "word",
    alignments: Sequence[Sequence[tuple[int, int]]] | None = None,
) -> list[PairFeature]:
    """Tokenise both sides (each truncated to `max_length`) and attach links (empty if none)."""
    en = encode_with_units(tokenizer, [p[0] for p in pairs], max_length, level)
    xx = encode_with_units(tokenizer, [p[1] for p in pairs], max_length, level)
    features = []
    for k, ((en_ids, en_units), (xx_ids, xx_units)) in enumerate(zip(en, xx, strict=True)):
        links = [tuple(x) for x in alignments[k]] if alignments is not None else []
        features.append(
            {
                "en_ids": en_ids,
                "xx_ids": xx_ids,
                "en_units": en_units,
                "xx_units": xx_units,
                "links": links,
            }
        )
    return [f for f in features if len(f["en_ids"]) > 2 and len(f["xx_ids"]) > 2]
