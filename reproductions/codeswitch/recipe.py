"""The codeswitch recipe behind the contract: resolve_config, plan, run.

One run trains (or reuses from the stage cache) the re-rankers its system needs for the requested
settings, re-ranks each setting's first-stage candidates, and reports MRR@10 per setting, the
average per kind, and a paired t-test against the zero-shot model of the same seed.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reproductions.codeswitch.capabilities import CAPABILITIES
from reproductions.codeswitch.config import CodeSwitchConfig, resolve
from reproductions.codeswitch.data import IRData, load_ir_dir
from reproductions.codeswitch.lexicon import Lexicon, MissingLexiconError, load_lexicon
from reproductions.codeswitch.stages import StageGraph, Variant, pick, variant_for
from reproductions.common.cache import StageCache, StageSpec
from reproductions.common.files import read_json, read_jsonl, write_json_atomic, write_jsonl
from reproductions.common.metrics import mean, paired_ttest
from reproductions.common.recipe import ConfigError, RecipeResult, RunContext

__all__ = ["CAPABILITIES", "plan", "resolve_config", "run"]


def resolve_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Profile defaults applied to the run's fields, validated."""
    return asdict(resolve(raw))


def _cfg(config: dict[str, Any]) -> CodeSwitchConfig:
    return resolve({k: v for k, v in config.items() if k != "recipe"})


def plan(config: dict[str, Any], cache_root: Path | None = None) -> dict[str, Any]:
    """Stage graph (keys, inputs, dependencies, cached or not); reads nothing but local hashes."""
    graph = StageGraph(_cfg(config))
    specs = graph.all_specs()
    cache = StageCache(cache_root) if cache_root else None
    by_key = {s.key: s.label or s.name for s in specs}
    if graph.weam_encoder is not None:
        by_key.update(graph.weam_encoder.named_keys)
    stages = []
    for spec in specs:
        entry = spec.describe()
        deps = [*spec.upstream.values(), *([spec.data] if spec.data in by_key else [])]
        entry["depends_on"] = [by_key.get(k, k) for k in deps]
        entry["cached"] = cache.is_complete(spec) if cache else None
        stages.append(entry)
    return {
        "stages": stages,
        "encoder": _encoder_summary(graph),
        "variants": [v.label for v in graph.variants],
        "lexicons_needed": [f"en-{lang}" for lang in graph.lexicon_langs],
        "warnings": graph.warnings,
    }


def _encoder_summary(graph: StageGraph) -> dict[str, Any]:
    """What the rankers start from: this recipe's model, or a weam encoder and its key."""
    cfg, weam = graph.cfg, graph.weam_encoder
    if weam is None:
        pre = graph.pretrain_spec()
        model = cfg.model_name_or_path or (
            f"tiny BERT ({cfg.model_size}), " + ("MLM pre-trained here" if pre else "from scratch")
        )
        return {"init": None, "model": model}
    from reproductions.codeswitch.encoder import weam_raw

    return {
        "init": weam.system,
        "recipe": "weam",
        "key": weam.key,
        "stage": weam.stage,
        "model": weam.model,
        "weam_config": {k: v for k, v in weam_raw(cfg).items() if k != "data_dir"},
    }


# --------------------------------------------------------------------------------------------
# run


def run(config: dict[str, Any], ctx: RunContext) -> RecipeResult:
    """Train what is missing, evaluate every setting, return metrics."""
    from reproductions.common.device import resolve_precision

    cfg = _cfg(config)
    graph = StageGraph(cfg)
    lexicons = _load_lexicons(cfg, graph, ctx)  # fails before any training when one is missing
    data_dir = _materialise_data(cfg, graph, ctx)
    data = load_ir_dir(
        data_dir, cfg.negatives, cfg.negative_depth, cfg.data_seed, name=_data_name(cfg)
    )
    not_run = _cannot_run(cfg, graph, data)

    per_query: dict[str, dict[str, dict[str, float]]] = {}
    for setting, system in graph.evaluations():
        if setting in not_run:
            continue
        spec = graph.eval_spec(setting, system)
        if not ctx.cache.is_complete(spec):
            variant = variant_for(system, *_pair(graph, setting))
            ranker = _ensure_ranker(cfg, graph, variant, data, lexicons, ctx)

            def build(out: Path, s: str = setting, y: str = system, r: Path = ranker) -> dict:
                return _rerank(cfg, s, y, r, data, lexicons, ctx, out)

            ctx.cache.ensure(spec, build)
            ctx.events.log(f"evaluated {system} on {setting}", stage=spec.label)
        per_query.setdefault(system, {})[setting] = read_json(
            ctx.cache.path(spec) / "per_query.json"
        )

    metrics = _metrics(cfg, per_query, not_run)
    for name, value in metrics.items():
        if value is not None:
            ctx.events.metric(name, value, step=cfg.train_steps)
    write_json_atomic(ctx.workdir / "per_query.json", per_query)
    details = {
        "recipe_details": {
            "data": data.name,
            "stand_in": CAPABILITIES["tasks"]["passage-reranking"]["details"]["stand_in"][
                cfg.profile
            ],
            "first_stage": (
                "English BM25 candidates for every setting (ids are parallel), as the paper's "
                "top1000.dev"
                if cfg.first_stage == "en"
                else "BM25 run in the document language (bm25.mlir for mixed documents)"
            ),
            "precision_effective": resolve_precision(cfg.precision, ctx.device),
            "not_run": not_run,
            "lexicons": {lang: lex.report() for lang, lex in lexicons.items()},
            "encoder": _encoder_summary(graph),
            "stages": {s.label or s.name: s.key for s in graph.all_specs()},
            "variants": [v.label for v in graph.variants],
        }
    }
    return RecipeResult(metrics=metrics, data_manifest_hash=graph.data_hash(), details=details)


