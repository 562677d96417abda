"""The config fields every recipe shares, and the opening checks of resolving a run config."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reproductions.common.recipe import ConfigError, config_from_dict


def option(default: Any, help: str) -> Any:
    """A dataclass field with help text; list and dict defaults are deep-copied per instance."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: copy.deepcopy(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class RecipeConfig:
    """Fields with the same name, default and meaning in every recipe (smoke defaults)."""

    profile: str = option("smoke", "smoke | mini | paper (sets every default below)")
    seed: int = option(1, "training seed of the run (the paper's runs vary it)")

    data_source: str = option("synthetic", "synthetic (generated), dir (data_dir) or the hub")
    data_dir: str | None = option(None, "data folder (minibench output at mini)")
    lexicon_dir: str | None = option(
        None, "folder of en-{lang}.txt lexicons (MUSE format); default: see the recipe"
    )

    model_name_or_path: str | None = option(None, "pretrained model; None: tiny BERT built here")
    model_size: str = option("smoke", "smoke | mini: tiny BERT size when no model_name_or_path")
    vocab_size: int = option(1000, "WordPiece vocabulary trained on the fly (tiny BERT only)")

    train_steps: int = option(
        30,
        "steps of the recipe's own training (weam: continued pre-training; codeswitch: "
        "each re-ranker)",
    )
    batch_size: int = option(16, "batch size of that training (sentence pairs; (query, passage))")
    learning_rate: float = option(5e-4, "peak learning rate of that training (AdamW)")
    warmup_steps: int = option(3, "linear warm-up steps, then linear decay")
    weight_decay: float = option(0.01, "AdamW weight decay, not on bias and LayerNorm")
    max_length: int = option(
        64, "tokens per input of that training (weam TLM: per side; codeswitch: query + passage)"
    )
    checkpoint_every: int = option(10, "save a resumable checkpoint every N training steps")
    precision: str = option(
        "fp32", "auto | fp32 | bf16 | fp16 (falls back to fp32 where unsupported)"
    )
    eval_batch_size: int = option(64, "inputs per evaluation batch")

    cache_dir: str | None = option(None, "stage cache root (default $REPRO_CACHE_DIR or DIR/cache)")
    device: str = option("auto", "auto | cpu | cuda[:n]")
    num_threads: int | None = option(None, "torch CPU threads (None: torch default)")


C = TypeVar("C", bound=RecipeConfig)


def resolve_profile(
    cls: type[C], raw: dict[str, Any], profiles: dict[str, dict[str, Any]], sources: tuple[str, ...]
) -> C:
    """`cls` from the profile's defaults and the run's fields, with the checks every recipe makes:
    known profile, known fields, a known data source, and data_dir when the source is a folder."""
    profile = raw.get("profile", "smoke")
    if profile not in profiles:
        raise ConfigError(f"unknown profile {profile!r}; choose one of {sorted(profiles)}")
    cfg = config_from_dict(cls, raw, copy.deepcopy(profiles[profile]))
    if cfg.data_source not in sources:
        raise ConfigError(
            f"data_source must be {', '.join(sources[:-1])} or {sources[-1]}, "
            f"not {cfg.data_source!r}"
        )
    if cfg.data_source == "dir" and not cfg.data_dir:
        raise ConfigError("data_source 'dir' needs data_dir (at mini: the minibench output folder)")
    return cfg
