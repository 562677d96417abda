"""The stage graph of a weam run: what each stage reads, hashed into its cache key.

tokenizer -> align/{lang} (WEAM, word-aligned mBERT) -> continue (every system but mbert(+cs))
tokenizer -> pretrain (tiny models only; a pretrained model is its own base) -> continue
encoder -> finetune/{task}/{lang} -> eval/{task}/{setting}[/{lang}]
lexicon/{lang} (paper, mbert+cs) -> finetune/xnli/en
encoder -> bitext;  tokenizer -> stats;  pretrain -> eval/base-mlm (held-out MLM of the base)

Runs that agree on a stage's inputs share its folder: one `continue` serves the zero-shot and
translate-train evaluations of a seed, one `pretrain` (base_seed) serves every seed, and mbert+cs
shares everything but its zero-shot fine-tuning with mbert. Fields added later (base_en_ratio,
parallel_domain) enter a key only when set, so stages built before keep their keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reproductions.common.cache import StageSpec
from reproductions.common.hashing import manifest_hash, sha256_file, sha256_json
from reproductions.common.recipe import ConfigError
from reproductions.weam.base_eval import base_eval_sentences, base_eval_stage
from reproductions.weam.config import NEEDS_ALIGNMENT, OBJECTIVE, WeamConfig, mlqa_languages
from reproductions.weam.switching import MUSE_LANGUAGES, MUSE_URL, lexicon_file
from reproductions.weam.synthetic import SyntheticSpec

VERSION = 1
"""Code version of every weam stage; bump when a stage's output changes meaning."""


def synthetic_spec(cfg: WeamConfig) -> SyntheticSpec:
    """Sizes of the smoke profile's generated data."""
    return SyntheticSpec(train_pairs=cfg.synthetic_pairs, languages=tuple(cfg.languages))


def synthetic_stage(cfg: WeamConfig) -> StageSpec:
    """The generated data folder of the smoke profile."""
    return StageSpec(
        "synthetic-data", params=asdict(synthetic_spec(cfg)), version=VERSION, label="data"
    )


def model_identity(cfg: WeamConfig) -> dict[str, Any]:
    """What names a pretrained base: hub name and revision, or a local folder's content hash."""
    assert cfg.model_name_or_path is not None
    path = Path(cfg.model_name_or_path)
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        return {"local": str(path), "files": manifest_hash(files, path)}
    return {"hub": cfg.model_name_or_path, "revision": cfg.model_revision}


def qa_runs(cfg: WeamConfig) -> bool:
    """MLQA needs the hub's QA data; mbert+cs switches classification data only."""
    return cfg.data_source == "hub" and cfg.system != "mbert+cs"


def mlqa_not_run(cfg: WeamConfig) -> str:
    """Why a run reports no MLQA numbers."""
    if cfg.data_source != "hub":
        return f"cannot run at this profile ({cfg.profile}): no QA data set"
    return "not measured for mbert+cs: only its classification data is code-switched"


def switch_languages(cfg: WeamConfig) -> list[str]:
    """Target languages mbert+cs switches into (paper without lexicon_dir: MUSE's only)."""
    if cfg.data_source == "hub" and not cfg.lexicon_dir:
        return [lang for lang in cfg.languages if lang in MUSE_LANGUAGES]
    return list(cfg.languages)


def lexicon_folder(cfg: WeamConfig) -> Path | None:
    """Folder of the en-{lang}.txt lexicons (None: generated data or downloaded stages)."""
    if cfg.lexicon_dir:
        return Path(cfg.lexicon_dir)
    if cfg.data_source == "dir" and cfg.data_dir:
        return Path(cfg.data_dir) / "lexicon"
    return None


def lexicon_stage(lang: str) -> StageSpec:
    """The MUSE dictionary of one language, downloaded into the stage cache (paper)."""
    return StageSpec(
        "lexicon",
        params={"url": MUSE_URL.format(lang=lang)},
        version=VERSION,
        label=f"lexicon/{lang}",
    )


def _base_corpus(cfg: WeamConfig) -> dict[str, Any]:
    # max_parallel_pairs stays in the key, always None: the base corpus is every train pair,
    # which is what the key meant before, so base stages built then stay valid.
    params: dict[str, Any] = {"languages": list(cfg.languages), "max_parallel_pairs": None}
    if cfg.base_en_ratio is not None:
        params["base_en_ratio"] = cfg.base_en_ratio
    return params


def _parallel_subset(cfg: WeamConfig) -> dict[str, Any]:
    params: dict[str, Any] = {"max_parallel_pairs": cfg.max_parallel_pairs}
    if cfg.parallel_domain is not None:
        params["parallel_domain"] = cfg.parallel_domain
    return params