def _data_name(cfg: CodeSwitchConfig) -> str:
    return {
        "synthetic": "synthetic smoke set (made-up en/de/fr words)",
        "dir": f"retrieval set in {cfg.data_dir}",
        "mmarco": "mMARCO (MS MARCO train triples, dev small BM25 top-1000)",
    }[cfg.data_source]


def _pair(graph: StageGraph, setting: str) -> tuple[str, str]:
    _, _, q, d = next(s for s in graph.settings if s[0] == setting)
    return q, d


def _load_lexicons(cfg: CodeSwitchConfig, graph: StageGraph, ctx: RunContext) -> dict[str, Lexicon]:
    """Every en-X lexicon the run needs; a missing one is an error before training starts."""
    specs = graph.lexicon_specs()
    lexicons = {}
    for lang in graph.lexicon_langs:
        if lang in specs:
            folder = _induce_lexicon(cfg, specs[lang], lang, ctx)
        else:
            folder = graph.lexicon_folder()
            if folder is None:
                # Generated data: the lexicons come with it (synthetic stage).
                folder = _materialise_data(cfg, graph, ctx) / "lexicon"
        path = folder / f"en-{lang}.txt"
        if not path.is_file():
            raise MissingLexiconError(
                f"no lexicon for language {lang!r}: expected {path} (MUSE format `en_word "
                f"{lang}_word` per line); add it or drop {lang} from languages/settings"
            )
        lexicons[lang] = load_lexicon(path, "en", lang, multiword=cfg.multiword)
        rep = lexicons[lang].report()
        ctx.events.log(
            f"lexicon en-{lang}: {rep['entries']} entries, {rep['malformed']} malformed lines",
            lexicon=rep,
        )
    return lexicons


def _induce_lexicon(cfg: CodeSwitchConfig, spec: StageSpec, lang: str, ctx: RunContext) -> Path:
    from reproductions.codeswitch.lexicon import induce_lexicon

    if not cfg.muse_embeddings_dir:
        raise MissingLexiconError(
            f"no lexicon for {lang!r}: the paper profile induces it from aligned MUSE embeddings; "
            "set muse_embeddings_dir (wiki.multi.{en,%s}.vec) or lexicon_dir" % lang
        )
    emb = Path(cfg.muse_embeddings_dir)
    data = load_ir_dir(_materialise_data(cfg, StageGraph(cfg), ctx), cfg.negatives)
    vocab = {
        w
        for texts in (data.train_queries["en"], data.train_docs["en"])
        for t in texts.values()
        for w in t.lower().split()
    }

    def build(out: Path) -> dict[str, Any]:
        n = induce_lexicon(
            emb / "wiki.multi.en.vec", emb / f"wiki.multi.{lang}.vec", vocab, out / f"en-{lang}.txt"
        )
        return {"entries": n}

    out, _ = ctx.cache.ensure(spec, build)
    return out


def _materialise_data(cfg: CodeSwitchConfig, graph: StageGraph, ctx: RunContext) -> Path:
    spec = graph.data_spec()
    if spec is None:
        assert cfg.data_dir
        if not Path(cfg.data_dir).is_dir():
            raise ConfigError(f"data_dir {cfg.data_dir} does not exist")
        return Path(cfg.data_dir)

    def build(out: Path) -> dict[str, Any]:
        if cfg.data_source == "synthetic":
            from reproductions.codeswitch.synthetic import write_synthetic

            write_synthetic(out, seed=spec.params["seed"])
        else:
            from reproductions.codeswitch.mmarco import build_mmarco_dir

            build_mmarco_dir(
                out, cfg.languages, cfg.mmarco_revision, cfg.negatives, cfg.eval_depth,
                cfg.max_train_queries, cfg.max_eval_queries,
            )  # fmt: skip
        return {}

    out, _ = ctx.cache.ensure(spec, build)
    return out


