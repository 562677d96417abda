"""The metric keys of a weam run, and its metrics gathered from the evaluation stages.

Spellings (also declared in the capability table): `{task}/{setting}/{lang|avg}/{metric}` for
xnli and mlqa; `bitext/en-{lang}/p@1`, `bitext/{lang}-en/p@1`, `bitext/{lang}/p@1`,
`bitext/avg/p@1`; `stats/{task}/{lang}/{mean_tokens|mean_words|examples}`; the tiny base's
`base/{lang}/{mlm-loss|mlm-accuracy}` (en and the targets; see base_eval.py).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from reproductions.common.files import read_json
from reproductions.common.metrics import mean
from reproductions.weam import base_eval
from reproductions.weam.base_eval import base_eval_sentences
from reproductions.weam.config import WeamConfig, mlqa_languages
from reproductions.weam.stages import mlqa_not_run, qa_runs

if TYPE_CHECKING:
    from reproductions.weam.pipeline import Pipeline

TASK_METRICS = {"xnli": ["accuracy"], "mlqa": ["f1", "em"]}
"""Metric names per evaluated task."""


def task_languages(cfg: WeamConfig, task: str) -> list[str]:
    """Target languages a task is evaluated in."""
    return list(cfg.languages) if task == "xnli" else mlqa_languages(cfg)


def metric_names(cfg: WeamConfig) -> list[str]:
    """Every metric key a run of `cfg` reports (None-valued where it cannot run)."""
    names = []
    for task in cfg.tasks:
        if task in TASK_METRICS:
            langs = task_languages(cfg, task)
            for setting in cfg.settings:
                if task == "mlqa" and not qa_runs(cfg):
                    targets = langs or ["avg"]
                else:
                    zero = ["en"] if setting == "zero-shot" else []
                    targets = [*zero, *langs, "avg"] if langs else []
                kinds = TASK_METRICS[task]
                names += [f"{task}/{setting}/{lang}/{k}" for lang in targets for k in kinds]
        elif task == "bitext":
            for lang in cfg.languages:
                names += [f"bitext/en-{lang}/p@1", f"bitext/{lang}-en/p@1", f"bitext/{lang}/p@1"]
            names.append("bitext/avg/p@1")
    if "stats" in cfg.tasks:
        names.append("stats/...")
    if base_eval_sentences(cfg):
        names += [f"base/{lang}/{m}" for lang in ["en", *cfg.languages] for m in base_eval.METRICS]
    return names


def collect(p: Pipeline) -> tuple[dict[str, float | None], dict[str, str]]:
    """Build every evaluation stage; return (metrics, not-run reasons)."""
    c = p.cfg
    out: dict[str, float | None] = {}
    not_run: dict[str, str] = {}
    stage_metrics = {}
    for label, spec in p.graph.stages.items():
        if spec.name in ("eval-mlm", "eval-cls", "eval-qa", "bitext", "stats"):
            stage_metrics[label] = read_json(p.ensure(label) / "metrics.json")

    if base_eval.LABEL in stage_metrics:
        out.update(base_eval.result_metrics(stage_metrics[base_eval.LABEL]))
    for task in [t for t in c.tasks if t in TASK_METRICS]:
        names = TASK_METRICS[task]
        langs = task_languages(c, task)
        if task == "mlqa" and not qa_runs(c):
            for setting in c.settings:
                for lang in langs or ["avg"]:
                    for name in names:
                        out[f"mlqa/{setting}/{lang}/{name}"] = None
            not_run["mlqa"] = mlqa_not_run(c)
            continue
        for setting in c.settings:
            for name in names:
                values = []
                for lang in (["en"] if setting == "zero-shot" else []) + langs:
                    label = eval_label(task, setting, lang)
                    key = lang if task == "xnli" else f"{lang}/{name}"
                    value = float(stage_metrics[label][key])
                    out[f"{task}/{setting}/{lang}/{name}"] = value
                    if lang != "en":
                        values.append(value)
                out[f"{task}/{setting}/avg/{name}"] = mean(values) if values else None

    if "bitext" in c.tasks:
        m = stage_metrics["bitext"]
        both = []
        for lang in c.languages:
            fwd, bwd = float(m[f"en-{lang}"]), float(m[f"{lang}-en"])
            out[f"bitext/en-{lang}/p@1"], out[f"bitext/{lang}-en/p@1"] = fwd, bwd
            out[f"bitext/{lang}/p@1"] = (fwd + bwd) / 2
            both.append((fwd + bwd) / 2)
        out["bitext/avg/p@1"] = mean(both)
    if "stats" in c.tasks:
        for key, value in stage_metrics["stats"].items():
            out[f"stats/{key}"] = None if isinstance(value, float) and math.isnan(value) else value
    return out, not_run


def eval_label(task: str, setting: str, lang: str) -> str:
    """Label of the evaluation stage that measures `lang` in `setting`."""
    return f"eval/{task}/{setting}" + ("" if setting == "zero-shot" else f"/{lang}")


def predicted_classes(p: Pipeline) -> dict[str, int]:
    """`xnli/{setting}/{lang}` -> distinct labels the classifier predicted (1: collapsed)."""
    out = {}
    for label, spec in p.graph.stages.items():
        if spec.name == "eval-cls":
            metrics = read_json(p.ensure(label) / "metrics.json")
            setting = label.split("/")[2]
            for lang in spec.params["languages"]:
                if f"{lang}/classes" in metrics:  # absent from stages built before it was recorded
                    out[f"xnli/{setting}/{lang}"] = metrics[f"{lang}/classes"]
    return out
