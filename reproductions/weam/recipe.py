"""The weam recipe behind the contract: resolve_config, plan (no downloads) and run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reproductions.common.cache import StageCache
from reproductions.common.recipe import RecipeResult, RunContext
from reproductions.weam.capabilities import CAPABILITIES, PAPER_HYPERPARAMETERS
from reproductions.weam.config import WeamConfig, check_model_fits, resolve, to_dict
from reproductions.weam.data import DataSource, DirSource
from reproductions.weam.hub import HubSource
from reproductions.weam.metric_keys import metric_names
from reproductions.weam.stages import (
    build_graph,
    mlqa_not_run,
    qa_runs,
    synthetic_spec,
    synthetic_stage,
)
from reproductions.weam.synthetic import generate

__all__ = ["CAPABILITIES", "metric_names", "plan", "resolve_config", "run"]

MINI_NOTE = (
    "mini is a small-scale stand-in (tiny BERT pre-trained here, minibench data): evidence about "
    "the method's direction at small scale, never 'reproduced as published'"
)


def resolve_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Profile defaults applied and validated, as plain data."""
    cfg = resolve(raw)
    check_model_fits(cfg)
    return to_dict(cfg)


def _cfg(config: dict[str, Any]) -> WeamConfig:
    return resolve({k: v for k, v in config.items() if k != "recipe"})


def data_identity(cfg: WeamConfig) -> str:
    """The data hash stage keys use; computed without generating or downloading anything."""
    if cfg.data_source == "synthetic":
        return synthetic_stage(cfg).key
    if cfg.data_source == "dir":
        assert cfg.data_dir is not None
        return DirSource(Path(cfg.data_dir)).identity()
    return HubSource(cfg.hub_datasets, cfg.max_parallel_pairs).identity()


def open_source(cfg: WeamConfig, cache: StageCache) -> DataSource:
    """The run's data (the smoke profile's is generated into the stage cache first)."""
    if cfg.data_source == "synthetic":
        spec = synthetic_spec(cfg)
        path, _ = cache.ensure(synthetic_stage(cfg), lambda out: {"dir": str(generate(spec, out))})
        return DirSource(path, name="synthetic smoke set (made-up en/de/fr words)")
    if cfg.data_source == "dir":
        assert cfg.data_dir is not None
        return DirSource(Path(cfg.data_dir), name="minibench (mini stand-in)")
    return HubSource(cfg.hub_datasets, cfg.max_parallel_pairs)


def stand_ins(cfg: WeamConfig) -> dict[str, str]:
    """What each requested task stands in for at this profile."""
    out = {}
    for task in cfg.tasks:
        stand_in = CAPABILITIES["tasks"][task]["details"].get("stand_in", {})
        if cfg.profile in stand_in:
            out[task] = stand_in[cfg.profile]
    return out


def plan(config: dict[str, Any], cache_root: Path | None = None) -> dict[str, Any]:
    """Stage graph, data, model and expected metrics; downloads and trains nothing."""
    cfg = _cfg(config)
    check_model_fits(cfg)
    data_id = data_identity(cfg)
    graph = build_graph(cfg, data_id)
    not_run = {}
    if "mlqa" in cfg.tasks and not qa_runs(cfg):
        not_run["mlqa"] = mlqa_not_run(cfg)
    return {
        "stages": graph.describe(cache_root),
        "data": {
            "source": cfg.data_source,
            "identity": data_id,
            "data_dir": cfg.data_dir,
            "hub_datasets": cfg.hub_datasets if cfg.data_source == "hub" else None,
            "stand_ins": stand_ins(cfg),
        },
        "model": graph.base or {"tiny_bert": cfg.model_size, "vocab_size": cfg.vocab_size},
        "metrics": metric_names(cfg),
        "not_run": not_run,
        "paper_hyperparameters": PAPER_HYPERPARAMETERS,
    }


def run(config: dict[str, Any], ctx: RunContext) -> RecipeResult:
    """Build (or reuse) every stage, evaluate, and report metrics with their provenance."""
    # Imported here: resolve_config and plan must stay light (no torch, no transformers).
    from reproductions.common.device import resolve_precision
    from reproductions.common.provenance import package_versions
    from reproductions.weam import base_eval
    from reproductions.weam.metric_keys import collect, predicted_classes
    from reproductions.weam.pipeline import Pipeline
    from reproductions.weam.references import reference_metrics

    cfg = _cfg(config)
    check_model_fits(cfg)
    source = open_source(cfg, ctx.cache)
    graph = build_graph(cfg, data_identity(cfg))
    pipeline = Pipeline(cfg, ctx, source, graph)
    pipeline.check_inputs()
    metrics, not_run = collect(pipeline)
    for name, value in metrics.items():
        if value is not None and not name.startswith("stats/"):
            ctx.events.metric(name, value)
    metrics.update(reference_metrics(pipeline, metrics))
    base = base_eval.stage_metrics(pipeline)
    if base is not None:
        metrics.update(base_eval.reference_metrics(base))
        ctx.events.log(base_eval.summary(base), stage=base_eval.LABEL)
    for task, reason in not_run.items():
        ctx.events.log(f"{task}: {reason}", task=task, not_run=True)
    details = {
        "profile": cfg.profile,
        "system": cfg.system,
        "stand_ins": stand_ins(cfg),
        "not_run": not_run,
        "precision_used": resolve_precision(cfg.precision, ctx.device),
        "stages": pipeline.built,
        "predicted_classes": predicted_classes(pipeline),
        "data": source.provenance(),
        "packages_extra": package_versions(("eflomal",)),
    }
    if cfg.profile != "paper":
        details["note"] = MINI_NOTE
    return RecipeResult(metrics=metrics, data_manifest_hash=source.identity(), details=details)