def _cannot_run(cfg: CodeSwitchConfig, graph: StageGraph, data: IRData) -> dict[str, str]:
    """Settings this run cannot measure with this data, with the reason."""
    reasons = {}
    for setting, _, q, d in graph.settings:
        langs = {q, d} - {"xx"} | (set(cfg.languages) if "xx" in (q, d) else set())
        lacking = sorted(
            lang for lang in langs if lang not in data.test_queries or lang not in data.test_docs
        )
        if lacking:
            reasons[setting] = f"no test queries/documents in {lacking} at profile {cfg.profile}"
            continue
        if cfg.system == "fine-tuning":
            side_langs = langs | {"en"}
            lacking = sorted(
                lang
                for lang in side_langs
                if lang not in data.train_queries or lang not in data.train_docs
            )
            if lacking:
                reasons[setting] = (
                    f"fine-tuning needs training data in {lacking}; profile {cfg.profile} has none"
                )
    return reasons


# --------------------------------------------------------------------------------------------
# training


def _side_language(key: str, side: str, cfg: CodeSwitchConfig, data_seed: int) -> str:
    return pick(f"{data_seed}:{side}:{key}", list(cfg.languages)) if side == "xx" else side


def _build_pairs(
    cfg: CodeSwitchConfig, variant: Variant, data: IRData, lexicons: dict[str, Lexicon], out: Path
) -> dict[str, Any]:
    """Write the training pairs of a variant (query, passage, label) as JSON lines."""
    from reproductions.codeswitch.switcher import CodeSwitcher

    pairs = data.training_pairs(cfg.negatives)
    if cfg.max_train_queries:
        keep = set(sorted({q for q, _, _ in pairs})[: cfg.max_train_queries])
        pairs = [p for p in pairs if p[0] in keep]
    en_q, en_d = data.train_queries["en"], data.train_docs["en"]
    records = []
    stats: dict[str, Any] = {}
    if variant.system in ("zero-shot", "fine-tuning"):
        for qid, did, label in pairs:
            ql = _side_language(f"{qid}/{did}", variant.qlang, cfg, cfg.data_seed)
            dl = _side_language(f"{did}/{qid}", variant.dlang, cfg, cfg.data_seed)
            query = data.train_queries.get(ql, {}).get(qid)
            doc = data.train_docs.get(dl, {}).get(did)
            if query is not None and doc is not None:
                records.append({"q": query, "p": doc, "y": label})
    else:
        others = [lang for lang in cfg.languages if lang != "en"]
        switcher = CodeSwitcher(
            {k: lexicons[k] for k in others if k in lexicons},
            cfg.switch_prob,
            cfg.translation_choice,
        )
        rng = random.Random(cfg.data_seed)

        def targets(side: str) -> str | list[str] | None:
            if side == "en":
                return None
            return others if side == "xx" else side

        qt, dt = targets(variant.qlang), targets(variant.dlang)
        for qid, did, label in pairs:
            query, doc = en_q.get(qid), en_d.get(did)
            if query is None or doc is None:
                continue
            if qt is not None:
                query = switcher.switch(query, qt, rng)
            if dt is not None:
                doc = switcher.switch(doc, dt, rng)
            records.append({"q": query, "p": doc, "y": label})
        stats = switcher.stats.as_dict()
    if not records:
        raise ConfigError(f"{variant.label}: no training pairs could be built from the data")
    write_jsonl(out / "pairs.jsonl", records)
    return {"pairs": len(records), "switching": stats}


