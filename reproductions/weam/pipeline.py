"""Orchestration of a weam run: builds each stage of its graph at most once per stage cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reproductions.common.cache import StageSpec
from reproductions.common.checkpoint import clear_checkpoints
from reproductions.common.recipe import RunContext
from reproductions.common.tokenizer import load_tokenizer
from reproductions.common.train import TrainConfig, TrainResult, train
from reproductions.weam.config import WeamConfig
from reproductions.weam.data import DataSource, DirSource, base_corpus
from reproductions.weam.models import load_tokenizer as load_model_tokenizer
from reproductions.weam.stages import Graph, lexicon_folder, switch_languages
from reproductions.weam.switching import lexicon_file, load_lexicons

Builder = Callable[["Pipeline", StageSpec, Path], dict[str, Any]]


def builders() -> dict[str, Builder]:
    """Stage name -> the function that builds it into a folder."""
    from reproductions.weam import build_encoder, build_tasks
    from reproductions.weam.base_eval import build_base_eval

    return {**build_encoder.BUILDERS, **build_tasks.BUILDERS, "eval-mlm": build_base_eval}


class Pipeline:
    """Runs the stages of one graph, each at most once per cache, and gathers their metadata."""

    def __init__(self, cfg: WeamConfig, ctx: RunContext, source: DataSource, graph: Graph) -> None:
        self.cfg = cfg
        self.ctx = ctx
        self.source = source
        self.graph = graph
        self.built: dict[str, dict[str, Any]] = {}
        self._train_cache: dict[str, list[tuple[str, str]]] = {}
        self._lexicons: dict[str, Any] | None = None
        self._builders = builders()

    def ensure(self, label: str) -> Path:
        """Folder of a finished stage, building it (and logging the outcome) if needed."""
        spec = self.graph.stages[label]
        if label in self.built:
            return Path(self.built[label]["path"])
        # Upstream stages first, so each stage's recorded time is its own.
        for up_label, up_spec in self.graph.stages.items():
            if up_spec.key in spec.upstream.values():
                self.ensure(up_label)
        builder = self._builders[spec.name]
        self.ctx.events.log(f"stage {label}: start", stage=label, key=spec.key[:24])
        path, built = self.ctx.cache.ensure(spec, lambda out: builder(self, spec, out))
        meta = self.ctx.cache.meta(spec)
        self.built[label] = {
            "key": spec.key,
            "path": str(path),
            "built_now": built,
            "seconds": meta.get("seconds"),
            **meta.get("meta", {}),
        }
        self.ctx.events.log(
            f"stage {label}: {'built' if built else 'cache hit'}", stage=label, built=built
        )
        return path

    def stage_path(self, key: str) -> Path:
        """Folder of the stage with cache key `key` (built if needed)."""
        for label, spec in self.graph.stages.items():
            if spec.key == key:
                return self.ensure(label)
        raise KeyError(key)

    def checkpoints(self, spec: StageSpec) -> Path:
        """Resumable training state of one stage."""
        return self.ctx.checkpoints / f"{spec.name}-{spec.key[:16]}"

    def train_config(self, prefix: str) -> TrainConfig:
        """Optimisation of continued pre-training (""), classification ("cls") or QA ("qa")."""
        c = self.cfg
        steps, batch, lr, warmup = {
            # Continued pre-training draws length-grouped batches of batch_size pairs.
            "": (c.train_steps, 1, c.learning_rate, c.warmup_steps),
            "base": (c.base_steps, 1, c.base_learning_rate, c.base_warmup_steps),
            "cls": (c.cls_steps, c.cls_batch_size, c.cls_learning_rate, c.cls_warmup_steps),
            "qa": (c.qa_steps, c.qa_batch_size, c.qa_learning_rate, c.qa_warmup_steps),
        }[prefix]
        return TrainConfig(
            max_steps=steps,
            batch_size=batch,
            learning_rate=lr,
            warmup_steps=warmup,
            weight_decay=c.weight_decay,
            checkpoint_every=c.checkpoint_every,
            log_every=max(1, steps // 20),
            precision=c.precision,
            group_by_length=prefix == "cls" and bool(c.cls_group_by_length),
        )

    def train(
        self, spec: StageSpec, model: Any, features: list, collate: Any, loss: Any, prefix: str
    ) -> TrainResult:
        """Train `model` for one stage (resumable), then drop its checkpoints."""
        checkpoints = self.checkpoints(spec)
        result = train(
            model,
            features,
            collate,
            loss,
            self.train_config(prefix),
            seed=self.cfg.seed,
            device=self.ctx.device,
            checkpoint_dir=checkpoints,
            events=self.ctx.events,
            stage=spec.label,
        )
        clear_checkpoints(checkpoints)
        return result

    # -- inputs ---------------------------------------------------------------------------
    def train_pairs(self, lang: str) -> list[tuple[str, str]]:
        """Pairs of continued pre-training and alignment: of parallel_domain, then capped."""
        if lang not in self._train_cache:
            pairs = self.source.parallel(lang, "train", domain=self.cfg.parallel_domain)
            if self.cfg.max_parallel_pairs:
                pairs = pairs[: self.cfg.max_parallel_pairs]
            self._train_cache[lang] = pairs
        return self._train_cache[lang]

    def monolingual_texts(self) -> tuple[list[str], dict[str, int]]:
        """The tiny BERT's corpus and its sentences per language (see `base_corpus`)."""
        pairs = {lang: self.source.parallel(lang, "train") for lang in self.cfg.languages}
        return base_corpus(pairs, self.cfg.base_en_ratio)

    def eval_examples(self, items: list) -> list:
        """The evaluation items kept (max_eval_examples)."""
        cap = self.cfg.max_eval_examples
        return items[:cap] if cap else items

    def lexicons(self) -> dict[str, Any]:
        """mbert+cs: the en-{lang} lexicons it switches with (downloaded first at paper)."""
        if self._lexicons is None:
            folder = lexicon_folder(self.cfg)
            if folder is None and isinstance(self.source, DirSource):
                folder = self.source.root / "lexicon"  # generated data carries its lexicons
            files = {}
            for lang in switch_languages(self.cfg):
                where = folder if folder is not None else self.ensure(f"lexicon/{lang}")
                files[lang] = lexicon_file(where, lang)
            self._lexicons = load_lexicons(files)
        return self._lexicons

    def check_inputs(self) -> None:
        """Fail before any training on a missing lexicon or unmarked domain."""
        if self.cfg.parallel_domain and self.graph.encoder == "continue":
            for lang in self.cfg.languages:
                self.train_pairs(lang)
        stage = self.graph.stages.get("finetune/xnli/en")
        if stage is not None and "code_switch" in stage.params:
            self.lexicons()

    # -- models ---------------------------------------------------------------------------
    def base_path(self) -> str:
        """The base model: the tiny BERT stage's folder or the pretrained model's name/path."""
        if self.graph.base is not None:
            assert self.cfg.model_name_or_path is not None
            return self.cfg.model_name_or_path
        return str(self.ensure("pretrain"))

    def encoder_path(self) -> str:
        """The model evaluations start from (continued pre-training, or the base for mbert)."""
        return (
            self.base_path()
            if self.graph.encoder in ("", "pretrain")
            else str(self.ensure(self.graph.encoder))
        )

    def tokenizer(self) -> Any:
        """The run's tokenizer."""
        if self.graph.base is not None:
            assert self.cfg.model_name_or_path is not None
            return load_model_tokenizer(self.cfg.model_name_or_path, self.cfg.model_revision)
        return load_tokenizer(self.ensure("tokenizer"))

    def load_model(self, loader: Any, path: str, **kwargs: Any) -> Any:
        """`loader(path)` with the configured revision when `path` is the hub model."""
        revision = self.cfg.model_revision if path == self.cfg.model_name_or_path else None
        return loader(path, revision=revision, **kwargs)