@dataclass
class Graph:
    """Stages of one run in build order, and the roles the recipe looks them up by."""

    stages: dict[str, StageSpec] = field(default_factory=dict)
    """Label -> spec, upstream stages first."""
    base: dict[str, Any] | None = None
    """Identity of a pretrained base model (None: the tiny BERT of the `pretrain` stage)."""
    encoder: str = ""
    """Label of the stage whose model the evaluations start from ("" with a pretrained mbert)."""

    def add(self, spec: StageSpec) -> StageSpec:
        """Append a stage (its label is its role)."""
        self.stages[spec.label] = spec
        return spec

    def key(self, label: str) -> str:
        """Key of a stage, or of the pretrained base for ""."""
        if label:
            return self.stages[label].key
        return sha256_json({"pretrained": self.base})

    def describe(self, cache_root: Path | None = None) -> list[dict[str, Any]]:
        """Plain-data stage list for `plan` (with folders and status when a cache is given)."""
        out = []
        for spec in self.stages.values():
            item = spec.describe()
            if cache_root is not None:
                folder = cache_root / spec.name / spec.key[:24]
                item["path"] = str(folder)
                item["complete"] = (folder / "COMPLETE.json").exists()
            out.append(item)
        return out


def _code_switch(cfg: WeamConfig, g: Graph, data_id: str) -> dict[str, Any]:
    """Switching parameters and lexicon identity of mbert+cs (adds the paper's lexicon stages)."""
    langs = switch_languages(cfg)
    if not langs:
        raise ConfigError(
            f"mbert+cs: MUSE has no en-X dictionary for {cfg.languages}; set lexicon_dir"
        )
    folder = lexicon_folder(cfg)
    if folder is not None:
        files = {lang: lexicon_file(folder, lang) for lang in langs}
        lexicons: Any = {lang: sha256_file(f) if f.is_file() else None for lang, f in files.items()}
    elif cfg.data_source == "hub":
        lexicons = {lang: g.add(lexicon_stage(lang)).key for lang in langs}
    else:
        lexicons = {"generated with": data_id}
    return {
        "prob": cfg.code_switch_prob,
        "seed": cfg.code_switch_seed,
        "languages": langs,
        "lexicons": lexicons,
        "choice": "first",
    }


def _train(cfg: WeamConfig, prefix: str) -> dict[str, Any]:
    names = ("steps", "batch_size", "learning_rate", "warmup_steps", "max_length")
    fields = {
        "": ("train_steps", "batch_size", "learning_rate", "warmup_steps", "max_length"),
        "base": (
            "base_steps",
            "base_batch_size",
            "base_learning_rate",
            "base_warmup_steps",
            "base_max_length",
        ),
        "cls": (
            "cls_steps",
            "cls_batch_size",
            "cls_learning_rate",
            "cls_warmup_steps",
            "cls_max_length",
        ),
        "qa": ("qa_steps", "qa_batch_size", "qa_learning_rate", "qa_warmup_steps", "qa_max_length"),
    }[prefix]
    out = {n: getattr(cfg, f) for n, f in zip(names, fields, strict=True)}
    out.update(weight_decay=cfg.weight_decay, precision=cfg.precision)
    if prefix == "cls" and cfg.cls_group_by_length:
        out["group_by_length"] = True  # only when on: keys of runs made before it are kept
    return out


