"""A weam encoder for other recipes: the model a weam run's evaluations would start from.

Other recipes use weam only through this module: system names, checking a weam config, the
encoder's stages and key (for `plan`), the encoder itself, built in the shared stage cache, and
its tiny base's held-out MLM numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reproductions.common.cache import StageSpec
from reproductions.common.recipe import ConfigError, RunContext
from reproductions.weam.capabilities import canonical
from reproductions.weam.config import SYSTEMS, WeamConfig, check_model_fits, resolve
from reproductions.weam.recipe import data_identity, open_source
from reproductions.weam.stages import Graph, build_graph, synthetic_stage

__all__ = [
    "SYSTEMS",
    "EncoderPlan",
    "base_metrics",
    "build_encoder",
    "check",
    "describe",
    "encoder_key",
]


@dataclass(frozen=True)
class EncoderPlan:
    """The weam encoder of a config, as another recipe's `plan` shows it."""

    system: str
    """The weam system."""
    key: str
    """Cache key of the encoder (what `encoder_key` gives)."""
    stages: tuple[StageSpec, ...]
    """The weam stages that build it, labelled `weam/...` (none for a hub model as it is)."""
    stage: str | None
    """Label of the stage whose folder is the encoder; None: the hub model itself."""
    model: str
    """What the encoder is, in words."""
    named_keys: dict[str, str]
    """Keys that are no stage (a pretrained hub model) -> readable name, for `plan`."""


def system_name(name: str) -> str | None:
    """Canonical weam system for a name or alias, else None."""
    try:
        found = canonical("systems", name)
    except ConfigError:
        return None
    return found if found in SYSTEMS else None


def _config(raw: dict[str, Any]) -> WeamConfig:
    return resolve({**raw, "tasks": []})


def _graph(cfg: WeamConfig) -> Graph:
    return build_graph(cfg, data_identity(cfg))


def check(raw: dict[str, Any]) -> int | None:
    """Validate weam config `raw` (ConfigError if bad); the tiny encoder's positions, or None
    for a pretrained model."""
    cfg = _config(raw)
    check_model_fits(cfg)
    return cfg.base_max_length if cfg.model_name_or_path is None else None


def encoder_key(raw: dict[str, Any]) -> str:
    """Cache key of the encoder a weam config yields (computable without training)."""
    graph = _graph(_config(raw))
    return graph.key(graph.encoder)


def describe(raw: dict[str, Any]) -> EncoderPlan:
    """The encoder of weam config `raw` (keys only; trains and downloads nothing)."""
    weam = _config(raw)
    graph = _graph(weam)
    stages = list(graph.stages.values())
    if weam.data_source == "synthetic":
        stages.insert(0, synthetic_stage(weam))
    if weam.model_name_or_path is None:
        model = f"tiny BERT ({weam.model_size}) with weam's WordPiece, pre-trained by weam"
    else:
        model = f"{weam.model_name_or_path} (revision {weam.model_revision})"
    if weam.system != "mbert":
        model += f", continued with {weam.system}"
    return EncoderPlan(
        system=weam.system,
        key=graph.key(graph.encoder),
        stages=tuple(replace(s, label=f"weam/{s.label}") for s in stages),
        stage=f"weam/{graph.encoder}" if graph.encoder else None,
        model=model,
        named_keys={graph.key(""): f"weam/base:{weam.model_name_or_path}"} if graph.base else {},
    )


def build_encoder(raw: dict[str, Any], ctx: RunContext) -> Path:
    """Folder (save_pretrained model and tokenizer) of the encoder of weam config `raw`.

    Built through the shared stage cache, so a weam run of the same config reuses it.
    """
    from reproductions.weam.pipeline import Pipeline

    cfg = _config(raw)
    check_model_fits(cfg)
    pipeline = Pipeline(cfg, ctx, open_source(cfg, ctx.cache), _graph(cfg))
    return Path(pipeline.encoder_path())


def base_metrics(raw: dict[str, Any], ctx: RunContext) -> tuple[dict[str, float | None], str]:
    """The held-out MLM numbers of weam config `raw`'s tiny base (result keys with their
    references, and a summary line); ({}, "") for a pretrained base. Built in the stage cache."""
    from reproductions.weam import base_eval
    from reproductions.weam.pipeline import Pipeline

    cfg = _config(raw)
    pipeline = Pipeline(cfg, ctx, open_source(cfg, ctx.cache), _graph(cfg))
    stage = base_eval.stage_metrics(pipeline)
    if stage is None:
        return {}, ""
    metrics = {**base_eval.result_metrics(stage), **base_eval.reference_metrics(stage)}
    return metrics, base_eval.summary(stage)