def _base_tokenizer_and_model_dir(
    cfg: CodeSwitchConfig, graph: StageGraph, data: IRData, ctx: RunContext
) -> tuple[Path | str | None, Path]:
    """(encoder folder or hub id, or None for scratch; tokenizer folder or hub id)."""
    from reproductions.common.tokenizer import TokenizerConfig, save_tokenizer, train_wordpiece

    if cfg.encoder_init:
        from reproductions.codeswitch.encoder import build

        path = build(cfg, ctx)
        return path, path
    if cfg.model_name_or_path:
        return cfg.model_name_or_path, cfg.model_name_or_path  # type: ignore[return-value]
    tok_spec = graph.tokenizer_spec()
    assert tok_spec is not None

    def texts() -> list[str]:
        out: list[str] = []
        for coll in (data.train_queries, data.train_docs):
            for lang in cfg.languages:
                out += coll.get(lang, {}).values()
        for lang in cfg.languages:
            out += data.extra_texts.get(lang, [])
        return out

    def build_tok(out: Path) -> dict[str, Any]:
        tok = train_wordpiece(
            texts(), TokenizerConfig(vocab_size=cfg.vocab_size, max_length=cfg.max_length)
        )
        save_tokenizer(tok, out)
        return {"vocab_size": len(tok)}

    tok_dir, _ = ctx.cache.ensure(tok_spec, build_tok)
    pre_spec = graph.pretrain_spec()
    if pre_spec is None:
        return None, tok_dir

    def build_pre(out: Path) -> dict[str, Any]:
        from reproductions.common.pretrain import pretrain_mlm
        from reproductions.common.tokenizer import load_tokenizer
        from reproductions.common.train import TrainConfig

        train_cfg = TrainConfig(
            max_steps=cfg.pretrain_steps,
            batch_size=cfg.pretrain_batch_size,
            learning_rate=cfg.pretrain_learning_rate,
            warmup_steps=max(1, cfg.pretrain_steps // 20),
            weight_decay=0.01,
            checkpoint_every=cfg.checkpoint_every,
            precision=cfg.precision,
        )
        result = pretrain_mlm(
            texts(), load_tokenizer(tok_dir), cfg.model_size, train_cfg,
            out_dir=out, seed=cfg.pretrain_seed, device=ctx.device,
            max_length=cfg.pretrain_max_length, mask_prob=cfg.mask_prob,
            checkpoint_dir=ctx.checkpoints / f"pretrain-{pre_spec.key[:12]}",
            events=ctx.events, stage=pre_spec.label,
        )  # fmt: skip
        return asdict(result)

    pre_dir, _ = ctx.cache.ensure(pre_spec, build_pre)
    return pre_dir, tok_dir


def _ensure_ranker(
    cfg: CodeSwitchConfig,
    graph: StageGraph,
    variant: Variant,
    data: IRData,
    lexicons: dict[str, Lexicon],
    ctx: RunContext,
) -> Path:
    """Folder of the trained re-ranker of `variant` (trained now unless cached)."""
    spec = graph.ranker_spec(variant)
    if ctx.cache.is_complete(spec):
        return ctx.cache.path(spec)
    pairs_spec = graph.pairs_spec(variant)
    pairs_dir, _ = ctx.cache.ensure(
        pairs_spec, lambda out: _build_pairs(cfg, variant, data, lexicons, out)
    )
    base, tok_dir = _base_tokenizer_and_model_dir(cfg, graph, data, ctx)

    def build(out: Path) -> dict[str, Any]:
        from reproductions.codeswitch.ranker import (
            PairCollator,
            bce_loss,
            encode_pairs,
            load_ranker,
            new_tiny_ranker,
        )
        from reproductions.common.checkpoint import clear_checkpoints
        from reproductions.common.seed import set_seed
        from reproductions.common.tokenizer import load_tokenizer
        from reproductions.common.train import TrainConfig, train

        ctx.events.log(f"training {spec.label}", stage=spec.label)
        set_seed(cfg.seed)
        tokenizer = load_tokenizer(tok_dir)
        model = (
            load_ranker(base)
            if base is not None
            else new_tiny_ranker(cfg.model_size, tokenizer, cfg.max_length)
        )
        records = list(read_jsonl(pairs_dir / "pairs.jsonl"))
        features = encode_pairs(
            tokenizer, [r["q"] for r in records], [r["p"] for r in records], cfg.max_length
        )
        for feature, record in zip(features, records, strict=True):
            feature["labels"] = float(record["y"])
        train_cfg = TrainConfig(
            max_steps=cfg.train_steps,
            batch_size=cfg.batch_size,
            learning_rate=cfg.learning_rate,
            warmup_steps=cfg.warmup_steps,
            weight_decay=cfg.weight_decay,
            checkpoint_every=cfg.checkpoint_every,
            precision=cfg.precision,
        )
        ckpt = ctx.checkpoints / f"ranker-{spec.key[:12]}"
        result = train(
            model, features, PairCollator(tokenizer.pad_token_id or 0), bce_loss, train_cfg,
            seed=cfg.seed, device=ctx.device, checkpoint_dir=ckpt, events=ctx.events,
            stage=spec.label,
        )  # fmt: skip
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
        clear_checkpoints(ckpt)
        return {**asdict(result), "pairs": len(records)}

    out, _ = ctx.cache.ensure(spec, build)
    return out


# --------------------------------------------------------------------------------------------
# evaluation


def _rerank(
    cfg: CodeSwitchConfig,
    setting: str,
    system: str,
    ranker_dir: Path,
    data: IRData,
    lexicons: dict[str, Lexicon],
    ctx: RunContext,
    out: Path,
) -> dict[str, Any]:
    """Re-rank one setting's candidates with one model; write per-query RR@k."""
    from reproductions.codeswitch.ranker import encode_pairs, load_ranker, score_pairs
    from reproductions.codeswitch.switcher import translate_words
    from reproductions.common.device import resolve_precision
    from reproductions.common.metrics import reciprocal_rank_at_k
    from reproductions.common.tokenizer import load_tokenizer

    kind, _, pair = setting.partition("/")
    q_side, d_side = (pair, pair) if kind == "moir" else tuple(pair.split("-"))
    run_name = "en" if cfg.first_stage == "en" else ("mlir" if d_side == "xx" else d_side)
    if run_name not in data.candidates:
        raise ConfigError(f"{setting}: the data has no first-stage run bm25.{run_name}")
    candidates = data.candidates[run_name]
    qids = sorted(q for q in data.qrels if q in candidates)
    if cfg.max_eval_queries:
        qids = qids[: cfg.max_eval_queries]
    inverse = {lang: lex.inverted() for lang, lex in lexicons.items()}

    def lang_of(item: str, side: str, is_doc: bool) -> str:
        if side != "xx":
            return side
        if is_doc and item in data.mlir_languages:
            return data.mlir_languages[item]
        return pick(f"{cfg.data_seed}:mlir:{'d' if is_doc else 'q'}:{item}", list(cfg.languages))

    def text(item: str, side: str, is_doc: bool) -> str:
        lang = lang_of(item, side, is_doc)
        raw = (data.test_docs if is_doc else data.test_queries)[lang][item]
        if system == "translate-test" and lang != "en":
            return translate_words(raw, inverse[lang])
        return raw

    queries, passages, index = [], [], []
    for qid in qids:
        qtext = text(qid, q_side, False)
        for did in candidates[qid][: cfg.eval_depth]:
            queries.append(qtext)
            passages.append(text(did, d_side, True))
            index.append((qid, did))
    tokenizer = load_tokenizer(ranker_dir)
    model = load_ranker(ranker_dir)
    features = encode_pairs(tokenizer, queries, passages, cfg.max_length)
    precision = resolve_precision(cfg.precision, ctx.device)
    scores = score_pairs(
        model, features, tokenizer.pad_token_id or 0, cfg.eval_batch_size, ctx.device, precision
    )
    run_: dict[str, dict[str, float]] = {}
    for (qid, did), score in zip(index, scores, strict=True):
        run_.setdefault(qid, {})[did] = score
    per_query = reciprocal_rank_at_k({q: data.qrels[q] for q in qids}, run_, cfg.mrr_k)
    write_json_atomic(out / "per_query.json", per_query)
    return {"queries": len(qids), "pairs": len(index)}


def _metrics(
    cfg: CodeSwitchConfig,
    per_query: dict[str, dict[str, dict[str, float]]],
    not_run: dict[str, str],
) -> dict[str, float | None]:
    """MRR@k per setting and per kind, and paired t-tests against zero-shot."""
    k = cfg.mrr_k
    mine = per_query.get(cfg.system, {})
    metrics: dict[str, float | None] = {}
    by_kind: dict[str, list[float]] = {}
    for setting in cfg.settings:
        if setting in not_run:
            metrics[f"{setting}/mrr@{k}"] = None
            continue
        values = mine[setting]
        value = mean(list(values.values()))
        metrics[f"{setting}/mrr@{k}"] = round(value, 6)
        by_kind.setdefault(setting.split("/")[0], []).append(value)
        base = per_query.get("zero-shot", {}).get(setting)
        if cfg.system != "zero-shot" and base is not None:
            qids = sorted(values)
            test = paired_ttest([values[q] for q in qids], [base[q] for q in qids])
            metrics[f"{setting}/diff_vs_zero-shot"] = round(test["mean_diff"], 6)
            metrics[f"{setting}/t_vs_zero-shot"] = _r(test["t"])
            metrics[f"{setting}/p_vs_zero-shot"] = _r(test["p"])
    for kind, values in by_kind.items():
        metrics[f"{kind}/avg/mrr@{k}"] = round(mean(values), 6)
    return metrics


def _r(value: float) -> float | None:
    return None if value != value else round(value, 6)  # NaN -> None (JSON has no NaN)
