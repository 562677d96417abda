"""Building each stage of a weam run in the stage cache, and collecting the metrics."""

from __future__ import annotations

import copy
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from transformers import BertForMaskedLM

from reproductions.common.cache import StageSpec
from reproductions.common.checkpoint import clear_checkpoints
from reproductions.common.files import read_json, write_json_atomic
from reproductions.common.metrics import mean
from reproductions.common.mlm import MLMCollator, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.recipe import RunContext
from reproductions.common.seed import set_seed
from reproductions.common.tokenizer import TokenizerConfig, load_tokenizer, train_wordpiece
from reproductions.common.train import TrainConfig, TrainResult, train
from reproductions.weam import classify, qa
from reproductions.weam.aligner import align_corpus, load_alignment_file
from reproductions.weam.batching import GroupCollator, length_grouped
from reproductions.weam.collators import LinkPoolingCollator, PairMaskingCollator, TLMCollator
from reproductions.weam.config import OBJECTIVE, WeamConfig, mlqa_languages
from reproductions.weam.data import DataSource, DirSource, label_names
from reproductions.weam.losses import CaoAlignLoss, WeamLoss, tlm_loss
from reproductions.weam.mlqa_eval import score as mlqa_score
from reproductions.weam.models import (
    load_classifier,
    load_masked_lm,
    load_qa_model,
)
from reproductions.weam.models import load_tokenizer as load_model_tokenizer
from reproductions.weam.pairs import pair_features
from reproductions.weam.pharaoh import read_pharaoh, write_pharaoh
from reproductions.weam.retrieval import bitext_p_at_1
from reproductions.weam.stages import (
    Graph,
    lexicon_folder,
    mlqa_not_run,
    qa_runs,
    switch_languages,
)
from reproductions.weam.stats import length_stats
from reproductions.weam.switching import (
    download_lexicon,
    lexicon_file,
    load_lexicons,
    switch_examples,
)
from reproductions.weam.units import split_units

METRICS = "metrics.json"


def base_corpus(
    pairs: dict[str, list[tuple[str, str]]], en_ratio: float | None
) -> tuple[list[str], dict[str, int]]:
    """Both sides of every pair, English deduplicated across languages; with `en_ratio` r, each
    target language keeps only its first round(n_en / r) sentences. Returns texts and counts."""
    n_en = len({en for lang_pairs in pairs.values() for en, _ in lang_pairs})
    seen: set[str] = set()
    texts: list[str] = []
    counts = {"en": 0, **{lang: 0 for lang in pairs}}
    for lang, lang_pairs in pairs.items():
        quota = len(lang_pairs) if en_ratio is None else round(n_en / en_ratio)
        for i, (en, xx) in enumerate(lang_pairs):
            if en not in seen:
                seen.add(en)
                texts.append(en)
                counts["en"] += 1
            if i < quota:
                texts.append(xx)
                counts[lang] += 1
    return texts, counts


def _summary(result: TrainResult) -> dict[str, Any]:
    return asdict(result)


