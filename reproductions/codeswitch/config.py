"""Run configuration of the codeswitch recipe and its per-profile defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from reproductions.codeswitch.capabilities import CAPABILITIES, canonical_system
from reproductions.common.recipe import ConfigError, config_from_dict

PAPER_LANGUAGES = ["en", "de", "it", "nl", "ru", "ar"]
MINI_SETTINGS = ["moir/de", "moir/fr", "clir/en-de", "clir/en-fr", "clir/de-fr", "mlir/en-xx"]
PAPER_SETTINGS = [
    *(f"moir/{x}" for x in ("de", "it", "nl", "ru", "ar")),
    *(f"clir/{p}" for p in ("en-de", "en-it", "en-ar", "en-ru", "de-it", "de-nl", "de-ru")),
    *("clir/ar-it", "clir/ar-ru", "mlir/en-xx", "mlir/xx-en", "mlir/xx-xx"),
]


def _f(default: Any, help: str) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class CodeSwitchConfig:
    """Everything one codeswitch run reads (one system, one seed, several settings)."""

    profile: str = _f("smoke", "smoke | mini | paper (sets every default below)")
    seed: int = _f(1, "training seed of the re-rankers (the paper uses 3 seeds)")
    system: str = _f("zero-shot", "zero-shot | fine-tuning | translate-test | bl-cs | ml-cs")
    settings: list[str] = _f(
        list(MINI_SETTINGS), "moir/X, clir/X-Y, mlir/en-xx|xx-en|xx-xx to evaluate"
    )
    languages: list[str] = _f(["en", "de", "fr"], "seen languages; en is the training language")
    switch_prob: float = _f(0.5, "code-switching probability p (paper: 0.25/0.5/0.75/1.0)")
    translation_choice: str = _f("first", "first | random translation of a multi-sense entry")
    multiword: bool = _f(False, "lexicons are tab-separated phrase pairs (Wiki-CS), longest first")
    lexicon_dir: str | None = _f(
        None, "folder of en-{lang}.txt lexicons (default data_dir/lexicon)"
    )
    muse_embeddings_dir: str | None = _f(
        None, "paper: folder of aligned MUSE wiki.multi.{lang}.vec to induce lexicons from"
    )
    data_source: str = _f("synthetic", "synthetic (generated) | dir (data_dir folder) | mmarco")
    data_dir: str | None = _f(None, "data folder (minibench output at mini)")
    data_seed: int = _f(
        1, "seed of code-switching draws and MLIR language draws (fixed, as in paper)"
    )
    model_name_or_path: str | None = _f(None, "pretrained model; None: tiny BERT built here")
    encoder_init: str | None = _f(
        None,
        "weam system (mbert, mbert+weam, mbert+tlm, ...) whose encoder and tokenizer every "
        "ranker starts from, built by the weam recipe in the shared stage cache; None: this "
        "recipe's own model (see encoder.py)",
    )
    encoder_weam: dict[str, Any] | None = _f(
        None,
        "extra weam config fields of the encoder_init run, e.g. {train_steps: 200} (profile, "
        "seed and data_dir are this run's)",
    )
    model_size: str = _f("smoke", "smoke | mini: tiny BERT size when no model_name_or_path")
    vocab_size: int = _f(2000, "WordPiece vocabulary trained on the fly (tiny BERT only)")
    pretrain_steps: int = _f(0, "MLM pre-training steps of the tiny BERT (0: ranker from scratch)")
    pretrain_batch_size: int = _f(32, "MLM batch size")
    pretrain_learning_rate: float = _f(5e-4, "MLM peak learning rate")
    pretrain_max_length: int = _f(128, "MLM sequence length")
    pretrain_seed: int = _f(0, "MLM seed: one pre-trained encoder serves all ranker seeds")
    mask_prob: float = _f(0.15, "MLM masking probability")
    train_steps: int = _f(30, "re-ranker training steps")
    batch_size: int = _f(16, "re-ranker batch size (pairs)")
    learning_rate: float = _f(5e-4, "re-ranker peak learning rate (AdamW)")
    warmup_steps: int = _f(4, "linear warm-up steps, then linear decay")
    weight_decay: float = _f(0.01, "AdamW weight decay, not on bias and LayerNorm")
    max_length: int = _f(64, "max (query, passage) length, truncated longest-first")
    negatives: int = _f(4, "negatives per positive in pointwise training (paper: 4)")
    negative_depth: int = _f(
        100, "negatives drawn from the non-relevant first-stage hits within this depth"
    )
    max_train_queries: int | None = _f(None, "use at most this many training queries")
    checkpoint_every: int = _f(10, "save a resumable checkpoint every N training steps")
    precision: str = _f("fp32", "auto | fp32 | bf16 | fp16 (falls back to fp32 where unsupported)")
    first_stage: str = _f(
        "en",
        "candidates to re-rank: en (English BM25 for every setting, as the paper's top1000.dev) "
        "| document (the BM25 run in the document language; bm25.mlir for mixed documents)",
    )
    eval_depth: int = _f(8, "re-rank this many first-stage candidates per query (paper: 1000)")
    eval_batch_size: int = _f(64, "pairs per scoring batch")
    max_eval_queries: int | None = _f(None, "evaluate at most this many queries")
    mrr_k: int = _f(10, "cut-off of MRR")
    compare_to_zero_shot: bool = _f(True, "also evaluate zero-shot and report paired t-tests")
    cache_dir: str | None = _f(None, "stage cache root (default $REPRO_CACHE_DIR or DIR/cache)")
    device: str = _f("auto", "auto | cpu | cuda[:n]")
    num_threads: int | None = _f(1, "torch CPU threads (None: torch default; tiny models: 1)")
    mmarco_revision: str = _f("main", "revision of the unicamp-dl/mmarco dataset repo (paper)")


PROFILES: dict[str, dict[str, Any]] = {
    "smoke": {},
    "mini": {
        # Sized for 2 shared CPU cores: ~30 min for 5 systems x 6 settings x 3 seeds.
        "data_source": "dir",
        "model_size": "mini",
        "vocab_size": 8000,
        "pretrain_steps": 400,
        "pretrain_batch_size": 32,
        "pretrain_learning_rate": 5e-4,
        "pretrain_max_length": 64,
        "train_steps": 100,
        "batch_size": 16,
        "learning_rate": 5e-4,
        "warmup_steps": 10,
        "max_length": 64,
        "checkpoint_every": 50,
        "eval_depth": 10,
        "max_eval_queries": 100,
        "eval_batch_size": 64,
    },
    "paper": {
        "languages": list(PAPER_LANGUAGES),
        "settings": list(PAPER_SETTINGS),
        "data_source": "mmarco",
        "model_name_or_path": "nreimers/mMiniLMv2-L6-H384-distilled-from-XLMR-Large",
        "train_steps": 200_000,
        "batch_size": 64,
        "learning_rate": 2e-5,
        "warmup_steps": 5000,
        "weight_decay": 0.01,
        "max_length": 512,
        "checkpoint_every": 20_000,
        "precision": "fp16",
        "eval_depth": 1000,
        "eval_batch_size": 256,
        "num_threads": None,
    },
}
"""Defaults per profile on top of the dataclass defaults (which are the smoke profile)."""


def resolve(raw: dict[str, Any]) -> CodeSwitchConfig:
    """Profile defaults, then the run's fields; validates names and values."""
    profile = raw.get("profile", "smoke")
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; choose one of {sorted(PROFILES)}")
    cfg = config_from_dict(CodeSwitchConfig, raw, PROFILES[profile])
    cfg.system = canonical_system(cfg.system)
    if cfg.languages[0] != "en":
        raise ConfigError("languages must start with en, the training language")
    for setting in cfg.settings:
        parse_setting(setting, cfg.languages)
    if cfg.data_source not in ("synthetic", "dir", "mmarco"):
        raise ConfigError(f"data_source must be synthetic, dir or mmarco, not {cfg.data_source!r}")
    if cfg.data_source == "dir" and not cfg.data_dir:
        raise ConfigError("data_source 'dir' needs data_dir (at mini: the minibench output folder)")
    if cfg.first_stage not in ("en", "document"):
        raise ConfigError("first_stage must be en or document")
    if not 0.0 <= cfg.switch_prob <= 1.0:
        raise ConfigError("switch_prob must be in [0, 1]")
    if profile not in CAPABILITIES["systems"][cfg.system]["profiles"]:
        raise ConfigError(f"system {cfg.system} is not available at profile {profile}")
    if cfg.encoder_init is not None or cfg.encoder_weam is not None:
        from reproductions.codeswitch.encoder import validate  # weam code only when asked for

        validate(cfg, model_set_by_user=raw.get("model_name_or_path") is not None)
    return cfg


def parse_setting(setting: str, languages: list[str]) -> tuple[str, str, str]:
    """`clir/en-de` -> ("clir", "en", "de"); `moir/de` -> ("moir", "de", "de"); validated."""
    kind, _, pair = setting.partition("/")
    if kind == "moir":
        q = d = pair
    elif kind in ("clir", "mlir"):
        q, _, d = pair.partition("-")
    else:
        raise ConfigError(f"setting {setting!r}: kind must be moir, clir or mlir")
    if kind == "mlir" and "xx" not in (q, d):
        raise ConfigError(f"setting {setting!r}: mlir needs xx on one side (e.g. mlir/en-xx)")
    if kind != "mlir" and "xx" in (q, d):
        raise ConfigError(f"setting {setting!r}: xx (mixed languages) is for mlir only")
    for lang in (q, d):
        if lang != "xx" and lang not in languages:
            raise ConfigError(
                f"setting {setting!r}: language {lang!r} not in languages {languages}"
            )
    return kind, q, d


def to_dict(cfg: CodeSwitchConfig) -> dict[str, Any]:
    """Resolved config as plain data."""
    return asdict(cfg)
