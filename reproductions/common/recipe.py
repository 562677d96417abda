"""What every recipe module provides, and the context the contract hands to a run."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from reproductions.common.cache import StageCache
from reproductions.common.events import EventWriter

if TYPE_CHECKING:
    import torch


class ConfigError(ValueError):
    """The run config is invalid (unknown field, bad value, missing lexicon, ...)."""


@dataclass
class RunContext:
    """Where a run writes and what it may reuse."""

    workdir: Path
    """The run's own folder (events.jsonl, result.json, checkpoints/)."""
    events: EventWriter
    """Event log of this run."""
    cache: StageCache
    """Shared stage cache (may serve several runs)."""
    device: torch.device
    """Device to train and evaluate on."""

    @property
    def checkpoints(self) -> Path:
        """Resumable training state of this run's stages: `workdir/checkpoints/<stage>`."""
        return self.workdir / "checkpoints"


@dataclass
class RecipeResult:
    """What a recipe's run returns to the contract."""

    metrics: dict[str, float | None]
    """Metric name -> value; None for a setting that could not be measured (see `not_run`)."""
    data_manifest_hash: str | None = None
    """Hash of the data the run read."""
    details: dict[str, Any] = field(default_factory=dict)
    """Recipe-specific extras stored in provenance (stage keys, stand-in names, not_run reasons)."""


class Recipe(Protocol):
    """The module-level interface the contract dispatches to."""

    CAPABILITIES: dict[str, Any]

    def resolve_config(self, raw: dict[str, Any]) -> dict[str, Any]: ...

    def plan(self, config: dict[str, Any], cache_root: Path | None = None) -> dict[str, Any]: ...

    def run(self, config: dict[str, Any], ctx: RunContext) -> RecipeResult: ...


T = TypeVar("T")


def config_from_dict(cls: type[T], raw: dict[str, Any], defaults: dict[str, Any]) -> T:
    """Build dataclass `cls` from `defaults` overridden by `raw`; unknown keys are an error."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"unknown config field(s) {unknown}; known: {sorted(names)}")
    return cls(**{**defaults, **raw})


def field_help(cls: type) -> dict[str, str]:
    """Field name -> help text, from `field(metadata={"help": ...})`."""
    return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}
