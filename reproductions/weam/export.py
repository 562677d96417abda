"""A weam encoder for other recipes: the model a weam run's evaluations would start from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reproductions.common.recipe import RunContext
from reproductions.weam.config import check_model_fits, resolve
from reproductions.weam.recipe import data_identity, open_source
from reproductions.weam.stages import build_graph


def encoder_key(raw: dict[str, Any]) -> str:
    """Cache key of the encoder a weam config yields (computable without training)."""
    cfg = resolve({**raw, "tasks": []})
    graph = build_graph(cfg, data_identity(cfg))
    return graph.key(graph.encoder)


def build_encoder(raw: dict[str, Any], ctx: RunContext) -> Path:
    """Folder (save_pretrained model and tokenizer) of the encoder of weam config `raw`.

    Built through the shared stage cache, so a weam run of the same config reuses it.
    """
    from reproductions.weam.pipeline import Pipeline

    cfg = resolve({**raw, "tasks": []})
    check_model_fits(cfg)
    graph = build_graph(cfg, data_identity(cfg))
    pipeline = Pipeline(cfg, ctx, open_source(cfg, ctx.cache), graph)
    return Path(pipeline.encoder_path())
