"""Reference baselines of a weam run, computed from its data (no model, seconds).

- xnli: `ref/chance/K` is the majority class of the training file the system fine-tunes on (en
  for zero-shot, the target language for translate-train) on the test set, never below
  1/classes; `ref/naive-bayes/K` (smoke, mini) is a bag-of-words naive Bayes trained on that
  same file. The avg keys average the target languages, like the metrics.
- mlqa: `ref/chance/K` is 0, the F1 and exact match of an empty answer.
- bitext: `ref/chance/K` is 1 / the held-out pairs searched.
- stats keys are data statistics (deterministic): no reference.
- base (the tiny base's held-out MLM): `ref/unigram/K`, the base corpus's token frequencies on
  the same masked positions, and `ref/chance/K`, uniform over the vocabulary: made beside the
  model's numbers in base_eval.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reproductions.common.metrics import mean
from reproductions.common.references import (
    fit_naive_bayes,
    majority_accuracy,
)
from reproductions.weam.data import ClsExample
from reproductions.weam.metric_keys import task_languages

if TYPE_CHECKING:
    from reproductions.weam.pipeline import Pipeline

NAIVE_BAYES_PROFILES = ("smoke", "mini")
"""Profiles whose results carry the naive-Bayes reference."""


def _text(example: ClsExample) -> str:
    return example.text if example.pair is None else f"{example.text} {example.pair}"


def reference_metrics(p: Pipeline, metrics: dict[str, float | None]) -> dict[str, float]:
    """`ref/<name>/<key>` for the run's metric keys."""
    out: dict[str, float] = {}
    if "xnli" in p.cfg.tasks:
        out.update(_classification(p))
    for key in metrics:
        if key.startswith("mlqa/"):
            out[f"ref/chance/{key}"] = 0.0
    if "bitext" in p.cfg.tasks:
        out.update(_bitext(p))
    return out


def _classification(p: Pipeline) -> dict[str, float]:
    cfg = p.cfg
    with_nb = cfg.profile in NAIVE_BAYES_PROFILES
    models = {}
    out: dict[str, float] = {}
    for setting in cfg.settings:
        targets: dict[str, list[float]] = {"chance": [], "naive-bayes": []}
        for lang in (["en"] if setting == "zero-shot" else []) + task_languages(cfg, "xnli"):
            train_lang = "en" if setting == "zero-shot" else lang
            train = p.source.classification(train_lang, "train")
            test = p.eval_examples(p.source.classification(lang, "test"))
            gold = [e.label for e in test]
            values = {"chance": majority_accuracy([e.label for e in train], gold)}
            if with_nb:
                if train_lang not in models:
                    models[train_lang] = fit_naive_bayes(
                        [_text(e) for e in train], [e.label for e in train]
                    )
                predicted = models[train_lang].predict([_text(e) for e in test])
                hits = sum(y == g for y, g in zip(predicted, gold, strict=True))
                values["naive-bayes"] = hits / len(gold)
            for name, value in values.items():
                out[f"ref/{name}/xnli/{setting}/{lang}/accuracy"] = round(value, 6)
                if lang != "en":
                    targets[name].append(value)
        for name, values_ in targets.items():
            if values_:
                out[f"ref/{name}/xnli/{setting}/avg/accuracy"] = round(mean(values_), 6)
    return out


def _bitext(p: Pipeline) -> dict[str, float]:
    out: dict[str, float] = {}
    levels = []
    for lang in p.cfg.languages:
        n = len(p.source.parallel(lang, "test")[: p.cfg.bitext_max_pairs])
        level = 1.0 / n if n else 0.0
        for key in (f"en-{lang}", f"{lang}-en", lang):
            out[f"ref/chance/bitext/{key}/p@1"] = round(level, 6)
        levels.append(level)
    out["ref/chance/bitext/avg/p@1"] = round(mean(levels), 6)
    return out
