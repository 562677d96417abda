"""The codeswitch recipe behind the contract: resolve_config, plan, run.

One run trains (or reuses from the stage cache) the re-rankers its system needs for the requested
settings, re-ranks each setting's first-stage candidates, and reports MRR@10 per setting, the
average per kind, and a paired t-test against the zero-shot model of the same seed.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from reproductions.codeswitch.base_eval import base_eval_metrics
from reproductions.codeswitch.capabilities import CAPABILITIES
from reproductions.codeswitch.config import CodeSwitchConfig, resolve
from reproductions.codeswitch.data import IRData, load_ir_dir
from reproductions.codeswitch.evaluation import collect_metrics, rerank
from reproductions.codeswitch.inputs import (
    cannot_run,
    data_name,
    load_lexicons,
    load_translate_lexicons,
    materialise_data,
    setting_pair,
)
from reproductions.codeswitch.references import reference_metrics
from reproductions.codeswitch.stages import StageGraph
from reproductions.codeswitch.training import base_tokenizer_and_model_dir, ensure_ranker
from reproductions.codeswitch.variants import variant_for
from reproductions.common.cache import StageCache
from reproductions.common.files import read_json, write_json_atomic
from reproductions.common.recipe import RecipeResult, RunContext

__all__ = ["CAPABILITIES", "plan", "resolve_config", "run"]


def resolve_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Profile defaults applied to the run's fields, validated."""
    return asdict(resolve(raw))


def _cfg(config: dict[str, Any]) -> CodeSwitchConfig:
    return resolve({k: v for k, v in config.items() if k != "recipe"})


def plan(config: dict[str, Any], cache_root: Path | None = None) -> dict[str, Any]:
    """Stage graph (keys, inputs, dependencies, cached or not); reads nothing but local hashes."""
    graph = StageGraph(_cfg(config))
    specs = graph.all_specs()
    cache = StageCache(cache_root) if cache_root else None
    by_key = {s.key: s.label or s.name for s in specs}
    if graph.weam_encoder is not None:
        by_key.update(graph.weam_encoder.named_keys)
    stages = []
    for spec in specs:
        entry = spec.describe()
        deps = [*spec.upstream.values(), *([spec.data] if spec.data in by_key else [])]
        entry["depends_on"] = [by_key.get(k, k) for k in deps]
        entry["cached"] = cache.is_complete(spec) if cache else None
        stages.append(entry)
    return {
        "stages": stages,
        "encoder": _encoder_summary(graph),
        "variants": [v.label for v in graph.variants],
        "lexicons_needed": [f"en-{lang}" for lang in graph.lexicon_langs],
        "warnings": graph.warnings,
        "not_run": graph.not_run,
    }


def _base_mlm(
    cfg: CodeSwitchConfig, graph: StageGraph, data: IRData, ctx: RunContext
) -> dict[str, float | None]:
    """Held-out MLM numbers of the rankers' tiny base (a weam one or this run's), logged."""
    from reproductions.common import base_mlm

    if graph.weam_encoder is not None:
        from reproductions.codeswitch.encoder import base_metrics

        metrics, summary = base_metrics(cfg, ctx)
        label = "weam/eval/base-mlm"
    else:
        spec = graph.base_eval_spec()
        if spec is None:
            return {}
        base_dir, _ = base_tokenizer_and_model_dir(cfg, graph, data, ctx)
        assert base_dir is not None
        stage = base_eval_metrics(cfg, graph, data, Path(base_dir), ctx)
        assert stage is not None
        metrics = {**base_mlm.result_metrics(stage), **base_mlm.reference_metrics(stage)}
        summary, label = base_mlm.summary(stage), spec.label
    for name, value in metrics.items():
        if value is not None and not name.startswith("ref/"):
            ctx.events.metric(name, value)
    if summary:
        ctx.events.log(summary, stage=label)
    return metrics


def _encoder_summary(graph: StageGraph) -> dict[str, Any]:
    """What the rankers start from: this recipe's model, or a weam encoder and its key."""
    cfg, weam = graph.cfg, graph.weam_encoder
    if weam is None:
        pre = graph.pretrain_spec()
        model = cfg.model_name_or_path or (
            f"tiny BERT ({cfg.model_size}), " + ("MLM pre-trained here" if pre else "from scratch")
        )
        return {"init": None, "model": model}
    from reproductions.codeswitch.encoder import weam_raw

    return {
        "init": weam.system,
        "recipe": "weam",
        "key": weam.key,
        "stage": weam.stage,
        "model": weam.model,
        "weam_config": {k: v for k, v in weam_raw(cfg).items() if k != "data_dir"},
    }


def run(config: dict[str, Any], ctx: RunContext) -> RecipeResult:
    """Train what is missing, evaluate every setting, return metrics."""
    from reproductions.common.device import resolve_precision

    cfg = _cfg(config)
    graph = StageGraph(cfg)
    lexicons = load_lexicons(cfg, graph, ctx)  # fails before any training when one is missing
    translate = load_translate_lexicons(cfg, graph, ctx)  # paper translate-test: X->EN
    data_dir = materialise_data(cfg, graph, ctx)
    data = load_ir_dir(
        data_dir, cfg.negatives, cfg.negative_depth, cfg.data_seed, name=data_name(cfg)
    )
    not_run = cannot_run(cfg, graph, data)

    per_query: dict[str, dict[str, dict[str, float]]] = {}
    for setting, system in graph.evaluations():
        if setting in not_run:
            continue
        spec = graph.eval_spec(setting, system)
        if not ctx.cache.is_complete(spec):
            variant = variant_for(system, *setting_pair(graph, setting))
            ranker = ensure_ranker(cfg, graph, variant, data, lexicons, ctx)

            def build(out: Path, s: str = setting, y: str = system, r: Path = ranker) -> dict:
                return rerank(cfg, s, y, r, data, {**lexicons, **translate}, ctx, out)

            ctx.cache.ensure(spec, build)
            ctx.events.log(f"evaluated {system} on {setting}", stage=spec.label)
        per_query.setdefault(system, {})[setting] = read_json(
            ctx.cache.path(spec) / "per_query.json"
        )

    metrics = collect_metrics(cfg, per_query, not_run)
    for name, value in metrics.items():
        if value is not None:
            ctx.events.metric(name, value, step=cfg.train_steps)
    metrics.update(reference_metrics(cfg, data, not_run))
    metrics.update(_base_mlm(cfg, graph, data, ctx))
    write_json_atomic(ctx.workdir / "per_query.json", per_query)
    details = {
        "recipe_details": {
            "data": data.name,
            "stand_in": CAPABILITIES["tasks"]["passage-reranking"]["details"]["stand_in"][
                cfg.profile
            ],
            "first_stage": (
                "English BM25 candidates for every setting (ids are parallel), as the paper's "
                "top1000.dev"
                if cfg.first_stage == "en"
                else "BM25 run in the document language (bm25.mlir for mixed documents)"
            ),
            "precision_effective": resolve_precision(cfg.precision, ctx.device),
            "not_run": not_run,
            "lexicons": {lang: lex.report() for lang, lex in lexicons.items()},
            "encoder": _encoder_summary(graph),
            "stages": {s.label or s.name: s.key for s in graph.all_specs()},
            "variants": [v.label for v in graph.variants],
        }
    }
    return RecipeResult(metrics=metrics, data_manifest_hash=graph.data_hash(), details=details)
