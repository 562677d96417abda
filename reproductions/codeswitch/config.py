"""Run configuration of the codeswitch recipe and its per-profile defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from reproductions.codeswitch.capabilities import CAPABILITIES, canonical_system
from reproductions.codeswitch.mmarco import FIRST_STAGES, PAPER_MAX_TRAIN_PAIRS, TRAININGS
from reproductions.common.config import RecipeConfig, option, resolve_profile
from reproductions.common.recipe import ConfigError

PAPER_LANGUAGES = ["en", "de", "it", "nl", "ru", "ar"]
PAPER_UNSEEN = ["fr", "zh", "hi", "id", "ja", "pt", "es", "vi"]
"""mMARCO's other eight languages: evaluated only (the authors' language_pairs.py, download.sh)."""
UNSEEN_SETTINGS = [
    *(f"moir/{x}" for x in ("fr", "id", "es", "pt", "zh")),
    *(f"clir/{p}" for p in ("fr-en", "id-nl", "es-fr", "en-pt", "de-vi", "it-zh", "fr-pt")),
    *("clir/id-vi", "clir/pt-zh", "mlir/en-xall", "mlir/xall-en", "mlir/xall-xall"),
]
"""The authors' unseen-language settings (`langpairs_unseen`, `mlingpairs_unseen`; `xall`: a
language drawn per item among all 14). Not run by default: a run lists the ones it measures."""
PAIR_MODEL_SYSTEMS = ("fine-tuning", "bl-cs")
"""Systems with one model per seen language pair: they have none for unseen languages."""
MINI_SETTINGS = ["moir/de", "moir/fr", "clir/en-de", "clir/en-fr", "clir/de-fr", "mlir/en-xx"]
PAPER_SETTINGS = [
    *(f"moir/{x}" for x in ("de", "it", "nl", "ru", "ar")),
    *(f"clir/{p}" for p in ("en-de", "en-it", "en-ar", "en-ru", "de-it", "de-nl", "de-ru")),
    *("clir/ar-it", "clir/ar-ru", "mlir/en-xx", "mlir/xx-en", "mlir/xx-xx"),
]


@dataclass
class CodeSwitchConfig(RecipeConfig):
    """Everything one codeswitch run reads (one system, one seed, several settings)."""

    system: str = option(
        "zero-shot", "zero-shot | fine-tuning | translate-test | bl-cs | ml-cs | wiki-cs (paper)"
    )
    settings: list[str] = option(
        list(MINI_SETTINGS), "moir/X, clir/X-Y, mlir/en-xx|xx-en|xx-xx to evaluate"
    )
    languages: list[str] = option(["en", "de", "fr"], "seen languages; en is the training language")
    unseen_languages: list[str] | None = option(
        None,
        "languages evaluated only (paper: mMARCO's other 8); settings may name them, and "
        "mlir/...xall... draws among seen and unseen languages",
    )
    switch_prob: float = option(0.5, "code-switching probability p (paper: 0.25/0.5/0.75/1.0)")
    translation_choice: str = option("first", "first | random translation of a multi-sense entry")
    multiword: bool = option(
        False, "lexicons are tab-separated phrase pairs (Wiki-CS), longest first"
    )
    muse_embeddings_dir: str | None = option(
        None, "paper: folder of aligned MUSE wiki.multi.{lang}.vec to induce lexicons from"
    )
    data_seed: int = option(
        1, "seed of code-switching draws and MLIR language draws (fixed, as in paper)"
    )
    encoder_init: str | None = option(
        None,
        "weam system (mbert, mbert+weam, mbert+tlm, ...) whose encoder and tokenizer every "
        "ranker starts from, built by the weam recipe in the shared stage cache; None: this "
        "recipe's own model (see encoder.py)",
    )
    encoder_weam: dict[str, Any] | None = option(
        None,
        "extra weam config fields of the encoder_init run, e.g. {train_steps: 200} (profile, "
        "seed and data_dir are this run's)",
    )
    vocab_size: int = option(2000, "WordPiece vocabulary trained on the fly (tiny BERT only)")
    pretrain_steps: int = option(
        0, "MLM pre-training steps of the tiny BERT (0: ranker from scratch)"
    )
    pretrain_batch_size: int = option(32, "MLM batch size")
    pretrain_learning_rate: float = option(5e-4, "MLM peak learning rate")
    pretrain_max_length: int = option(128, "MLM sequence length")
    pretrain_seed: int = option(0, "MLM seed: one pre-trained encoder serves all ranker seeds")
    mask_prob: float = option(0.15, "MLM masking probability")
    warmup_steps: int = option(4, "linear warm-up steps, then linear decay")
    negatives: int = option(4, "negatives per positive in pointwise training (paper: 4)")
    negative_depth: int = option(
        100, "negatives drawn from the non-relevant first-stage hits within this depth"
    )
    max_train_queries: int | None = option(None, "use at most this many training queries")
    first_stage: str = option(
        "en",
        "candidates to re-rank: en (English BM25 for every setting, as the paper's top1000.dev) "
        "| document (the BM25 run in the document language; bm25.mlir for mixed documents)",
    )
    eval_depth: int = option(8, "re-rank this many first-stage candidates per query (paper: 1000)")
    max_eval_queries: int | None = option(None, "evaluate at most this many queries")
    mrr_k: int = option(10, "cut-off of MRR")
    compare_to_zero_shot: bool = option(True, "also evaluate zero-shot and report paired t-tests")
    num_threads: int | None = option(1, "torch CPU threads (None: torch default; tiny models: 1)")
    mmarco_revision: str = option("main", "revision of the unicamp-dl/mmarco dataset repo (paper)")
    mmarco_first_stage: str | None = option(
        None,
        "paper data: top1000.dev (MS MARCO's official candidates, as the paper) | mmarco-bm25 "
        "(mMARCO's BM25 run of the English collection); None: top1000.dev",
    )
    mmarco_training: str | None = option(
        None,
        "paper data: shuffled-qidpidtriples (the authors': shuffled qidpidtriples.train.full, one "
        "positive per `negatives` negatives, up to max_train_pairs) | triples-small (first "
        "`negatives` negatives per query-positive of triples.train.ids.small); None: the first",
    )
    max_train_pairs: int | None = option(
        None, "paper data: at most this many training pairs (the authors: 20M)"
    )
    decay_steps: int | None = option(
        None,
        "step at which the linear decay reaches 0 (None: train_steps); paper: 312,500 = 20M "
        "pairs / batch 64, training stopped at 200k steps as the authors'",
    )
    adam_eps: float | None = option(
        None, "AdamW epsilon (None: 1e-8); paper: 1e-6, the authors' transformers AdamW"
    )
    train_max_length: int | None = option(
        None,
        "training truncation of (query, passage) (None: max_length); paper: 508, the "
        "tokenizer's max_len_sentences_pair the authors' training used (evaluation: max_length)",
    )


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
        "mmarco_first_stage": "top1000.dev",
        "mmarco_training": "shuffled-qidpidtriples",
        "max_train_pairs": PAPER_MAX_TRAIN_PAIRS,
        "decay_steps": PAPER_MAX_TRAIN_PAIRS // 64,
        "adam_eps": 1e-6,
        "train_max_length": 508,
        "unseen_languages": list(PAPER_UNSEEN),
    },
}
"""Defaults per profile on top of the dataclass defaults (which are the smoke profile)."""


def resolve(raw: dict[str, Any]) -> CodeSwitchConfig:
    """Profile defaults, then the run's fields; validates names and values."""
    cfg = resolve_profile(CodeSwitchConfig, raw, PROFILES, ("synthetic", "dir", "mmarco"))
    profile = cfg.profile
    cfg.system = canonical_system(cfg.system)
    if cfg.languages[0] != "en":
        raise ConfigError("languages must start with en, the training language")
    if cfg.system == "wiki-cs":  # the authors' Wiki-CS: every title phrase, p = 1.0
        cfg.switch_prob = float(raw.get("switch_prob", 1.0))
        cfg.multiword = bool(raw.get("multiword", True))
    if cfg.unseen_languages and "unseen_languages" not in raw:  # profile default: minus seen
        cfg.unseen_languages = [x for x in cfg.unseen_languages if x not in cfg.languages]
    overlap = set(cfg.languages) & set(cfg.unseen_languages or [])
    if overlap:
        raise ConfigError(f"languages {sorted(overlap)} are both seen and unseen")
    for setting in cfg.settings:
        parse_setting(setting, cfg.languages, cfg.unseen_languages)
    if cfg.first_stage not in ("en", "document"):
        raise ConfigError("first_stage must be en or document")
    for name, known in (("mmarco_first_stage", FIRST_STAGES), ("mmarco_training", TRAININGS)):
        if getattr(cfg, name) is not None and getattr(cfg, name) not in known:
            raise ConfigError(f"{name} must be one of {sorted(known)}, not {getattr(cfg, name)!r}")
    if not 0.0 <= cfg.switch_prob <= 1.0:
        raise ConfigError("switch_prob must be in [0, 1]")
    if profile not in CAPABILITIES["systems"][cfg.system]["profiles"]:
        raise ConfigError(f"system {cfg.system} is not available at profile {profile}")
    if cfg.encoder_init is not None or cfg.encoder_weam is not None:
        from reproductions.codeswitch.encoder import validate  # weam code only when asked for

        validate(cfg, model_set_by_user=raw.get("model_name_or_path") is not None)
    return cfg


