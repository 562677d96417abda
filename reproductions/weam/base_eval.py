"""The tiny base model's held-out MLM loss and masked-token accuracy per language.

Stage `eval/base-mlm` (after `pretrain`) masks the first sentences of each language's parallel
dev split (English: the English sides, deduplicated) with a fixed generator and scores the base
model and a unigram reference (the base corpus's token frequencies) on the same positions.
Result keys: `base/{lang}/mlm-loss`, `base/{lang}/mlm-accuracy`, with `ref/unigram/...` and
`ref/chance/...` (uniform over the vocabulary) beside them. A pretrained base (paper) has none.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.cache import StageSpec
from reproductions.common.files import read_json, write_json_atomic

if TYPE_CHECKING:
    from reproductions.weam.config import WeamConfig
    from reproductions.weam.pipeline import Pipeline

LABEL = "eval/base-mlm"
"""Label of the stage in a weam graph."""
METRICS = ("mlm-loss", "mlm-accuracy")
"""Metric names, last in each key."""
SUMMARY = "base model: held-out MLM loss / accuracy per language"
BASE_EVAL_SENTENCES = 500
"""Held-out sentences per language of the base model's MLM evaluation (base_eval_sentences)."""
BASE_EVAL_MASK_SEED = 0
"""Seed of the evaluation's masking generator: the same positions for every run and seed."""


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
            "mask_seed": BASE_EVAL_MASK_SEED,
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
    from reproductions.common.mlm_eval import (
        mask_sentences,
        score_masked,
        score_unigram,
        unigram_counts,
    )
    from reproductions.weam.models import load_masked_lm
    from reproductions.weam.models import load_tokenizer as load_model_tokenizer

    params = spec.params
    base = p.base_path()
    tok = p.load_model(load_model_tokenizer, base)
    model = p.load_model(load_masked_lm, base)
    counts = unigram_counts(tok, p.monolingual_texts()[0], params["max_length"])
    metrics: dict[str, Any] = {}
    for lang in params["languages"]:
        texts = heldout_sentences(p, lang, params["max_sentences"])
        masked = mask_sentences(
            tok,
            texts,
            max_length=params["max_length"],
            mask_prob=params["mask_prob"],
            seed=params["mask_seed"],
        )
        model_scores = score_masked(
            model,
            masked,
            pad_token_id=tok.pad_token_id or 0,
            batch_size=p.cfg.eval_batch_size,
            device=p.ctx.device,
        )
        unigram = score_unigram(counts, len(tok), masked.targets)
        metrics[lang] = {
            "sentences": len(texts),
            "masked_tokens": model_scores.tokens,
            "mlm-loss": model_scores.loss,
            "mlm-accuracy": model_scores.accuracy,
            "unigram": {"mlm-loss": unigram.loss, "mlm-accuracy": unigram.accuracy},
        }
    metrics["vocab_size"] = len(tok)
    write_json_atomic(out / "metrics.json", metrics)
    return {"metrics": metrics}


def stage_metrics(p: Pipeline) -> dict[str, Any] | None:
    """The stage's metrics.json (built if needed), or None when the graph has no such stage."""
    if LABEL not in p.graph.stages:
        return None
    return read_json(p.ensure(LABEL) / "metrics.json")


def result_metrics(stage: dict[str, Any]) -> dict[str, float | None]:
    """`base/{lang}/{metric}` of the stage's metrics.json."""
    return {
        f"base/{lang}/{name}": stage[lang][name] for lang in _languages(stage) for name in METRICS
    }


def reference_metrics(stage: dict[str, Any]) -> dict[str, float | None]:
    """`ref/unigram/base/...` and `ref/chance/base/...` (uniform over the vocabulary)."""
    vocab = stage["vocab_size"]
    chance = {"mlm-loss": round(math.log(vocab), 6), "mlm-accuracy": round(1 / vocab, 6)}
    out: dict[str, float | None] = {}
    for lang in _languages(stage):
        for name in METRICS:
            out[f"ref/unigram/base/{lang}/{name}"] = stage[lang]["unigram"][name]
            out[f"ref/chance/base/{lang}/{name}"] = chance[name]
    return out


def _languages(stage: dict[str, Any]) -> list[str]:
    return [k for k, v in stage.items() if isinstance(v, dict)]


def summary(stage: dict[str, Any]) -> str:
    """One line for the run's log: loss / accuracy per language, unigram loss beside."""
    metrics = {**result_metrics(stage), **reference_metrics(stage)}
    parts = []
    for lang in _languages(stage):
        loss, acc = metrics.get(f"base/{lang}/mlm-loss"), metrics.get(f"base/{lang}/mlm-accuracy")
        uni = metrics.get(f"ref/unigram/base/{lang}/mlm-loss")
        if loss is not None and acc is not None:
            parts.append(f"{lang} {loss:.3f} / {acc:.3f} (unigram loss {uni:.3f})")
    return f"{SUMMARY}: " + ("; ".join(parts) or "none")
