"""A study's runs: one cell per (level, system), one run per seed, shared by config hash."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimlab.records import RunRequest
from claimlab.runs import recipes
from claimlab.runs.requests import run_request
from claimlab.studies.files import Study, raw_of


@dataclass(frozen=True)
class Cell:
    """One (level, system) of a study: its runs by seed."""

    level: Any
    system: str
    runs: dict[int, str]
    """seed -> config hash."""
    configs: dict[int, dict[str, Any]]
    """seed -> resolved config."""


def cells(study: Study, data_dir: Path | None = None, cache_dir: Path | None = None) -> list[Cell]:
    """Every (level, system) with the resolved config and hash of each seed's run."""
    out = []
    systems = [None] if study.factor == "system" else study.systems
    for level in study.levels:
        for system in systems:
            name = level if study.factor == "system" else system
            runs, configs = {}, {}
            for seed in range(1, study.seeds + 1):
                raw = raw_of(study, name, level, seed, data_dir=data_dir, cache_dir=cache_dir)
                configs[seed], runs[seed] = recipes.resolve(raw)
            out.append(Cell(level, name, runs, configs))
    return out


def requests(study: Study, found: list[Cell], priority: int = 0) -> list[RunRequest]:
    """Queue requests for every run of the cells."""
    return [
        run_request(
            study.recipe, study.profile, seed, cell.configs[seed], digest, priority=priority
        )
        for cell in found
        for seed, digest in cell.runs.items()
    ]


def digests(found: list[Cell]) -> list[str]:
    """Config hashes of every run of the cells."""
    return [d for c in found for d in c.runs.values()]
