"""The stage graph of a codeswitch run: which models to train and which evaluations to run.

Every stage is a StageSpec whose key hashes exactly what determines its output, so `plan` can
print the whole graph (and which parts are already cached) without reading data beyond hashing it.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.codeswitch.base_eval import BASE_EVAL_TEXTS
from reproductions.codeswitch.config import (
    PAIR_MODEL_SYSTEMS,
    CodeSwitchConfig,
    eval_languages,
    involves_unseen,
    parse_setting,
)
from reproductions.codeswitch.mmarco import file_urls
from reproductions.codeswitch.translate_test import MUSE_MULTI_LANGUAGES
from reproductions.codeswitch.variants import (
    ZERO_SHOT,
    Variant,
    induces_lexicons,
    lexicon_languages,
    side_languages,
    translate_languages,
    variant_for,
)
from reproductions.common.base_mlm import MASK_SEED
from reproductions.common.cache import StageSpec
from reproductions.common.hashing import sha256_file, sha256_json
from reproductions.common.wordpiece import TokenizerConfig

if TYPE_CHECKING:
    from reproductions.codeswitch.encoder import WeamEncoder

SYNTHETIC_SEED = 0
"""The smoke data set is fixed; run seeds vary training only."""


def _fingerprint_dir(path: Path) -> str | None:
    """Data hash of a local folder: its manifest.json if it has one, else every file."""
    if not path.is_dir():
        return None
    if (path / "manifest.json").is_file():
        return sha256_file(path / "manifest.json")
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return sha256_json({p.relative_to(path).as_posix(): sha256_file(p) for p in files})


class StageGraph:
    """Builds the StageSpecs of one run from its config."""

    def __init__(self, cfg: CodeSwitchConfig) -> None:
        self.cfg = cfg
        self.settings = [
            (s, *parse_setting(s, cfg.languages, cfg.unseen_languages)) for s in cfg.settings
        ]
        self.not_run = {
            s: f"{cfg.system} trains one model per seen language pair; there is none for "
            "unseen languages (the authors evaluate them with the one-model systems)"
            for s, _, q, d in self.settings
            if cfg.system in PAIR_MODEL_SYSTEMS and involves_unseen(cfg, q, d)
        }
        if cfg.system == "translate-test" and induces_lexicons(cfg):
            for s, _, q, d in self.settings:
                lacking = sorted(set(side_languages(cfg, q, d)) - MUSE_MULTI_LANGUAGES)
                if lacking:
                    self.not_run[s] = f"no aligned MUSE vectors for {lacking} to translate with"
        variants = [
            variant_for(cfg.system, q, d) for s, _, q, d in self.settings if s not in self.not_run
        ]
        if cfg.compare_to_zero_shot or cfg.system == "translate-test":
            variants.append(ZERO_SHOT)
        self.variants = list(dict.fromkeys(variants))
        self.lexicon_langs = lexicon_languages(cfg, self.variants)
        self.warnings: list[str] = []
        if cfg.system == "wiki-cs" and not cfg.lexicon_dir:
            self.warnings.append(
                "wiki-cs reads en-X Wikipedia-title lexicons (tab-separated phrase pairs) from "
                "lexicon_dir, e.g. built from WikiTitles 2014 as the authors "
                "(codeswitch_wiki_1.ipynb); the run stops before training without them"
            )

    # data -----------------------------------------------------------------------------------
    def data_spec(self) -> StageSpec | None:
        """Stage that materialises generated or downloaded data (None for a local folder)."""
        cfg = self.cfg
        if cfg.data_source == "synthetic":
            return StageSpec("data", {"source": "synthetic", "seed": SYNTHETIC_SEED}, version=1)
        if cfg.data_source == "mmarco":
            choices = {
                k: v
                for k, v in (
                    ("first_stage", cfg.mmarco_first_stage),
                    ("training", cfg.mmarco_training),
                )
                if v is not None
            }
            params = {
                "source": "mmarco",
                "files": file_urls(eval_languages(cfg), cfg.mmarco_revision, **choices),
                "negatives": cfg.negatives,
                "depth": cfg.eval_depth,
                "max_train_queries": cfg.max_train_queries,
                "max_eval_queries": cfg.max_eval_queries,
            }
            if cfg.max_train_pairs is not None:
                params["max_train_pairs"] = cfg.max_train_pairs
            return StageSpec("data", params, label="data/mmarco")
        return None

    def data_hash(self) -> str | None:
        """Hash identifying the data: the data stage key, or the local folder's fingerprint."""
        spec = self.data_spec()
        if spec is not None:
            return spec.key
        digest = _fingerprint_dir(Path(self.cfg.data_dir or ""))
        if digest is None:
            self.warnings.append(f"data_dir {self.cfg.data_dir} does not exist yet")
        return digest

    def _lexicon_spec(self, lang: str, label: str, **params: str) -> StageSpec:
        """A MUSE nearest-neighbour lexicon-induction stage over the data stage."""
        data = self.data_spec()
        assert data is not None
        return StageSpec(
            "lexicon",
            {"method": "muse-nearest-neighbour", "language": lang, **params},
            upstream={"data": data.key},
            label=label,
        )

    def lexicon_specs(self) -> dict[str, StageSpec]:
        """Paper: one lexicon-induction stage per language (MUSE nearest neighbours)."""
        if not induces_lexicons(self.cfg):
            return {}
        return {
            lang: self._lexicon_spec(
                lang, f"lexicon/en-{lang}", embeddings=f"wiki.multi.{{en,{lang}}}.vec"
            )
            for lang in self.lexicon_langs
        }

    def translate_specs(self) -> dict[str, StageSpec]:
        """Paper translate-test: one X->EN lexicon per language, each word of the test queries
        and collection to its nearest English neighbour (create_translatetest.py)."""
        cfg = self.cfg
        if not induces_lexicons(cfg):
            return {}
        return {
            lang: self._lexicon_spec(
                lang,
                f"lexicon/{lang}-en",
                direction=f"{lang}-en",
                vocabulary="test queries and collection",
                embeddings=f"wiki.multi.{{{lang},en}}.vec",
            )
            for lang in sorted(
                {x for s, _, q, d in self.settings if s not in self.not_run
                 for x in side_languages(cfg, q, d)} & set(translate_languages(cfg))
            )
        }  # fmt: skip

    def lexicon_upstream(self, langs: list[str]) -> dict[str, str]:
        """Induction stages of `langs` a stage depends on (paper profile only)."""
        specs = self.lexicon_specs()
        return {specs[lang].label: specs[lang].key for lang in langs if lang in specs}

    def lexicon_hash(self, langs: list[str]) -> str | None:
        """Hash of the `en-X` lexicons of `langs` (files, or their induction stages)."""
        specs = self.lexicon_specs()
        if specs:
            return sha256_json({lang: specs[lang].key for lang in langs})
        folder = self.lexicon_folder()
        if folder is None:
            return None
        found = {}
        for lang in langs:
            path = folder / f"en-{lang}.txt"
            found[lang] = sha256_file(path) if path.is_file() else None
        return sha256_json(found)

    def lexicon_folder(self) -> Path | None:
        """Folder holding `en-X.txt` lexicons (None when they come from an induction stage)."""
        if self.cfg.lexicon_dir:
            return Path(self.cfg.lexicon_dir)
        if self.cfg.data_source == "dir" and self.cfg.data_dir:
            return Path(self.cfg.data_dir) / "lexicon"
        return None

    # model ----------------------------------------------------------------------------------
    @cached_property
    def weam_encoder(self) -> WeamEncoder | None:
        """The weam encoder the rankers start from (encoder_init), or None."""
        if self.cfg.encoder_init is None:
            return None
        from reproductions.codeswitch.encoder import describe

        return describe(self.cfg)

    def tokenizer_spec(self) -> StageSpec | None:
        """WordPiece trained on the training text (only for the tiny BERT built here)."""
        cfg = self.cfg
        if cfg.model_name_or_path or cfg.encoder_init:
            return None
        params = {
            "tokenizer": TokenizerConfig(
                vocab_size=cfg.vocab_size, max_length=cfg.max_length
            ).to_dict(),
            "languages": cfg.languages,
        }
        return StageSpec("tokenizer", params, data=self.data_hash(), label="tokenizer")

    def pretrain_spec(self) -> StageSpec | None:
        """MLM pre-training of the tiny BERT (mini), shared by every seed and system."""
        cfg = self.cfg
        tok = self.tokenizer_spec()
        if tok is None or cfg.pretrain_steps <= 0:
            return None
        params = {
            "model_size": cfg.model_size,
            "steps": cfg.pretrain_steps,
            "batch_size": cfg.pretrain_batch_size,
            "learning_rate": cfg.pretrain_learning_rate,
            "max_length": cfg.pretrain_max_length,
            "mask_prob": cfg.mask_prob,
            "seed": cfg.pretrain_seed,
            "precision": cfg.precision,
        }
        return StageSpec(
            "pretrain", params, upstream={"tokenizer": tok.key}, data=self.data_hash(),
            label="pretrain/mlm",
        )  # fmt: skip

    def base_eval_spec(self) -> StageSpec | None:
        """Held-out MLM of the tiny BERT pre-trained here (see base_eval.py)."""
        pre = self.pretrain_spec()
        if pre is None:
            return None
        params = {
            "languages": self.cfg.languages,
            "max_texts": BASE_EVAL_TEXTS,
            "mask_prob": self.cfg.mask_prob,
            "max_length": self.cfg.pretrain_max_length,
            "mask_seed": MASK_SEED,
        }
        return StageSpec(
            "eval-mlm", params, upstream={"model": pre.key}, data=self.data_hash(),
            label="eval/base-mlm",
        )  # fmt: skip

    def base_model(self) -> dict[str, Any]:
        """Identity of the encoder the re-rankers start from (a weam one: its key is upstream)."""
        if self.cfg.encoder_init:
            return {"weam": self.cfg.encoder_init}
        if self.cfg.model_name_or_path:
            return {"model_name_or_path": self.cfg.model_name_or_path}
        pre = self.pretrain_spec()
        if pre is not None:
            return {"pretrain": pre.key}
        tok = self.tokenizer_spec()
        assert tok is not None
        return {"scratch": self.cfg.model_size, "tokenizer": tok.key}

    # training and evaluation ----------------------------------------------------------------
    def pairs_spec(self, variant: Variant) -> StageSpec:
        """Training pairs of a variant (code-switched for bl-cs/ml-cs)."""
        cfg = self.cfg
        params: dict[str, Any] = {
            "variant": variant.label,
            "negatives": cfg.negatives,
            "negative_depth": cfg.negative_depth,
            "max_train_queries": cfg.max_train_queries,
            "languages": cfg.languages,
            "data_seed": cfg.data_seed,
        }
        upstream: dict[str, str] = {}
        langs = side_languages(cfg, variant.qlang, variant.dlang)
        if variant.system in ("bl-cs", "ml-cs", "wiki-cs"):
            params.update(
                switch_prob=cfg.switch_prob,
                translation_choice=cfg.translation_choice,
                multiword=cfg.multiword,
                lexicons=self.lexicon_hash(langs),
            )
            upstream = self.lexicon_upstream(langs)
        return StageSpec(
            "pairs", params, upstream=upstream, data=self.data_hash(),
            label=f"pairs/{variant.label}",
        )  # fmt: skip

    def ranker_spec(self, variant: Variant) -> StageSpec:
        """A trained re-ranker."""
        cfg = self.cfg
        params = {
            "seed": cfg.seed,
            "base": self.base_model(),
            "train_steps": cfg.train_steps,
            "batch_size": cfg.batch_size,
            "learning_rate": cfg.learning_rate,
            "warmup_steps": cfg.warmup_steps,
            "weight_decay": cfg.weight_decay,
            "max_length": cfg.max_length,
            "precision": cfg.precision,
        }
        for name in ("decay_steps", "adam_eps", "train_max_length"):
            if getattr(cfg, name) is not None:  # only when set: earlier keys stay as they were
                params[name] = getattr(cfg, name)
        upstream = {"pairs": self.pairs_spec(variant).key}
        if self.weam_encoder is not None:
            upstream["encoder"] = self.weam_encoder.key
        return StageSpec("ranker", params, upstream=upstream, label=f"ranker/{variant.label}")

    def eval_spec(self, setting: str, system: str) -> StageSpec:
        """Re-ranking of one setting by one system's model."""
        cfg = self.cfg
        _, kind, q, d = next(s for s in self.settings if s[0] == setting)
        variant = variant_for(system, q, d)
        langs = side_languages(cfg, q, d)
        params = {
            "setting": setting,
            "translate_test": system == "translate-test",
            "depth": cfg.eval_depth,
            "first_stage": cfg.first_stage,
            "max_eval_queries": cfg.max_eval_queries,
            "mrr_k": cfg.mrr_k,
            "max_length": cfg.max_length,
            "data_seed": cfg.data_seed,
            "languages": cfg.languages,
            "lexicons": self.lexicon_hash(langs) if system == "translate-test" else None,
        }
        if cfg.unseen_languages is not None:
            params["unseen_languages"] = cfg.unseen_languages
        upstream = {"ranker": self.ranker_spec(variant).key}
        translate = self.translate_specs() if system == "translate-test" else {}
        if translate:
            params["lexicons"] = sha256_json({lang: translate[lang].key for lang in langs})
            upstream.update({translate[lang].label: translate[lang].key for lang in langs})
        elif system == "translate-test":
            upstream.update(self.lexicon_upstream(langs))
        return StageSpec(
            "rerank",
            params,
            upstream=upstream,
            data=self.data_hash(),
            label=f"rerank/{system}/{setting}",
        )

    def evaluations(self) -> list[tuple[str, str]]:
        """(setting, system) pairs to evaluate: the run's system, plus zero-shot to compare."""
        out = [(s, self.cfg.system) for s in self.cfg.settings if s not in self.not_run]
        if self.cfg.compare_to_zero_shot and self.cfg.system != "zero-shot":
            out += [(s, "zero-shot") for s in self.cfg.settings]
        return out

    def all_specs(self) -> list[StageSpec]:
        """Every stage in dependency order."""
        specs: list[StageSpec] = []
        data = self.data_spec()
        if data is not None:
            specs.append(data)
        specs += self.lexicon_specs().values()
        specs += self.translate_specs().values()
        if self.weam_encoder is not None:
            specs += self.weam_encoder.stages
        for spec in (self.tokenizer_spec(), self.pretrain_spec(), self.base_eval_spec()):
            if spec is not None:
                specs.append(spec)
        for v in self.variants:
            specs += [self.pairs_spec(v), self.ranker_spec(v)]
        specs += [self.eval_spec(s, system) for s, system in self.evaluations()]
        return list({s.key: s for s in specs}.values())