def build_graph(cfg: WeamConfig, data_id: str) -> Graph:
    """Every stage the run's tasks and settings need, keyed by their inputs."""
    g = Graph()
    langs = list(cfg.languages)
    if cfg.model_name_or_path is None:
        tok = g.add(
            StageSpec(
                "tokenizer",
                params={
                    "vocab_size": cfg.vocab_size,
                    "min_frequency": cfg.tokenizer_min_frequency,
                    **_base_corpus(cfg),
                },
                data=data_id,
                version=VERSION,
                label="tokenizer",
            )
        )
        base_label, tokenizer_key = "pretrain", tok.key
    else:
        g.base = model_identity(cfg)
        base_label, tokenizer_key = "", g.key("")

    objective = OBJECTIVE.get(cfg.system)
    align_keys: dict[str, str] = {}
    if cfg.system in NEEDS_ALIGNMENT:
        for lang in langs:
            params: dict[str, Any] = {
                "lang": lang,
                "aligner": cfg.aligner,
                "symmetrization": cfg.symmetrization,
                "level": cfg.align_level,
                **_parallel_subset(cfg),
            }
            if cfg.aligner == "ibm1":
                params["ibm1_iterations"] = cfg.ibm1_iterations
            if cfg.aligner == "files":
                path = Path(cfg.alignment_files[lang])
                params["file"] = {"name": path.name, "sha256": manifest_hash([path], path.parent)}
            spec = g.add(
                StageSpec(
                    "align",
                    params=params,
                    upstream={"tokenizer": tokenizer_key},
                    data=data_id,
                    version=VERSION,
                    label=f"align/{lang}",
                )
            )
            align_keys[f"align/{lang}"] = spec.key

    if cfg.model_name_or_path is None:
        # After the alignments in build order: one process can align while another pre-trains.
        g.add(
            StageSpec(
                "pretrain",
                params={
                    **_train(cfg, "base"),
                    "model_size": cfg.model_size,
                    "mask_prob": cfg.base_mask_prob,
                    "seed": cfg.seed if cfg.base_seed is None else cfg.base_seed,
                    **_base_corpus(cfg),
                },
                upstream={"tokenizer": tok.key},
                data=data_id,
                version=VERSION,
                label="pretrain",
            )
        )
    encoder = base_label
    if objective is not None:
        params = {
            **_train(cfg, ""),
            "objective": objective,
            "mask_prob": cfg.mask_prob if objective in ("mlm", "tlm", "weam") else None,
            "seed": cfg.seed,
            "languages": langs,
            **_parallel_subset(cfg),
        }
        if objective == "weam":
            params.update(
                weam_lambda=cfg.weam_lambda,
                swap_layer=cfg.swap_layer,
                xl_positions=cfg.xl_positions,
                align_level=cfg.align_level,
            )
        if objective == "cao":
            params.update(lambda_reg=cfg.cao_lambda_reg, align_level=cfg.align_level)
        g.add(
            StageSpec(
                "continue",
                params=params,
                upstream={"base": g.key(base_label), **align_keys},
                data=data_id,
                version=VERSION,
                label="continue",
            )
        )
        encoder = "continue"
    g.encoder = encoder
    encoder_key = g.key(encoder)

    def finetune(task: str, lang: str) -> str:
        label = f"finetune/{task}/{lang}"
        if label not in g.stages:
            params = {
                **_train(cfg, "cls" if task == "xnli" else "qa"),
                **(
                    {"doc_stride": cfg.qa_doc_stride, "max_query_length": cfg.qa_max_query_length}
                    if task == "mlqa"
                    else {}
                ),
                "task": task,
                "train_lang": lang,
                "seed": cfg.seed,
            }
            upstream = {"encoder": encoder_key}
            if cfg.system == "mbert+cs" and task == "xnli" and lang == "en":
                params["code_switch"] = _code_switch(cfg, g, data_id)
                upstream.update({k: v.key for k, v in g.stages.items() if v.name == "lexicon"})
            g.add(
                StageSpec(
                    "finetune-cls" if task == "xnli" else "finetune-qa",
                    params=params,
                    upstream=upstream,
                    data=data_id,
                    version=VERSION,
                    label=label,
                )
            )
        return label

    def evaluate(task: str, setting: str, model_label: str, eval_langs: list[str]) -> None:
        suffix = "" if setting == "zero-shot" else f"/{eval_langs[0]}"
        params: dict[str, Any] = {
            "task": task,
            "languages": eval_langs,
            "max_eval_examples": cfg.max_eval_examples,
        }
        if task == "mlqa":
            params.update(n_best=cfg.qa_n_best, max_answer_length=cfg.qa_max_answer_length)
        g.add(
            StageSpec(
                "eval-cls" if task == "xnli" else "eval-qa",
                params=params,
                upstream={"model": g.stages[model_label].key},
                data=data_id,
                version=VERSION,
                label=f"eval/{task}/{setting}{suffix}",
            )
        )

    runnable = ["xnli", *(["mlqa"] if qa_runs(cfg) else [])]
    for task in [t for t in cfg.tasks if t in runnable]:
        task_langs = langs if task == "xnli" else mlqa_languages(cfg)
        if not task_langs:
            continue
        if "zero-shot" in cfg.settings:
            evaluate(task, "zero-shot", finetune(task, "en"), ["en", *task_langs])
        if "translate-train" in cfg.settings:
            for lang in task_langs:
                evaluate(task, "translate-train", finetune(task, lang), [lang])

    if "bitext" in cfg.tasks:
        g.add(
            StageSpec(
                "bitext",
                params={
                    "languages": langs,
                    "layer": cfg.retrieval_layer,
                    "max_pairs": cfg.bitext_max_pairs,
                    "max_length": cfg.max_length,
                },
                upstream={"encoder": encoder_key},
                data=data_id,
                version=VERSION,
                label="bitext",
            )
        )
    if "stats" in cfg.tasks:
        g.add(
            StageSpec(
                "stats",
                params={
                    "tasks": [t for t in cfg.tasks if t != "stats"],
                    "languages": langs,
                    "hub": cfg.data_source == "hub",
                },
                upstream={"tokenizer": tokenizer_key},
                data=data_id,
                version=VERSION,
                label="stats",
            )
        )
    if base_eval_sentences(cfg):
        g.add(base_eval_stage(cfg, langs, g.stages["pretrain"].key, data_id, VERSION))
    return g