MIXED = ("xx", "xall")
"""Mixed-language sides: `xx` draws among the seen languages, `xall` among seen and unseen."""


def parse_setting(
    setting: str, languages: list[str], unseen: list[str] | None = None
) -> tuple[str, str, str]:
    """`clir/en-de` -> ("clir", "en", "de"); `moir/de` -> ("moir", "de", "de"); validated."""
    kind, _, pair = setting.partition("/")
    if kind == "moir":
        q = d = pair
    elif kind in ("clir", "mlir"):
        q, _, d = pair.partition("-")
    else:
        raise ConfigError(f"setting {setting!r}: kind must be moir, clir or mlir")
    mixed = {q, d} & set(MIXED)
    if kind == "mlir" and not mixed:
        raise ConfigError(f"setting {setting!r}: mlir needs xx or xall on one side (mlir/en-xx)")
    if kind != "mlir" and mixed:
        raise ConfigError(f"setting {setting!r}: xx/xall (mixed languages) are for mlir only")
    if "xall" in mixed and not unseen:
        raise ConfigError(f"setting {setting!r}: xall needs unseen_languages")
    known = [*languages, *(unseen or [])]
    for lang in (q, d):
        if lang not in MIXED and lang not in known:
            raise ConfigError(f"setting {setting!r}: language {lang!r} not in languages {known}")
    return kind, q, d


def involves_unseen(cfg: CodeSwitchConfig, q: str, d: str) -> bool:
    """Whether a side is an unseen language or mixes them in (`xall`)."""
    return bool({q, d} & {"xall", *(cfg.unseen_languages or [])})


def eval_languages(cfg: CodeSwitchConfig) -> list[str]:
    """Seen languages, then the unseen ones the run's settings involve (data to fetch)."""
    used: set[str] = set()
    for setting in cfg.settings:
        _, q, d = parse_setting(setting, cfg.languages, cfg.unseen_languages)
        used |= set(cfg.unseen_languages or []) if "xall" in (q, d) else {q, d}
    return [*cfg.languages, *(x for x in cfg.unseen_languages or [] if x in used)]


def to_dict(cfg: CodeSwitchConfig) -> dict[str, Any]:
    """Resolved config as plain data."""
    return asdict(cfg)
