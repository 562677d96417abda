"""What the weam recipe can measure (read by claimlab to parse claims), and the paper's settings."""

from __future__ import annotations

from typing import Any

from reproductions.common.capabilities import Capabilities, Entry, base_mlm_metrics, match_alias
from reproductions.common.recipe import ConfigError

XNLI_LANGUAGES = "ar bg de el es fr hi ru sw th tr ur vi zh".split()
"""XNLI's non-English languages (the paper profile's target languages)."""
MLQA_LANGUAGES = ["ar", "de", "es", "hi", "vi", "zh"]
"""MLQA's non-English languages."""
MINI_LANGUAGES = ["de", "fr"]
"""Target languages of the smoke and mini profiles."""
EVAL_KEY = "{task}/{setting}/{pair}/{metric}"
"""Metric key of xnli and mlqa; pair is a target language, en (zero-shot) or avg."""


def _per_profile(languages: list[str], paper: list[str]) -> dict[str, list[str]]:
    return {"smoke": list(languages), "mini": list(languages), "paper": list(paper)}


PAPER_SOURCE = "arXiv 2106.01732 (Yang et al., MRQA 2021), as summarised in issue 5"

PAPER_HYPERPARAMETERS: dict[str, dict[str, Any]] = {
    "mask_prob": {
        "value": 0.3,
        "config_field": "mask_prob",
        "applies_to": ["continued pre-training"],
        "source": PAPER_SOURCE,
    },
    "learning_rate": {
        "value": 5e-5,
        "config_field": "learning_rate",
        "applies_to": ["continued pre-training", "fine-tuning (our reading)"],
        "source": PAPER_SOURCE,
    },
    "batch_size": {
        "value": 32,
        "config_field": "batch_size",
        "applies_to": ["continued pre-training", "fine-tuning (our reading)"],
        "source": PAPER_SOURCE,
    },
    "max_seq_length": {
        "value": 128,
        "config_field": "max_length",
        "applies_to": ["continued pre-training", "XNLI fine-tuning (our reading)"],
        "source": PAPER_SOURCE,
    },
    "weam_lambda": {
        "value": 1.0,
        "config_field": "weam_lambda",
        "applies_to": ["continued pre-training: loss = MLM + lambda * cross-lingual"],
        "source": PAPER_SOURCE,
    },
}
"""The reported settings as plain data; the paper profile resolves to exactly these values."""

_STAND_IN = {
    "smoke": "synthetic en/de/fr topic classification generated in code",
    "mini": "minibench cls: LibreOffice help texts in en/de/fr labelled by module",
    "paper": "XNLI (facebook/xnli), 3-way NLI",
}

