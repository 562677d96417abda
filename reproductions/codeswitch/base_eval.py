"""Held-out MLM loss and masked-token accuracy of the tiny BERT a codeswitch run pre-trains.

Stage `eval/base-mlm` (after `pretrain/mlm`) masks the first BASE_EVAL_TEXTS test documents of
each seen language (by id; the base never trained on them), truncated to the pre-training length,
and scores the base and a unigram reference of its pre-training corpus on the same positions.
Result keys as the weam base's (common/base_mlm.py). A weam encoder (`encoder_init`) reports its
own base's numbers instead; a hub model or a ranker from scratch has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.files import read_json, write_json_atomic

if TYPE_CHECKING:
    from reproductions.codeswitch.config import CodeSwitchConfig
    from reproductions.codeswitch.data import IRData
    from reproductions.codeswitch.stages import StageGraph
    from reproductions.common.recipe import RunContext

BASE_EVAL_TEXTS = 500
"""Held-out test documents per language."""


def heldout_texts(data: IRData, lang: str, limit: int) -> list[str]:
    """The first `limit` test documents of `lang`, by id."""
    docs = data.test_docs.get(lang, {})
    return [docs[i] for i in sorted(docs)[:limit]]


def base_eval_metrics(
    cfg: CodeSwitchConfig, graph: StageGraph, data: IRData, base_dir: Path, ctx: RunContext
) -> dict[str, Any] | None:
    """The stage's metrics.json (built if needed); None when no tiny BERT is pre-trained here."""
    spec = graph.base_eval_spec()
    if spec is None:
        return None

    def build(out: Path) -> dict[str, Any]:
        from transformers import BertForMaskedLM

        from reproductions.codeswitch.training import pretrain_texts
        from reproductions.common.base_mlm import evaluate_languages
        from reproductions.common.tokenizer import load_tokenizer

        params = spec.params
        metrics = evaluate_languages(
            BertForMaskedLM.from_pretrained(str(base_dir)),
            load_tokenizer(base_dir),
            {lang: heldout_texts(data, lang, params["max_texts"]) for lang in params["languages"]},
            pretrain_texts(cfg, data),
            max_length=params["max_length"],
            mask_prob=params["mask_prob"],
            batch_size=cfg.eval_batch_size,
            device=ctx.device,
            seed=params["mask_seed"],
        )
        write_json_atomic(out / "metrics.json", metrics)
        return {}

    out, _ = ctx.cache.ensure(spec, build)
    return read_json(out / "metrics.json")
