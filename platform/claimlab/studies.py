"""Studies: answer a review's research question by sweeping one factor over seeds.

A study file (YAML) names the question, the recipe, the systems, the factor and its levels,
the task, setting, metric and language pairs, the profile and the seeds; `smoke:` and
`profiles:` blocks override fields per profile. Its runs go through the same queue as claim
reproductions and are shared with them by config hash.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from statistics import fmean, stdev
from typing import Any

import yaml
from rapidfuzz import fuzz
from scipy import stats

from claimlab import services
from claimlab.config import Settings
from claimlab.runs import recipes
from claimlab.runs.jobs import enqueue_runs, existing_runs
from claimlab.store.entities import ReportView
from claimlab.store.queue import RunRequest

REQUIRED = ("question", "recipe", "factor", "levels", "task", "metric")
QUESTION_MATCH = 80.0
"""rapidfuzz token_set_ratio at which a review's research question is the study's."""


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
        setting, _ = _where(s, pair)
        if setting is not None and setting not in table["settings"]:
            raise StudyError(
                f"{where}: pairs entry {pair!r}: unknown setting {setting!r}; "
                f"known: {sorted(table['settings'])}"
            )
    if s.profile not in ("smoke", "mini", "paper"):
        raise StudyError(f"{where}: profile must be smoke, mini or paper")
    if not isinstance(s.seeds, int) or s.seeds < 1:
        raise StudyError(f"{where}: seeds must be a positive whole number")
    try:
        recipes.resolve(
            _raw(s, s.systems[0] if s.factor != "system" else s.levels[0], s.levels[0], 1, None)
        )
    except ValueError as exc:  # the recipe's own ConfigError names the bad field
        raise StudyError(f"{where}: the recipe refuses the factor {s.factor!r}: {exc}") from exc


def _where(s: Study, pair: str | None) -> tuple[str | None, str | None]:
    """(setting, pair) of a pairs entry: `clir/en-de` names its setting when the study has none."""
    if s.setting is None and pair and "/" in str(pair):
        setting, _, rest = str(pair).partition("/")
        return setting, rest
    return s.setting, pair


def _raw(s: Study, system: str, level: Any, seed: int, settings: Settings | None) -> dict:
    raw: dict[str, Any] = {"recipe": s.recipe, "profile": s.profile, "seed": seed, **s.base}
    raw["system"] = system
    if s.factor != "system":
        raw[s.factor] = level
    if settings is not None:
        raw["cache_dir"] = str(settings.home / "cache")
    if s.profile == "mini":  # where the data lives is not part of the run's identity
        raw["data_dir"] = str(settings.mini_data_dir) if settings else "minibench"
    return raw


@dataclass(frozen=True)
class Cell:
    """One (level, system) of a study: its runs by seed."""

    level: Any
    system: str
    runs: dict[int, str]
    raws: dict[int, dict[str, Any]]


def cells(settings: Settings, study: Study) -> list[Cell]:
    """Every (level, system) with the config hash of each seed's run."""
    services.ensure_ready(settings)
    out = []
    systems = [None] if study.factor == "system" else study.systems
    for level in study.levels:
        for system in systems:
            name = level if study.factor == "system" else system
            runs, raws = {}, {}
            for seed in range(1, study.seeds + 1):
                raw = _raw(study, name, level, seed, settings)
                runs[seed] = recipes.resolve(raw)[1]
                raws[seed] = raw
            out.append(Cell(level, name, runs, raws))
    return out


def enqueue_study(settings: Settings, study: Study) -> tuple[int, int]:
    """Queue the study's missing runs; returns (new, already known)."""
    services.require_writable(settings)
    services.ensure_ready(settings)
    requests = []
    for cell in cells(settings, study):
        for seed, digest in cell.runs.items():
            config, _ = recipes.resolve(cell.raws[seed])
            requests.append(RunRequest(study.recipe, study.profile, seed, config, digest))
    created = [c for _, c in enqueue_runs(settings, requests)]
    return sum(created), len(created) - sum(created)


@dataclass(frozen=True)
class Row:
    """Mean and 95% CI of one (level, system, pair) over seeds."""

    level: Any
    system: str
    pair: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    values: list[float]
    pending: int


def lookup(settings: Settings, study: Study) -> tuple[list[Cell], dict[str, Any]]:
    """The study's cells and the recorded runs among them, by config hash."""
    all_cells = cells(settings, study)
    return all_cells, existing_runs(settings, [d for c in all_cells for d in c.runs.values()])


def table(
    settings: Settings, study: Study, found: tuple[list[Cell], dict[str, Any]] | None = None
) -> list[Row]:
    """The study's numbers from finished runs (rows with n = 0 are still pending).

    `found` is a `lookup` already made, so a caller that also needs the runs reads them once.
    """
    all_cells, known = found or lookup(settings, study)
    rows = []
    for cell in all_cells:
        for pair in study.pairs:
            key = recipes.metric_key(study.recipe, study.task, *_where(study, pair), study.metric)
            values, pending = [], 0
            for digest in cell.runs.values():
                run = known.get(digest)
                if run is None or run.status != "succeeded":
                    pending += 1
                elif run.metrics.get(key) is not None:
                    values.append(float(run.metrics[key]))
            mean, lo, hi = _interval(values)
            rows.append(
                Row(
                    cell.level,
                    cell.system,
                    pair or "avg",
                    len(values),
                    mean,
                    lo,
                    hi,
                    values,
                    pending,
                )
            )
    return rows


