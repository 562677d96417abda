"""Stage builders of the tasks: fine-tuning and evaluation (xnli, mlqa), bitext, stats."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.cache import StageSpec
from reproductions.common.files import read_json, write_json_atomic
from reproductions.common.seed import set_seed
from reproductions.weam import classify, qa
from reproductions.weam.config import mlqa_languages
from reproductions.weam.data import label_names
from reproductions.weam.mlqa_eval import score as mlqa_score
from reproductions.weam.models import load_classifier, load_masked_lm, load_qa_model
from reproductions.weam.models import load_tokenizer as load_model_tokenizer
from reproductions.weam.retrieval import bitext_p_at_1
from reproductions.weam.stats import length_stats
from reproductions.weam.switching import switch_examples

if TYPE_CHECKING:
    from collections.abc import Sequence

    from transformers import PreTrainedTokenizerBase

    from reproductions.weam.pipeline import Pipeline

METRICS = "metrics.json"
"""File of an evaluation stage's numbers."""


def build_finetune_cls(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Classifier fine-tuned on one language's training set (code-switched for mbert+cs)."""
    encoder = p.encoder_path()
    tok = p.load_model(load_model_tokenizer, encoder)
    labels = label_names(p.source.classification("en", "train"))
    examples = p.source.classification(spec.params["train_lang"], "train")
    switched = None
    if "code_switch" in spec.params:
        cs = spec.params["code_switch"]
        examples, switched = switch_examples(examples, p.lexicons(), cs["prob"], cs["seed"])
    features = classify.cls_features(tok, examples, labels, p.cfg.cls_max_length)
    set_seed(p.cfg.seed)
    model = p.load_model(load_classifier, encoder, num_labels=len(labels))
    result = p.train(
        spec,
        model,
        features,
        classify.ClassificationCollator(tok.pad_token_id or 0),
        classify.classification_loss,
        "cls",
    )
    model.save_pretrained(out)
    tok.save_pretrained(out)
    write_json_atomic(out / "labels.json", labels)
    meta = {"train": asdict(result), "examples": len(features)}
    if switched is not None:
        meta["code_switch"] = switched
    return meta


def build_eval_cls(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Accuracy of a fine-tuned classifier per test language."""
    model_dir = p.stage_path(spec.upstream["model"])
    tok = load_model_tokenizer(str(model_dir))
    labels = read_json(model_dir / "labels.json")
    model = load_classifier(str(model_dir), num_labels=len(labels))
    metrics = {}
    for lang in spec.params["languages"]:
        examples = p.eval_examples(p.source.classification(lang, "test"))
        features = classify.cls_features(tok, examples, labels, p.cfg.cls_max_length)
        metrics[lang], metrics[f"{lang}/classes"] = classify.evaluate_accuracy(
            model, features, tok.pad_token_id or 0, p.cfg.eval_batch_size, p.ctx.device
        )
        metrics[f"{lang}/examples"] = len(features)
    write_json_atomic(out / METRICS, metrics)
    return {"metrics": metrics}


def _qa_windows(
    p: Pipeline, tok: PreTrainedTokenizerBase, examples: Sequence[qa.QAExample], *, train: bool
) -> list[dict[str, Any]]:
    """QA examples cut into the run's context windows."""
    c = p.cfg
    return qa.qa_features(
        tok,
        examples,
        max_length=c.qa_max_length,
        doc_stride=c.qa_doc_stride,
        max_query_length=c.qa_max_query_length,
        train=train,
    )


def build_finetune_qa(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """QA model fine-tuned on SQuAD (or a translate-train set)."""
    c = p.cfg
    encoder = p.encoder_path()
    tok = p.load_model(load_model_tokenizer, encoder)
    examples = p.source.qa(spec.params["train_lang"], "train")
    features = _qa_windows(p, tok, examples, train=True)
    set_seed(c.seed)
    model = p.load_model(load_qa_model, encoder)
    result = p.train(spec, model, features, qa.QACollator(tok.pad_token_id or 0), qa.qa_loss, "qa")
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return {"train": asdict(result), "examples": len(examples), "windows": len(features)}


def build_eval_qa(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """MLQA F1 and exact match per test language."""
    c = p.cfg
    model_dir = p.stage_path(spec.upstream["model"])
    tok = load_model_tokenizer(str(model_dir))
    model = load_qa_model(str(model_dir))
    metrics: dict[str, Any] = {}
    for lang in spec.params["languages"]:
        examples = p.eval_examples(p.source.qa(lang, "test"))
        features = _qa_windows(p, tok, examples, train=False)
        answers = qa.predict_answers(
            model,
            features,
            examples,
            pad_token_id=tok.pad_token_id or 0,
            batch_size=c.eval_batch_size,
            n_best=c.qa_n_best,
            max_answer_length=c.qa_max_answer_length,
            device=p.ctx.device,
        )
        truths = {e["id"]: e["answers"]["text"] for e in examples}
        scores = mlqa_score(answers, truths, lang)
        metrics[f"{lang}/f1"], metrics[f"{lang}/em"] = scores["f1"], scores["em"]
        metrics[f"{lang}/examples"] = len(examples)
    write_json_atomic(out / METRICS, metrics)
    return {"metrics": metrics}


def build_bitext(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Bitext retrieval P@1 in both directions per language."""
    encoder = p.encoder_path()
    tok = p.load_model(load_model_tokenizer, encoder)
    bert = p.load_model(load_masked_lm, encoder).bert
    metrics: dict[str, Any] = {}
    for lang in spec.params["languages"]:
        pairs = p.source.parallel(lang, "test")[: spec.params["max_pairs"]]
        forward, backward = bitext_p_at_1(
            bert,
            tok,
            pairs,
            layer=spec.params["layer"],
            max_length=spec.params["max_length"],
            batch_size=p.cfg.eval_batch_size,
            device=p.ctx.device,
        )
        metrics[f"en-{lang}"], metrics[f"{lang}-en"] = forward, backward
        metrics[f"{lang}/pairs"] = len(pairs)
    write_json_atomic(out / METRICS, metrics)
    return {"metrics": metrics}


def build_stats(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Lengths of each task's evaluation inputs under the run's tokenizer."""
    tok = p.tokenizer()
    metrics: dict[str, Any] = {}
    langs = ["en", *spec.params["languages"]]
    for task in spec.params["tasks"]:
        if task == "xnli":
            for lang in langs:
                ex = p.eval_examples(p.source.classification(lang, "test"))
                stats = length_stats(tok, [e.text for e in ex], [e.pair for e in ex])
                metrics.update({f"xnli/{lang}/{k}": v for k, v in stats.items()})
        elif task == "mlqa" and spec.params["hub"]:
            for lang in ["en", *mlqa_languages(p.cfg)]:
                ex = p.eval_examples(p.source.qa(lang, "test"))
                stats = length_stats(tok, [e["question"] for e in ex], [e["context"] for e in ex])
                metrics.update({f"mlqa/{lang}/{k}": v for k, v in stats.items()})
        elif task == "bitext":
            for lang in spec.params["languages"]:
                pairs = p.source.parallel(lang, "test")[: p.cfg.bitext_max_pairs]
                for side, texts in (("en", [x[0] for x in pairs]), (lang, [x[1] for x in pairs])):
                    stats = length_stats(tok, texts, [None] * len(texts))
                    metrics.update({f"bitext/en-{lang}.{side}/{k}": v for k, v in stats.items()})
    write_json_atomic(out / METRICS, metrics)
    return {"metrics": metrics}


BUILDERS = {
    "finetune-cls": build_finetune_cls,
    "eval-cls": build_eval_cls,
    "finetune-qa": build_finetune_qa,
    "eval-qa": build_eval_qa,
    "bitext": build_bitext,
    "stats": build_stats,
}
"""Stage name -> builder."""
