"""Study files: read, validate against the recipes' capabilities, apply profile overrides."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from claimlab.records import PROFILES
from claimlab.runs import recipes
from claimlab.runs.requests import raw_config

REQUIRED = ("question", "recipe", "factor", "levels", "task", "metric")


class StudyError(ValueError):
    """A study file that cannot be used; names the file and the field."""


@dataclass(frozen=True)
class Study:
    """A validated study at one profile."""

    path: str
    name: str
    question: str
    recipe: str
    factor: str
    levels: list[Any]
    task: str
    metric: str
    systems: list[str] = field(default_factory=list)
    """Systems compared at every level (unused when the factor is `system`)."""
    setting: str | None = None
    pairs: list[str | None] = field(default_factory=lambda: [None])
    """Language pairs; with no `setting`, entries may name theirs too (`clir/en-de`)."""
    profile: str = "mini"
    seeds: int = 3
    base: dict[str, Any] = field(default_factory=dict)
    """Fixed config fields for every run of the study."""
    label: str = ""
    """How the factor reads in tables and plots."""


@dataclass(frozen=True)
class BrokenStudy:
    """A study file that could not be loaded, with the reason."""

    path: str
    name: str
    error: str


def load_study(path: Path, profile: str | None = None) -> Study:
    """Read and validate a study file, applying the overrides of `profile`."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StudyError(f"{where}: cannot read study: {exc}") from exc
    if not isinstance(data, dict):
        raise StudyError(f"{where}: a study is a YAML mapping")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise StudyError(f"{where}: missing field(s): {', '.join(missing)}")
    profile = profile or data.get("profile", "mini")
    overrides = (data.get("profiles") or {}).get(profile) or {}
    if not isinstance(overrides, dict):
        raise StudyError(f"{where}: profiles.{profile} must be a mapping")
    merged = {**data, **overrides, "profile": profile}
    base = {**(data.get("base") or {}), **(overrides.get("base") or {})}
    known = set(Study.__dataclass_fields__) - {"path", "name"}
    unknown = set(merged) - known - {"profiles", "description"}
    if unknown:
        raise StudyError(f"{where}: unknown field(s): {', '.join(sorted(unknown))}")
    study = Study(
        path=where,
        name=path.stem,
        **{k: v for k, v in merged.items() if k in known and k != "base"},
        base=base,
    )
    _validate(study)
    return replace(study, label=study.label or study.factor)


def list_studies(folder: Path, profile: str | None = None) -> list[Study | BrokenStudy]:
    """Every `*.yaml` study in `folder` by file name; a file that fails is listed with its error."""
    out: list[Study | BrokenStudy] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            out.append(load_study(path, profile))
        except StudyError as exc:
            out.append(BrokenStudy(str(path), path.stem, str(exc)))
    return out


def split_pair(s: Study, pair: str | None) -> tuple[str | None, str | None]:
    """(setting, pair) of a pairs entry: `clir/en-de` names its setting when the study has none."""
    if s.setting is None and pair and "/" in str(pair):
        setting, _, rest = str(pair).partition("/")
        return setting, rest
    return s.setting, pair


def raw_of(
    s: Study,
    system: str,
    level: Any,
    seed: int,
    *,
    data_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
) -> dict[str, Any]:
    """The raw run config of `system` at `level` for one seed."""
    fields: dict[str, Any] = {**s.base, "system": system}
    if s.factor != "system":
        fields[s.factor] = level
    return raw_config(s.recipe, s.profile, seed, fields, data_dir=data_dir, cache_dir=cache_dir)


def _validate(s: Study) -> None:
    caps = recipes.capabilities()
    where = s.path
    if s.recipe not in caps:
        raise StudyError(f"{where}: recipe {s.recipe!r} is not one of {', '.join(caps)}")
    table = caps[s.recipe]
    if not isinstance(s.levels, list) or not s.levels:
        raise StudyError(f"{where}: levels must be a non-empty list")
    if s.factor != "system" and (not isinstance(s.systems, list) or not s.systems):
        raise StudyError(f"{where}: systems must be a non-empty list")
    for system in s.systems if s.factor != "system" else s.levels:
        if system not in table["systems"]:
            raise StudyError(
                f"{where}: unknown system {system!r}; known: {sorted(table['systems'])}"
            )
    if s.task not in table["tasks"]:
        raise StudyError(f"{where}: unknown task {s.task!r}; known: {sorted(table['tasks'])}")
    if s.metric not in table["metrics"]:
        raise StudyError(f"{where}: unknown metric {s.metric!r}; known: {sorted(table['metrics'])}")
    if s.setting is not None and s.setting not in table["settings"]:
        raise StudyError(f"{where}: unknown setting {s.setting!r}")
    if not isinstance(s.pairs, list) or not s.pairs:
        raise StudyError(f"{where}: pairs must be a non-empty list")
    for pair in s.pairs:
        setting, _ = split_pair(s, pair)
        if setting is not None and setting not in table["settings"]:
            raise StudyError(
                f"{where}: pairs entry {pair!r}: unknown setting {setting!r}; "
                f"known: {sorted(table['settings'])}"
            )
    if s.profile not in PROFILES:
        raise StudyError(f"{where}: profile must be {', '.join(PROFILES[:-1])} or {PROFILES[-1]}")
    if not isinstance(s.seeds, int) or s.seeds < 1:
        raise StudyError(f"{where}: seeds must be a positive whole number")
    first = s.systems[0] if s.factor != "system" else s.levels[0]
    try:
        recipes.resolve(raw_of(s, first, s.levels[0], 1, data_dir="minibench"))
    except ValueError as exc:  # the recipe's own ConfigError names the bad field
        raise StudyError(f"{where}: the recipe refuses the factor {s.factor!r}: {exc}") from exc
