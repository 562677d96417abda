"""The tiny base model's held-out MLM loss and masked-token accuracy per language.

Stage `eval/base-mlm` (after `pretrain`) masks the first sentences of each language's parallel
dev split (English: the English sides, deduplicated) with a fixed generator and scores the base
model and a unigram reference (the base corpus's token frequencies) on the same positions.
Result keys and references: common/base_mlm.py. A pretrained base (paper) has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.base_mlm import (
    MASK_SEED,
    METRICS,
    evaluate_languages,
    reference_metrics,
    result_metrics,
    summary,
)
from reproductions.common.cache import StageSpec
from reproductions.common.files import read_json, write_json_atomic

if TYPE_CHECKING:
    from reproductions.weam.config import WeamConfig
    from reproductions.weam.pipeline import Pipeline

__all__ = [
    "METRICS",
    "build_base_eval",
    "reference_metrics",
    "result_metrics",
    "stage_metrics",
    "summary",
]

LABEL = "eval/base-mlm"
"""Label of the stage in a weam graph."""
BASE_EVAL_SENTENCES = 500
"""Held-out sentences per language of the base model's MLM evaluation (base_eval_sentences)."""


def base_eval_sentences(cfg: WeamConfig) -> int:
    """Sentences per language of the base MLM evaluation (0: none; pretrained bases have none)."""
    if cfg.model_name_or_path is not None:
        return 0
    return BASE_EVAL_SENTENCES if cfg.base_eval_sentences is None else cfg.base_eval_sentences


def base_eval_stage(
    cfg: WeamConfig, langs: list[str], pretrain_key: str, data_id: str, version: int
) -> StageSpec:
    """The stage measuring the base's held-out MLM on English and the target languages."""
    return StageSpec(
        "eval-mlm",
        params={
            "languages": ["en", *langs],
            "max_sentences": base_eval_sentences(cfg),
            "mask_prob": cfg.base_mask_prob,
            "max_length": cfg.base_max_length,
            "mask_seed": MASK_SEED,
        },
        upstream={"model": pretrain_key},
        data=data_id,
        version=version,
        label=LABEL,
    )


def heldout_sentences(p: Pipeline, lang: str, limit: int) -> list[str]:
    """The first `limit` dev sentences of `lang` (English: of every target language's pairs)."""
    if lang != "en":
        return [xx for _, xx in p.source.parallel(lang, "dev")[:limit]]
    out: list[str] = []
    for target in p.cfg.languages:
        out += [en for en, _ in p.source.parallel(target, "dev") if en not in out]
    return out[:limit]


def build_base_eval(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Score the base model and the unigram reference on each language's masked dev sentences."""
    from reproductions.weam.models import load_masked_lm
    from reproductions.weam.models import load_tokenizer as load_model_tokenizer

    params = spec.params
    base = p.base_path()
    metrics = evaluate_languages(
        p.load_model(load_masked_lm, base),
        p.load_model(load_model_tokenizer, base),
        {lang: heldout_sentences(p, lang, params["max_sentences"]) for lang in params["languages"]},
        p.monolingual_texts()[0],
        max_length=params["max_length"],
        mask_prob=params["mask_prob"],
        batch_size=p.cfg.eval_batch_size,
        device=p.ctx.device,
        seed=params["mask_seed"],
    )
    write_json_atomic(out / "metrics.json", metrics)
    return {"metrics": metrics}


def stage_metrics(p: Pipeline) -> dict[str, Any] | None:
    """The stage's metrics.json (built if needed), or None when the graph has no such stage."""
    if LABEL not in p.graph.stages:
        return None
    return read_json(p.ensure(LABEL) / "metrics.json")
