"""Run configuration of the weam recipe and its per-profile defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from reproductions.common.config import RecipeConfig, option, resolve_profile
from reproductions.common.recipe import ConfigError
from reproductions.weam.capabilities import (
    MINI_LANGUAGES,
    MLQA_LANGUAGES,
    PAPER_HYPERPARAMETERS,
    XNLI_LANGUAGES,
    canonical,
)
from reproductions.weam.hub import PARALLEL_OVERRIDES, parallel_key

SYSTEMS = ["mbert", "mbert+cs", "mbert+mlm", "mbert+tlm", "word-aligned-mbert", "mbert+weam"]
OBJECTIVE = {
    "mbert+mlm": "mlm",
    "mbert+tlm": "tlm",
    "word-aligned-mbert": "cao",
    "mbert+weam": "weam",
}
"""Continued pre-training objective per system (`mbert` and `mbert+cs` have none)."""
NEEDS_ALIGNMENT = {"word-aligned-mbert", "mbert+weam"}
ALIGNERS = ("ibm1", "eflomal", "files")
SYMMETRIZATIONS = ("grow-diag-final-and", "intersect", "union")
DOMAINS = ("messages", "help")
"""Domains of parallel training pairs (minibench: gettext messages, LibreOffice help prose)."""
CODE_SWITCH_FIELDS = {"code_switch_prob": 0.5, "code_switch_seed": 1, "lexicon_dir": None}
"""Fields only `mbert+cs` reads, with its defaults; cleared for the other systems."""

HUB_DATASETS: dict[str, dict[str, Any]] = {
    "xnli": {"path": "facebook/xnli", "name": "{lang}"},
    "squad": {"path": "rajpurkar/squad"},
    "mlqa": {
        "path": "facebook/mlqa",
        "revision": "refs/convert/parquet",
        "data_dir": "mlqa.{lang}.{lang}",
    },
    "mlqa_translate_train": {
        "path": "facebook/mlqa",
        "revision": "refs/convert/parquet",
        "data_dir": "mlqa-translate-train.{lang}",
    },
    "parallel": {"path": "Helsinki-NLP/opus-100", "name": "{pair}"},
}
"""`datasets.load_dataset` arguments per data set; `{lang}` and `{pair}` (e.g. de-en, en-fr:
OPUS-100's alphabetical order) are filled in. Any ref may instead name a local builder, e.g.
{"path": "json", "data_files": {"train": "/data/xnli.{lang}.train.jsonl"}}."""


@dataclass
class WeamConfig(RecipeConfig):
    """Everything one weam run reads: one system, one seed, several tasks and settings."""

    system: str = option(
        "mbert+weam",
        "mbert | mbert+cs | mbert+mlm | mbert+tlm | word-aligned-mbert | mbert+weam",
    )
    tasks: list[str] = option(
        ["xnli", "bitext", "stats"], "any of xnli, mlqa (paper), bitext, stats"
    )
    settings: list[str] = option(
        ["zero-shot", "translate-train"], "zero-shot and/or translate-train"
    )
    languages: list[str] = option(list(MINI_LANGUAGES), "target languages; English is the source")

    hub_datasets: dict[str, dict[str, Any]] = option(HUB_DATASETS, "datasets refs (paper profile)")
    synthetic_pairs: int = option(600, "synthetic parallel training pairs per language (smoke)")
    max_parallel_pairs: int | None = option(
        None, "continued pre-training and alignment: at most this many training pairs per language"
    )
    parallel_domain: str | None = option(
        None,
        "continued pre-training and alignment read only training pairs of this domain, before "
        "max_parallel_pairs: messages | help (None: all; needs rows marked with `domain`)",
    )
    max_eval_examples: int | None = option(None, "evaluate at most this many examples per language")

    model_revision: str = option("main", "hub revision of model_name_or_path")
    tokenizer_min_frequency: int = option(2, "WordPiece minimum merge frequency")
    base_steps: int = option(40, "MLM steps of the tiny BERT (the mBERT stand-in)")
    base_batch_size: int = option(32, "base MLM batch size (sentences)")
    base_learning_rate: float = option(1e-3, "base MLM peak learning rate")
    base_warmup_steps: int = option(4, "base MLM warm-up steps")
    base_max_length: int = option(64, "base MLM sequence length (also the tiny model's positions)")
    base_mask_prob: float = option(0.15, "base MLM masking probability (BERT's 15%)")
    base_en_ratio: float | None = option(
        None,
        "tiny BERT's tokenizer and pre-training corpus: every English sentence and, per target "
        "language, the first n_en / ratio sentences (None: every sentence of every train pair)",
    )
    base_eval_sentences: int | None = option(
        None,
        "held-out parallel dev sentences per language (English too) the tiny base model's MLM "
        "loss and masked-token accuracy are measured on (None: 500; 0: not measured)",
    )
    base_seed: int | None = option(
        0,
        "seed of the base model; one fixed base serves every run seed, like the one mBERT "
        "checkpoint (None: the run seed)",
    )

    aligner: str = option("ibm1", "ibm1 (numpy, deterministic) | eflomal | files (Pharaoh i-j)")
    alignment_files: dict[str, str] = option(
        {}, "language -> Pharaoh file, line k = training pair k"
    )
    align_level: str = option("word", "word (word links mapped to subwords) | subword")
    symmetrization: str = option("grow-diag-final-and", "grow-diag-final-and | intersect | union")
    ibm1_iterations: int = option(5, "EM iterations of the IBM Model 1 aligner")

    mask_prob: float = option(0.3, "masking probability of continued pre-training (paper: 0.3)")
    weam_lambda: float = option(
        1.0, "weight of the cross-lingual term: MLM + lambda * XL (paper: 1)"
    )
    swap_layer: int | None = option(None, "swap after layer k and run the rest; None: final layer")
    xl_positions: str = option("all", "all masked tokens of the swapped sentence | swapped only")
    cao_lambda_reg: float = option(1.0, "word-aligned mBERT: weight of the English regulariser")

    cls_steps: int = option(30, "classification fine-tuning steps")
    cls_batch_size: int = option(16, "classification batch size")
    cls_learning_rate: float = option(5e-4, "classification peak learning rate")
    cls_warmup_steps: int = option(3, "classification warm-up steps")
    cls_max_length: int = option(64, "classification input length")
    cls_group_by_length: bool | None = option(
        None, "classification batches of texts of similar length (less padding; None: random)"
    )
    code_switch_prob: float | None = option(
        None,
        "mbert+cs: each word of the English training examples is switched with this probability "
        "into a target language drawn per word (ML-CS; default 0.5)",
    )
    code_switch_seed: int | None = option(
        None, "mbert+cs: seed of the switching draws, the same for every run seed (default 1)"
    )

    qa_steps: int = option(20, "SQuAD fine-tuning steps (paper profile)")
    qa_batch_size: int = option(8, "QA batch size")
    qa_learning_rate: float = option(5e-4, "QA peak learning rate")
    qa_warmup_steps: int = option(2, "QA warm-up steps")
    qa_max_length: int = option(128, "QA window length (question + context)")
    qa_doc_stride: int = option(32, "overlap of consecutive context windows")
    qa_max_query_length: int = option(32, "question tokens kept")
    qa_max_answer_length: int = option(30, "longest answer span in tokens")
    qa_n_best: int = option(20, "start/end candidates considered per window")

    bitext_max_pairs: int = option(1000, "held-out pairs per language for bitext retrieval")
    retrieval_layer: int = option(-1, "hidden layer mean-pooled for bitext retrieval (-1: last)")


PAPER_VALUES = {spec["config_field"]: spec["value"] for spec in PAPER_HYPERPARAMETERS.values()}

PROFILES: dict[str, dict[str, Any]] = {
    "smoke": {},
    "mini": {
        "data_source": "dir",
        "model_size": "mini",
        "vocab_size": 8000,
        # Measured with bench/mini_curves.py (issue 15): at 1e-3 the base's held-out loss rose
        # again after 500 steps; at 4e-4 it fell to 5.5 (en) by 3,000 steps, and 5 epochs of
        # classification at length 128 from it beat naive Bayes in English.
        "base_steps": 3000,
        "base_batch_size": 64,
        "base_learning_rate": 4e-4,
        "base_warmup_steps": 300,
        "base_max_length": 128,
        "aligner": "eflomal",
        "train_steps": 80,
        "batch_size": 32,
        "learning_rate": 2e-4,
        "warmup_steps": 8,
        "max_length": 64,
        "cls_steps": 330,
        "cls_batch_size": 32,
        # Measured with bench/mini_curves.py (issue 15): 1e-4 or 5e-5, or freezing the lowest
        # 1-3 layers, cost English 0.07-0.23 and leave zero-shot below naive Bayes.
        "cls_learning_rate": 5e-4,
        "cls_warmup_steps": 33,
        "cls_max_length": 128,
        # Batches of similar length: 1.6x fewer padded tokens than random batches of this set.
        "cls_group_by_length": True,
        "checkpoint_every": 50,
        "eval_batch_size": 128,
        "bitext_max_pairs": 1000,
    },
    "paper": {
        "tasks": ["xnli", "mlqa", "bitext", "stats"],
        "languages": list(XNLI_LANGUAGES),
        "data_source": "hub",
        "hub_datasets": {**HUB_DATASETS, **PARALLEL_OVERRIDES},
        "model_name_or_path": "bert-base-multilingual-cased",
        "aligner": "eflomal",
        "max_parallel_pairs": 50_000,
        **PAPER_VALUES,
        "xl_positions": "swapped",
        "train_steps": 20_000,
        "warmup_steps": 1000,
        "cls_steps": 24_000,
        "cls_batch_size": 32,
        "cls_learning_rate": 5e-5,
        "cls_warmup_steps": 2400,
        "cls_max_length": 128,
        "qa_steps": 5500,
        "qa_batch_size": 32,
        "qa_learning_rate": 5e-5,
        "qa_warmup_steps": 550,
        "qa_max_length": 384,
        "qa_doc_stride": 128,
        "qa_max_query_length": 64,
        "checkpoint_every": 1000,
        "eval_batch_size": 256,
        "precision": "bf16",
    },
}
"""Defaults per profile on top of the dataclass defaults (which are the smoke profile).

Paper: mask_prob, learning_rate, batch_size, max_length and weam_lambda are the paper's; the step
counts (continued pre-training 20k steps, about two epochs of XNLI and SQuAD), warm-up, the
50k pairs per language of OPUS-100 and the QA window are our choices, recorded in every result.
The cross-lingual term predicts the masked tokens of the swapped sentence (`xl_positions:
swapped`; `all` also re-scores its unaligned masked tokens). Swahili's parallel text comes from
OPUS ParaCrawl (OPUS-100 has no en-sw). See DEPARTURES.md.
"""


def resolve(raw: dict[str, Any]) -> WeamConfig:
    """Profile defaults, then the run's fields; validates names and values."""
    cfg = resolve_profile(WeamConfig, raw, PROFILES, ("synthetic", "dir", "hub"))
    cfg.system = canonical("systems", cfg.system)
    cfg.tasks = _unique(canonical("tasks", t) for t in cfg.tasks)
    cfg.settings = _unique(canonical("settings", s) for s in cfg.settings)
    if not cfg.languages or "en" in cfg.languages:
        raise ConfigError("languages lists the target languages (not en), at least one")
    if cfg.data_source == "hub" and not cfg.model_name_or_path:
        raise ConfigError("data_source 'hub' needs model_name_or_path (a pretrained encoder)")
    if cfg.aligner not in ALIGNERS:
        raise ConfigError(f"aligner must be one of {ALIGNERS}, not {cfg.aligner!r}")
    if cfg.aligner == "files" and cfg.system in NEEDS_ALIGNMENT:
        missing = [lang for lang in cfg.languages if lang not in cfg.alignment_files]
        if missing:
            raise ConfigError(f"aligner 'files' needs alignment_files for {missing}")
    if cfg.align_level not in ("word", "subword"):
        raise ConfigError("align_level must be word or subword")
    if cfg.symmetrization not in SYMMETRIZATIONS:
        raise ConfigError(f"symmetrization must be one of {SYMMETRIZATIONS}")
    if cfg.xl_positions not in ("all", "swapped"):
        raise ConfigError("xl_positions must be all or swapped")
    if cfg.base_eval_sentences is not None and cfg.base_eval_sentences < 0:
        raise ConfigError("base_eval_sentences must be >= 0 (0: not measured) or None (500)")
    for name in ("mask_prob", "base_mask_prob"):
        if not 0.0 < getattr(cfg, name) < 1.0:
            raise ConfigError(f"{name} must be in (0, 1)")
    if cfg.swap_layer is not None and cfg.swap_layer < 0:
        raise ConfigError("swap_layer must be >= 0 (0: swap the embeddings) or None")
    if cfg.model_name_or_path is None and cfg.model_size not in ("smoke", "mini"):
        raise ConfigError("model_size must be smoke or mini")
    _check_corpora(cfg)
    if cfg.data_source == "hub":
        for lang in cfg.languages:
            parallel_key(cfg.hub_datasets, lang)  # every language has a parallel source
    _resolve_code_switching(cfg)
    return cfg


def _check_corpora(cfg: WeamConfig) -> None:
    if cfg.base_en_ratio is not None:
        if cfg.model_name_or_path is not None:
            raise ConfigError(
                "base_en_ratio shapes the tiny BERT's pre-training corpus: it cannot be used with "
                "model_name_or_path (a pretrained base)"
            )
        if not cfg.base_en_ratio > 0:
            raise ConfigError(f"base_en_ratio must be > 0, not {cfg.base_en_ratio}")
        cfg.base_en_ratio = float(cfg.base_en_ratio)  # 4 and 4.0 are the same run
    if cfg.parallel_domain is not None:
        if cfg.parallel_domain not in DOMAINS:
            raise ConfigError(
                f"parallel_domain must be one of {DOMAINS} or None, not {cfg.parallel_domain!r}"
            )
        if cfg.data_source == "hub":
            raise ConfigError(
                "parallel_domain: the hub parallel data (hub_datasets['parallel']) has no domain "
                "markers; use a data folder whose parallel rows carry `domain`"
            )


def _resolve_code_switching(cfg: WeamConfig) -> None:
    if cfg.code_switch_prob is not None and not 0.0 <= cfg.code_switch_prob <= 1.0:
        raise ConfigError(f"code_switch_prob must be in [0, 1], not {cfg.code_switch_prob}")
    for name, default in CODE_SWITCH_FIELDS.items():
        if cfg.system != "mbert+cs":
            setattr(cfg, name, None)  # not read: kept out of the run's identity
        elif getattr(cfg, name) is None:
            setattr(cfg, name, default)
    if cfg.code_switch_prob is not None:
        cfg.code_switch_prob = float(cfg.code_switch_prob)


def _unique(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def to_dict(cfg: WeamConfig) -> dict[str, Any]:
    """Resolved config as plain data."""
    return asdict(cfg)


def mlqa_languages(cfg: WeamConfig) -> list[str]:
    """Target languages MLQA covers among the run's languages."""
    return [lang for lang in cfg.languages if lang in MLQA_LANGUAGES]


def check_model_fits(cfg: WeamConfig) -> None:
    """A tiny BERT has base_max_length positions: later stages must not need more."""
    if cfg.model_name_or_path is None:
        lengths = [cfg.max_length, cfg.cls_max_length]
        if cfg.data_source == "hub" and "mlqa" in cfg.tasks:
            lengths.append(cfg.qa_max_length)
        if max(lengths) > cfg.base_max_length:
            raise ConfigError(
                f"max lengths ({max(lengths)}) exceed the tiny model's positions "
                f"(base_max_length={cfg.base_max_length})"
            )