class Pipeline:
    """Runs the stages of one graph, each at most once per cache, and gathers metrics."""

    def __init__(self, cfg: WeamConfig, ctx: RunContext, source: DataSource, graph: Graph) -> None:
        self.cfg = cfg
        self.ctx = ctx
        self.source = source
        self.graph = graph
        self.built: dict[str, dict[str, Any]] = {}
        self._train_cache: dict[str, list[tuple[str, str]]] = {}
        self._lexicons: dict[str, Any] | None = None

    # -- plumbing -------------------------------------------------------------------------
    def ensure(self, label: str) -> Path:
        """Folder of a finished stage, building it (and logging the outcome) if needed."""
        spec = self.graph.stages[label]
        if label in self.built:
            return Path(self.built[label]["path"])
        # Upstream stages first, so each stage's recorded time is its own.
        for up_label, up_spec in self.graph.stages.items():
            if up_spec.key in spec.upstream.values():
                self.ensure(up_label)
        builder = getattr(self, "_build_" + spec.name.replace("-", "_"))
        self.ctx.events.log(f"stage {label}: start", stage=label, key=spec.key[:24])
        path, built = self.ctx.cache.ensure(spec, lambda out: builder(spec, out))
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

    def _checkpoints(self, spec: StageSpec) -> Path:
        return self.ctx.checkpoints / f"{spec.name}-{spec.key[:16]}"

    def _train_config(self, prefix: str) -> TrainConfig:
        c = self.cfg
        steps, batch, lr, warmup = {
            # Continued pre-training draws length-grouped batches of batch_size pairs.
            "": (c.train_steps, 1, c.learning_rate, c.warmup_steps),
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
        )

    def _train(
        self, spec: StageSpec, model: Any, features: list, collate: Any, loss: Any, prefix: str
    ) -> TrainResult:
        checkpoints = self._checkpoints(spec)
        result = train(
            model,
            features,
            collate,
            loss,
            self._train_config(prefix),
            seed=self.cfg.seed,
            device=self.ctx.device,
            checkpoint_dir=checkpoints,
            events=self.ctx.events,
            stage=spec.label,
        )
        clear_checkpoints(checkpoints)
        return result

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

    def _load_model(self, loader: Any, path: str, **kwargs: Any) -> Any:
        revision = self.cfg.model_revision if path == self.cfg.model_name_or_path else None
        return loader(path, revision=revision, **kwargs)

    # -- builders -------------------------------------------------------------------------
    def _build_lexicon(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        lang = spec.label.rsplit("/", 1)[1]
        return download_lexicon(spec.params["url"], lexicon_file(out, lang))

    def _build_tokenizer(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        texts, counts = self.monolingual_texts()
        tok = train_wordpiece(
            texts,
            TokenizerConfig(
                vocab_size=self.cfg.vocab_size,
                min_frequency=self.cfg.tokenizer_min_frequency,
                max_length=512,
            ),
        )
        tok.save_pretrained(out)
        return {"texts": len(texts), "corpus": counts, "vocab_size": len(tok)}

    def _build_pretrain(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        c = self.cfg
        tok = load_tokenizer(self.ensure("tokenizer"))
        seed = spec.params["seed"]
        texts, counts = self.monolingual_texts()
        enc = tok(texts, truncation=True, max_length=c.base_max_length)
        del texts
        features = [
            {"input_ids": ids, "token_type_ids": [0] * len(ids), "attention_mask": [1] * len(ids)}
            for ids in enc["input_ids"]
            if len(ids) > 3
        ]
        del enc  # the fast tokenizer's Encoding objects of every sentence are large
        batches = length_grouped(features, c.base_batch_size, seed, lambda f: len(f["input_ids"]))
        set_seed(seed)
        config = tiny_bert_config(c.model_size, len(tok), max_position_embeddings=c.base_max_length)
        model = BertForMaskedLM(config)
        checkpoints = self._checkpoints(spec)
        result = train(
            model,
            batches,
            GroupCollator(MLMCollator(tok, c.base_mask_prob)),
            masked_lm_loss,
            TrainConfig(
                max_steps=c.base_steps,
                batch_size=1,  # one length-grouped batch of base_batch_size sentences
                learning_rate=c.base_learning_rate,
                warmup_steps=c.base_warmup_steps,
                weight_decay=c.weight_decay,
                checkpoint_every=c.checkpoint_every,
                log_every=max(1, c.base_steps // 20),
                precision=c.precision,
            ),
            seed=seed,
            device=self.ctx.device,
            checkpoint_dir=checkpoints,
            events=self.ctx.events,
            stage=spec.label,
        )
        clear_checkpoints(checkpoints)
        model.save_pretrained(out)
        tok.save_pretrained(out)
        return {
            "train": _summary(result),
            "corpus": counts,
            "sentences": len(features),
            "batches": len(batches),
        }

    def _build_align(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        lang = spec.params["lang"]
        tok = self.tokenizer()
        pairs = self.train_pairs(lang)
        level = self.cfg.align_level
        en_units = split_units(tok, [p[0] for p in pairs], level)
        xx_units = split_units(tok, [p[1] for p in pairs], level)
        # The exact units aligned, so an external aligner (fast_align) can be run on them too.
        (out / "en.txt").write_text("".join(" ".join(u) + "\n" for u in en_units), "utf-8")
        (out / f"{lang}.txt").write_text("".join(" ".join(u) + "\n" for u in xx_units), "utf-8")
        if self.cfg.aligner == "files":
            links = load_alignment_file(self.cfg.alignment_files[lang], en_units, xx_units)
            used = "files"
        else:
            links, used = align_corpus(
                en_units,
                xx_units,
                self.cfg.aligner,
                self.cfg.symmetrization,
                self.cfg.ibm1_iterations,
            )
        write_pharaoh(out / "links.pharaoh", links)
        n_units = sum(len(u) for u in en_units)
        aligned = sum(len({i for i, _ in ls}) for ls in links)
        return {
            "aligner_used": used,
            "pairs": len(pairs),
            "links": sum(len(ls) for ls in links),
            "en_units_aligned": round(aligned / max(1, n_units), 4),
        }

    def _build_continue(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        c = self.cfg
        objective = OBJECTIVE[c.system]
        base = self.base_path()
        tok = self._load_model(load_model_tokenizer, base)
        features = []
        for lang in c.languages:
            alignments = None
            if objective in ("weam", "cao"):
                alignments = read_pharaoh(self.ensure(f"align/{lang}") / "links.pharaoh")
            features += pair_features(
                tok, self.train_pairs(lang), c.max_length, c.align_level, alignments
            )
        batches = length_grouped(
            features, c.batch_size, c.seed, lambda f: len(f["en_ids"]) + len(f["xx_ids"])
        )
        set_seed(c.seed)
        model = self._load_model(load_masked_lm, base)
        if objective == "tlm":
            collate, loss = TLMCollator(tok, c.mask_prob), tlm_loss
        elif objective == "cao":
            collate = LinkPoolingCollator(tok)
            loss = CaoAlignLoss(copy.deepcopy(model.bert), c.cao_lambda_reg)
        else:
            collate = PairMaskingCollator(tok, c.mask_prob, with_swap=objective == "weam")
            lam = c.weam_lambda if objective == "weam" else 0.0
            loss = WeamLoss(lam, c.swap_layer, c.xl_positions)
        result = self._train(spec, model, batches, GroupCollator(collate), loss, "")
        model.save_pretrained(out)
        tok.save_pretrained(out)
        return {"train": _summary(result), "pairs": len(features), "batches": len(batches)}

    def _labels(self) -> list[str]:
        return label_names(self.source.classification("en", "train"))

    def _build_finetune_cls(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        encoder = self.encoder_path()
        tok = self._load_model(load_model_tokenizer, encoder)
        labels = self._labels()
        examples = self.source.classification(spec.params["train_lang"], "train")
        switched = None
        if "code_switch" in spec.params:
            cs = spec.params["code_switch"]
            examples, switched = switch_examples(examples, self.lexicons(), cs["prob"], cs["seed"])
        features = classify.cls_features(tok, examples, labels, self.cfg.cls_max_length)
        set_seed(self.cfg.seed)
        model = self._load_model(load_classifier, encoder, num_labels=len(labels))
        result = self._train(
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
        meta = {"train": _summary(result), "examples": len(features)}
        if switched is not None:
            meta["code_switch"] = switched
        return meta

    def _eval_examples(self, items: list) -> list:
        cap = self.cfg.max_eval_examples
        return items[:cap] if cap else items

    def _build_eval_cls(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        model_dir = self._stage_path(spec.upstream["model"])
        tok = load_model_tokenizer(str(model_dir))
        labels = read_json(model_dir / "labels.json")
        model = load_classifier(str(model_dir), num_labels=len(labels))
        metrics = {}
        for lang in spec.params["languages"]:
            examples = self._eval_examples(self.source.classification(lang, "test"))
            features = classify.cls_features(tok, examples, labels, self.cfg.cls_max_length)
            metrics[lang] = classify.evaluate_accuracy(
                model, features, tok.pad_token_id or 0, self.cfg.eval_batch_size, self.ctx.device
            )
            metrics[f"{lang}/examples"] = len(features)
        write_json_atomic(out / METRICS, metrics)
        return {"metrics": metrics}

    def _build_finetune_qa(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        c = self.cfg
        encoder = self.encoder_path()
        tok = self._load_model(load_model_tokenizer, encoder)
        examples = self.source.qa(spec.params["train_lang"], "train")
        features = qa.qa_features(
            tok,
            examples,
            max_length=c.qa_max_length,
            doc_stride=c.qa_doc_stride,
            max_query_length=c.qa_max_query_length,
            train=True,
        )
        set_seed(c.seed)
        model = self._load_model(load_qa_model, encoder)
        result = self._train(
            spec, model, features, qa.QACollator(tok.pad_token_id or 0), qa.qa_loss, "qa"
        )
        model.save_pretrained(out)
        tok.save_pretrained(out)
        return {"train": _summary(result), "examples": len(examples), "windows": len(features)}

    def _build_eval_qa(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        c = self.cfg
        model_dir = self._stage_path(spec.upstream["model"])
        tok = load_model_tokenizer(str(model_dir))
        model = load_qa_model(str(model_dir))
        metrics: dict[str, Any] = {}
        for lang in spec.params["languages"]:
            examples = self._eval_examples(self.source.qa(lang, "test"))
            features = qa.qa_features(
                tok,
                examples,
                max_length=c.qa_max_length,
                doc_stride=c.qa_doc_stride,
                max_query_length=c.qa_max_query_length,
                train=False,
            )
            answers = qa.predict_answers(
                model,
                features,
                examples,
                pad_token_id=tok.pad_token_id or 0,
                batch_size=c.eval_batch_size,
                n_best=c.qa_n_best,
                max_answer_length=c.qa_max_answer_length,
                device=self.ctx.device,
            )
            truths = {e["id"]: e["answers"]["text"] for e in examples}
            scores = mlqa_score(answers, truths, lang)
            metrics[f"{lang}/f1"], metrics[f"{lang}/em"] = scores["f1"], scores["em"]
            metrics[f"{lang}/examples"] = len(examples)
        write_json_atomic(out / METRICS, metrics)
        return {"metrics": metrics}

    def _build_bitext(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        encoder = self.encoder_path()
        tok = self._load_model(load_model_tokenizer, encoder)
        bert = self._load_model(load_masked_lm, encoder).bert
        metrics: dict[str, Any] = {}
        for lang in spec.params["languages"]:
            pairs = self.source.parallel(lang, "test")[: spec.params["max_pairs"]]
            forward, backward = bitext_p_at_1(
                bert,
                tok,
                pairs,
                layer=spec.params["layer"],
                max_length=spec.params["max_length"],
                batch_size=self.cfg.eval_batch_size,
                device=self.ctx.device,
            )
            metrics[f"en-{lang}"], metrics[f"{lang}-en"] = forward, backward
            metrics[f"{lang}/pairs"] = len(pairs)
        write_json_atomic(out / METRICS, metrics)
        return {"metrics": metrics}

    def _build_stats(self, spec: StageSpec, out: Path) -> dict[str, Any]:
        tok = self.tokenizer()
        metrics: dict[str, Any] = {}
        langs = ["en", *spec.params["languages"]]
        for task in spec.params["tasks"]:
            if task == "xnli":
                for lang in langs:
                    ex = self._eval_examples(self.source.classification(lang, "test"))
                    stats = length_stats(tok, [e.text for e in ex], [e.pair for e in ex])
                    metrics.update({f"xnli/{lang}/{k}": v for k, v in stats.items()})
            elif task == "mlqa" and spec.params["hub"]:
                for lang in ["en", *mlqa_languages(self.cfg)]:
                    ex = self._eval_examples(self.source.qa(lang, "test"))
                    stats = length_stats(
                        tok, [e["question"] for e in ex], [e["context"] for e in ex]
                    )
                    metrics.update({f"mlqa/{lang}/{k}": v for k, v in stats.items()})
            elif task == "bitext":
                for lang in spec.params["languages"]:
                    pairs = self.source.parallel(lang, "test")[: self.cfg.bitext_max_pairs]
                    for side, texts in (
                        ("en", [p[0] for p in pairs]),
                        (lang, [p[1] for p in pairs]),
                    ):
                        stats = length_stats(tok, texts, [None] * len(texts))
                        metrics.update(
                            {f"bitext/en-{lang}.{side}/{k}": v for k, v in stats.items()}
                        )
        write_json_atomic(out / METRICS, metrics)
        return {"metrics": metrics}

    def _stage_path(self, key: str) -> Path:
        for label, spec in self.graph.stages.items():
            if spec.key == key:
                return self.ensure(label)
        raise KeyError(key)

    # -- the run --------------------------------------------------------------------------
    def metrics(self) -> tuple[dict[str, float | None], dict[str, str]]:
        """Build every evaluation stage; return (metrics, not-run reasons)."""
        c = self.cfg
        out: dict[str, float | None] = {}
        not_run: dict[str, str] = {}
        stage_metrics = {}
        for label, spec in self.graph.stages.items():
            if spec.name in ("eval-cls", "eval-qa", "bitext", "stats"):
                stage_metrics[label] = read_json(self.ensure(label) / METRICS)

        for task in [t for t in c.tasks if t in ("xnli", "mlqa")]:
            names = ["accuracy"] if task == "xnli" else ["f1", "em"]
            langs = list(c.languages) if task == "xnli" else mlqa_languages(c)
            if task == "mlqa" and not qa_runs(c):
                reason = mlqa_not_run(c)
                for setting in c.settings:
                    for lang in langs or ["avg"]:
                        for name in names:
                            out[f"mlqa/{setting}/{lang}/{name}"] = None
                not_run["mlqa"] = reason
                continue
            for setting in c.settings:
                for name in names:
                    values = []
                    eval_langs = (["en"] if setting == "zero-shot" else []) + langs
                    for lang in eval_langs:
                        label = f"eval/{task}/{setting}" + (
                            "" if setting == "zero-shot" else f"/{lang}"
                        )
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
                out[f"stats/{key}"] = (
                    None if isinstance(value, float) and math.isnan(value) else value
                )
        return out, not_run