_TABLE = Capabilities(
    recipe="weam",
    paper={
        "arxiv": "2106.01732",
        "title": "WEAM: word-exchange alignment pre-training of multilingual encoders",
        "venue": "MRQA workshop 2021",
    },
    systems=[
        Entry(
            "mbert",
            ["mBERT", "multilingual BERT", "bert-base-multilingual-cased", "M-BERT"],
            "the multilingual encoder as is (mini: small BERT pre-trained from scratch with MLM on "
            "the monolingual sides of the mini set)",
        ),
        Entry(
            "mbert+cs",
            [
                "mBERT+CS",
                "mBERT + CS",
                "code-switched fine-tuning",
                "CS fine-tuning",
                "fine-tuning on code-switched data",
                "mBERT fine-tuned on code-switched data",
            ],
            "the encoder as is (like mbert), fine-tuned on English training data code-switched "
            "word by word with bilingual lexicons into the target languages (ML-CS, probability "
            "code_switch_prob); translate-train is mbert's",
        ),
        Entry(
            "mbert+mlm",
            ["mBERT+MLM", "mBERT + MLM", "continued MLM", "MLM on parallel data"],
            "continued MLM on the parallel data, each sentence alone (controls for more data)",
        ),
        Entry(
            "mbert+tlm",
            [
                "mBERT+TLM",
                "mBERT + TLM",
                "TLM",
                "translation language modeling",
                "XLM-style TLM",
                "a model further pre-trained on parallel data",
            ],
            "translation language modelling (Lample & Conneau 2019): the pair concatenated, "
            "masked and predicted",
        ),
        Entry(
            "word-aligned-mbert",
            [
                "word-aligned mBERT",
                "word aligned mBERT",
                "aligned mBERT",
                "word-aligned mbert",
                "Cao et al.",
                "Cao et al. 2020",
                "Cao et al. (2020)",
                "mBERT aligned",
            ],
            "Cao, Kitaev & Klein 2020: pull aligned words' contextual vectors together, English "
            "side regularised towards a frozen copy of the original model",
        ),
        Entry(
            "mbert+weam",
            [
                "mBERT+WEAM",
                "mBERT + WEAM",
                "WEAM",
                "word-exchange alignment",
                "word exchange aligning model",
            ],
            "MLM plus cross-lingual prediction from word-exchanged states (loss = MLM + "
            "lambda * cross-lingual)",
        ),
    ],
    tasks=[
        Entry(
            "xnli",
            ["XNLI", "natural language inference", "NLI", "cross-lingual NLI", "classification"],
            "sentence(-pair) classification, fine-tuned then evaluated per language",
            details={
                "stand_in": _STAND_IN,
                "metric": "accuracy",
                "metric_key": EVAL_KEY,
                "languages": _per_profile(MINI_LANGUAGES, XNLI_LANGUAGES),
            },
        ),
        Entry(
            "mlqa",
            ["MLQA", "question answering", "QA", "extractive QA", "SQuAD to MLQA"],
            "fine-tune on SQuAD v1.1, test on MLQA (answer normalisation per language)",
            profiles=["paper"],
            details={
                "metric": "f1",
                "metric_key": EVAL_KEY,
                # smoke and mini report these keys as null (no QA set there)
                "languages": _per_profile(
                    [lang for lang in MINI_LANGUAGES if lang in MLQA_LANGUAGES], MLQA_LANGUAGES
                ),
                "not_run_reason": "no QA set at the smoke and mini profiles",
            },
        ),
        Entry(
            "bitext",
            [
                "bitext retrieval",
                "sentence retrieval",
                "parallel sentence retrieval",
                "Tatoeba",
                "alignment quality",
            ],
            "retrieve each held-out sentence's translation by cosine of mean-pooled states",
            details={
                "stand_in": {
                    "smoke": "synthetic held-out pairs",
                    "mini": "minibench parallel test split",
                    "paper": "OPUS-100 test split (Helsinki-NLP/opus-100)",
                },
                "metric": "p@1",
                "metric_key": "bitext/en-{pair}/{metric}",
                "metric_key_avg": "bitext/avg/{metric}",
                "languages": _per_profile(MINI_LANGUAGES, XNLI_LANGUAGES),
            },
        ),
        Entry(
            "stats",
            ["data statistics", "input length", "mean length", "average length"],
            "token and word counts of each task's evaluation inputs under the run's tokenizer",
            details={
                "metric": "mean_tokens",
                # setting: the task measured (xnli, mlqa); pair: its language, en included
                "metric_key": "stats/{setting}/{pair}/{metric}",
                "languages": _per_profile(["en", *MINI_LANGUAGES], ["en", *XNLI_LANGUAGES]),
            },
        ),
    ],
    settings=[
        Entry(
            "zero-shot",
            ["zero shot", "zeroshot", "zero-shot transfer", "cross-lingual transfer", "ZS"],
            "fine-tune on English, test on the other languages",
        ),
        Entry(
            "translate-train",
            ["translate train", "translate-train setting", "machine-translated training"],
            "fine-tune on target-language training data (paper: XNLI's translated train sets; "
            "mini: the de/fr training split), test on that language",
        ),
    ],
    metrics=[
        Entry(
            "accuracy",
            ["acc", "accuracy", "XNLI accuracy"],
            "share of correct labels",
            details={"range": [0, 1], "paper_scale": 100, "higher_is_better": True},
        ),
        Entry(
            "f1",
            ["F1", "F1 score", "token F1"],
            "MLQA token F1 with MLQA's answer normalisation per language",
            profiles=["paper"],
            details={"range": [0, 1], "paper_scale": 100, "higher_is_better": True},
        ),
        Entry(
            "em",
            ["EM", "exact match"],
            "MLQA exact match with MLQA's answer normalisation per language",
            profiles=["paper"],
            details={"range": [0, 1], "paper_scale": 100, "higher_is_better": True},
        ),
        Entry(
            "p@1",
            ["P@1", "precision at 1", "retrieval accuracy", "bitext accuracy"],
            "share of held-out sentences whose nearest neighbour is their translation",
            details={"range": [0, 1], "paper_scale": 100, "higher_is_better": True},
        ),
        Entry(
            "mean_tokens",
            ["mean length in tokens", "average input length", "tokens per example"],
            "mean subword tokens per evaluation input (pair inputs counted together)",
            details={"task": "stats", "deterministic": True},
        ),
        Entry(
            "mean_words",
            ["mean length in words", "words per example"],
            "mean whitespace words per evaluation input",
            details={"task": "stats", "deterministic": True},
        ),
        *base_mlm_metrics(),
    ],
    parameters=[
        Entry(
            name,
            list(dict.fromkeys([name.replace("_", " "), *extra])),
            ", ".join(spec["applies_to"]),
            details={"paper": spec["value"], "config_field": spec["config_field"]},
        )
        for (name, spec), extra in zip(
            PAPER_HYPERPARAMETERS.items(),
            [
                ["masking probability", "mask rate", "masking ratio"],
                ["lr", "learning rate"],
                ["batch size"],
                ["max length", "maximum sequence length", "max sequence length"],
                [
                    "lambda",
                    "λ",
                    "value of λ",
                    "loss weight",
                    "cross-lingual loss weight",
                    "with a weight",
                ],
            ],
            strict=True,
        )
    ],
    profiles={
        "smoke": {
            "model": "2-layer BERT (hidden 64) from config, WordPiece trained on the fly",
            "data": "synthetic en/de/fr parallel pairs and topic classification set",
            "aligner": "IBM Model 1 + grow-diag-final-and (numpy, deterministic)",
            "lexicons": "generated with the data (every concept)",
            "runnable_here": True,
        },
        "mini": {
            "model": "4-layer BERT (hidden 256) pre-trained with MLM on the monolingual sides of "
            "minibench parallel text",
            "data": "minibench (data_dir): parallel/, cls/",
            "aligner": "eflomal + grow-diag-final-and, cached by data hash",
            "lexicons": "minibench lexicon/en-{de,fr}.txt (FreeDict)",
            "runnable_here": True,
            "cannot_run": {"mlqa": "no QA set at this profile"},
        },
        "paper": {
            "model": "bert-base-multilingual-cased",
            "data": "XNLI, MLQA, SQuAD v1.1, OPUS-100 via datasets",
            "aligner": "eflomal + grow-diag-final-and (paper: FastAlign)",
            "lexicons": "MUSE en-X ground-truth dictionaries (none for sw, ur), or lexicon_dir",
            "device": "GPU, bf16",
            "seeds": [1, 2, 3],
            "runnable_here": False,
        },
    },
    metric_names="xnli/{setting}/{lang}/accuracy and xnli/{setting}/avg/accuracy (avg over "
    "target languages); mlqa/{setting}/{lang}/f1|em; bitext/en-{lang}/p@1, bitext/{lang}-en/p@1, "
    "bitext/avg/p@1; stats/{task}/{lang}/mean_tokens|mean_words|examples; smoke and mini: "
    "base/{lang}/mlm-loss|mlm-accuracy (the tiny base model, en and the targets); reference "
    "baselines ref/<name>/<key> (chance, naive-bayes, unigram)",
    baseline="mbert",
    default_task="xnli",
)

CAPABILITIES = _TABLE.to_dict()
"""Plain-data capability table (JSON-serialisable)."""

CAPABILITIES["paper_hyperparameters"] = PAPER_HYPERPARAMETERS
CAPABILITIES["default_setting"] = "zero-shot"
"""The setting a claim is about when it names none (the paper's headline transfer setting)."""


def canonical(kind: str, name: str) -> str:
    """Canonical system/task/setting name for a name or alias, or a ConfigError."""
    found = match_alias(CAPABILITIES, kind, name)
    if found is None:
        raise ConfigError(f"unknown {kind[:-1]} {name!r}; known: {sorted(CAPABILITIES[kind])}")
    return found
