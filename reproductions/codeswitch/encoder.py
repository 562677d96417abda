"""Rankers initialised from a weam encoder (`encoder_init`): validation, stage keys, folder.

With `encoder_init` set to a weam system, every ranker starts from the encoder a weam run of
`{profile, system: encoder_init, seed, data_dir, **encoder_weam}` evaluates from, with that
encoder's tokenizer; it is built through the shared stage cache, so a weam run of the same config
reuses it. The ranker's seed is the weam seed, so seeds vary the whole chain (the weam base model
keeps its own fixed `base_seed`, like the one mBERT checkpoint).

Execution fields never go through `encoder_weam` (it is hashed with the run): the weam stages are
built in this run's stage cache, on its device and threads, and read this run's `data_dir`.

What the tokenizer sees: weam's WordPiece is learnt from weam's parallel text. At smoke that is
weam's own synthetic set, whose made-up words differ from codeswitch's synthetic set, so the
retrieval text is split into unrelated pieces (smoke only exercises the code path). At mini both
recipes read the same minibench folder (weam: parallel/ and cls/; codeswitch: ir/ and lexicon/),
so the vocabulary covers the retrieval text's languages. At paper the encoder is mBERT-based
(bert-base-multilingual-cased and its tokenizer) instead of multilingual MiniLM.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.recipe import ConfigError, RunContext
from reproductions.contract import EXECUTION_FIELDS
from reproductions.weam import export
from reproductions.weam.export import EncoderPlan as WeamEncoder

if TYPE_CHECKING:
    from reproductions.codeswitch.config import CodeSwitchConfig

__all__ = ["WeamEncoder", "base_metrics", "build", "describe", "validate", "weam_raw"]

FROM_RUN = ("profile", "system", "seed", "tasks")
"""Weam fields this run sets itself (tasks: none, only the encoder is built)."""


def weam_raw(cfg: CodeSwitchConfig) -> dict[str, Any]:
    """The weam config whose encoder the rankers start from."""
    raw: dict[str, Any] = {"profile": cfg.profile, "system": cfg.encoder_init, "seed": cfg.seed}
    if cfg.data_dir:
        raw["data_dir"] = cfg.data_dir
    return {**raw, **(cfg.encoder_weam or {})}


def validate(cfg: CodeSwitchConfig, model_set_by_user: bool) -> None:
    """Check encoder_init/encoder_weam in place (canonical name, no profile default model)."""
    if cfg.encoder_weam == {}:
        cfg.encoder_weam = None  # one identity for "no extra weam fields"
    if cfg.encoder_init is None:
        if cfg.encoder_weam is not None:
            raise ConfigError("encoder_weam is only read with encoder_init (a weam system)")
        return
    if model_set_by_user:
        raise ConfigError(
            "encoder_init and model_name_or_path both name the rankers' initial encoder; "
            "set only one of them"
        )
    name = export.system_name(cfg.encoder_init)
    if name is None:
        raise ConfigError(
            f"encoder_init {cfg.encoder_init!r} is not a weam system: {export.SYSTEMS}"
        )
    cfg.encoder_init = name
    cfg.model_name_or_path = None  # at paper, the profile's MiniLM gives way to the weam encoder
    if cfg.encoder_weam is not None and not isinstance(cfg.encoder_weam, dict):
        raise ConfigError("encoder_weam must be a mapping of weam config fields")
    taken = sorted(set(cfg.encoder_weam or {}) & {*FROM_RUN, *EXECUTION_FIELDS})
    if taken:
        raise ConfigError(
            f"encoder_weam may not set {taken}: profile, system (encoder_init) and seed come from "
            "this run, no weam tasks run, and execution fields are this run's"
        )
    try:
        positions = export.check(weam_raw(cfg))
    except ConfigError as exc:
        raise ConfigError(f"encoder_weam (weam config of encoder_init {name!r}): {exc}") from exc
    if positions is not None and cfg.max_length > positions:
        raise ConfigError(
            f"max_length {cfg.max_length} exceeds the weam encoder's {positions} "
            "positions (its base_max_length): lower max_length or raise "
            "encoder_weam.base_max_length"
        )


def describe(cfg: CodeSwitchConfig) -> WeamEncoder:
    """The weam encoder of `cfg` (keys only; trains and downloads nothing)."""
    return export.describe(weam_raw(cfg))


def build(cfg: CodeSwitchConfig, ctx: RunContext) -> Path:
    """Folder (or hub name) of the weam encoder, built in the shared stage cache if missing."""
    path = export.build_encoder(weam_raw(cfg), ctx)
    config = path / "config.json"
    if config.is_file():
        positions = json.loads(config.read_text(encoding="utf-8")).get("max_position_embeddings")
        if positions is not None and cfg.max_length > positions:
            raise ConfigError(
                f"max_length {cfg.max_length} exceeds the weam encoder's {positions} positions"
            )
    return path


def base_metrics(cfg: CodeSwitchConfig, ctx: RunContext) -> tuple[dict[str, float | None], str]:
    """Held-out MLM numbers of the weam encoder's tiny base (none for a pretrained base)."""
    return export.base_metrics(weam_raw(cfg), ctx)