def _interval(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    mean = fmean(values)
    if len(values) < 2:
        return mean, None, None
    half = float(stats.t.ppf(0.975, len(values) - 1)) * stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def stand_in(study: Study) -> str:
    """What the study's task stands in for at its profile."""
    task = recipes.capabilities()[study.recipe]["tasks"][study.task]
    return task.get("details", {}).get("stand_in", {}).get(study.profile, study.task)


def answer(study: Study, rows: list[Row]) -> str:
    """A short answer in words from the numbers: direction, size, interval overlap."""
    head = f"At the {study.profile} profile (stand-in: {stand_in(study)}), {study.metric}"
    pairs = list(dict.fromkeys(r.pair for r in rows))
    parts = [_answer_pair(study, [r for r in rows if r.pair == p]) for p in pairs]
    parts = [p for p in parts if p]
    if not parts:
        return f"{head}: not enough finished runs yet to answer."
    return f"{head}: " + " ".join(parts)


def _answer_pair(study: Study, rows: list[Row]) -> str:
    done = [r for r in rows if r.mean is not None]
    if len(done) < 2:
        return ""
    best, worst = max(done, key=lambda r: r.mean), min(done, key=lambda r: r.mean)

    def name(r: Row) -> str:
        return r.system if study.factor == "system" else f"{r.system} at {study.label}={r.level}"

    overlap = best.ci_low is None or worst.ci_high is None or best.ci_low <= worst.ci_high
    verdict = (
        "their 95% intervals overlap, so the data do not separate them"
        if overlap
        else "their 95% intervals do not overlap"
    )
    text = (
        f"{rows[0].pair}: highest for {name(best)} ({best.mean:.3f}, n={best.n}), lowest for "
        f"{name(worst)} ({worst.mean:.3f}, n={worst.n}), a gap of {best.mean - worst.mean:.3f}; "
        f"{verdict}."
    )
    trends = [_trend(study, [r for r in done if r.system == system]) for system in study.systems]
    trends = [t for t in trends if t]
    return text + (" " + "; ".join(trends) + "." if trends and study.factor != "system" else "")


def _trend(study: Study, rows: list[Row]) -> str:
    """How one system's mean moves from the first level to the last."""
    if len(rows) < 2:
        return ""
    first, last = rows[0], rows[-1]
    if f"{first.mean:.3f}" == f"{last.mean:.3f}":  # no change at the precision shown
        span = f"{study.label}={first.level} to {last.level}"
        return f"{first.system} stays at {first.mean:.3f} from {span}"
    direction = "rises" if last.mean > first.mean else "falls"
    return (
        f"{first.system} {direction} from {first.mean:.3f} ({study.label}={first.level}) "
        f"to {last.mean:.3f} ({study.label}={last.level})"
    )


def matching_reports(
    settings: Settings, study: Study, reports: list[ReportView] | None = None
) -> list[str]:
    """Titles of the reviews (default: all ingested) whose research question is the study's."""
    return [
        r.title
        for r in (services.list_reports(settings) if reports is None else reports)
        if r.research_question
        and fuzz.token_set_ratio(r.research_question, study.question) >= QUESTION_MATCH
    ]


def write_outputs(settings: Settings, study: Study, rows: list[Row]) -> dict[str, Path]:
    """Write the table (CSV, JSON with the answer) and the plot (PNG) into the home folder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = settings.home / "studies" / f"{study.name}-{study.profile}"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, json_path, png_path = (folder / f"table.{ext}" for ext in ("csv", "json", "png"))
    with csv_path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f for f in Row.__dataclass_fields__])
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    text = answer(study, rows)
    json_path.write_text(
        json.dumps(
            {
                "study": study.name,
                "question": study.question,
                "profile": study.profile,
                "answer": text,
                "rows": [asdict(r) for r in rows],
            },
            indent=2,
            default=str,
        )
    )
    fig, axes = plt.subplots(
        1, len(study.pairs), figsize=(5 * len(study.pairs), 3.6), squeeze=False
    )
    for ax, pair in zip(axes[0], study.pairs, strict=True):
        sub = [r for r in rows if r.pair == (pair or "avg")]
        series = sorted({r.system for r in sub}) if study.factor != "system" else ["system"]
        xs = list(range(len(study.levels)))
        for k, system in enumerate(series):
            pts = [r for r in sub if study.factor == "system" or r.system == system]
            means = [r.mean if r.mean is not None else math.nan for r in pts]
            err = [
                [(r.mean - r.ci_low) if r.ci_low is not None else 0 for r in pts],
                [(r.ci_high - r.mean) if r.ci_high is not None else 0 for r in pts],
            ]
            ax.errorbar(
                [x + 0.06 * k for x in xs[: len(pts)]],
                means,
                yerr=err,
                marker="o",
                capsize=3,
                label=system,
            )
        ax.set_xticks(xs, [str(level) for level in study.levels])
        ax.set_xlabel(study.label)
        ax.set_ylabel(f"{study.metric} ({pair or 'avg'})")
        ax.legend(fontsize=8)
    fig.suptitle(f"{study.name} · {study.profile} profile · mean ± 95% CI", fontsize=9)
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)
    plt.close(fig)
    return {"csv": csv_path, "json": json_path, "png": png_path}
