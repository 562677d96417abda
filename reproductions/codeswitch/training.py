"""Training of a codeswitch run: training pairs (code-switched or not), base encoder, re-rankers."""

from __future__ import annotations

import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reproductions.codeswitch.config import CodeSwitchConfig
from reproductions.codeswitch.data import IRData
from reproductions.codeswitch.stages import StageGraph
from reproductions.codeswitch.variants import Variant, pick
from reproductions.common.files import read_jsonl, write_jsonl
from reproductions.common.lexicon import Lexicon
from reproductions.common.recipe import ConfigError, RunContext


def _side_language(key: str, side: str, cfg: CodeSwitchConfig, data_seed: int) -> str:
    return pick(f"{data_seed}:{side}:{key}", list(cfg.languages)) if side == "xx" else side


def wiki_switcher(cfg: CodeSwitchConfig, lexicons: dict[str, Lexicon]) -> Any:
    """Wiki-CS: the title lexicons of the seen languages, every matched phrase switched."""
    from reproductions.common.switcher import CodeSwitcher

    others = [lang for lang in cfg.languages if lang != "en"]
    chosen = {k: lexicons[k] for k in others if k in lexicons}
    return CodeSwitcher(chosen, cfg.switch_prob, cfg.translation_choice)


def wiki_switch(
    cfg: CodeSwitchConfig, switcher: Any, qid: str, did: str, query: str, doc: str, rng: Any
) -> tuple[str, str]:
    """The authors' multilingual Wiki-CS: a query and a document language drawn per pair among
    the seen languages, English included (codeswitch_wiki_2.py), each side switched into it."""
    ql = _side_language(f"{qid}/{did}", "xx", cfg, cfg.data_seed)
    dl = _side_language(f"{did}/{qid}", "xx", cfg, cfg.data_seed)
    if ql != "en":
        query = switcher.switch(query, ql, rng)
    if dl != "en":
        doc = switcher.switch(doc, dl, rng)
    return query, doc


def build_pairs(
    cfg: CodeSwitchConfig, variant: Variant, data: IRData, lexicons: dict[str, Lexicon], out: Path
) -> dict[str, Any]:
    """Write the training pairs of a variant (query, passage, label) as JSON lines."""
    from reproductions.common.switcher import CodeSwitcher

    if data.pairs is not None:  # paper data: texts are made per example while training
        return {"pairs": len(data.pairs), "lazy": True}
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
    elif variant.system == "wiki-cs":
        switcher = wiki_switcher(cfg, lexicons)
        rng = random.Random(cfg.data_seed)
        for qid, did, label in pairs:
            query, doc = en_q.get(qid), en_d.get(did)
            if query is not None and doc is not None:
                query, doc = wiki_switch(cfg, switcher, qid, did, query, doc, rng)
                records.append({"q": query, "p": doc, "y": label})
        stats = switcher.stats.as_dict()
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


def pretrain_texts(cfg: CodeSwitchConfig, data: IRData) -> list[str]:
    """The tiny BERT's tokenizer and MLM corpus: training queries, documents, parallel sides."""
    out: list[str] = []
    for coll in (data.train_queries, data.train_docs):
        for lang in cfg.languages:
            out += coll.get(lang, {}).values()
    for lang in cfg.languages:
        out += data.extra_texts.get(lang, [])
    return out


def base_tokenizer_and_model_dir(
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

    def build_tok(out: Path) -> dict[str, Any]:
        tok = train_wordpiece(
            pretrain_texts(cfg, data),
            TokenizerConfig(vocab_size=cfg.vocab_size, max_length=cfg.max_length),
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
        done = pretrain_mlm(
            pretrain_texts(cfg, data), load_tokenizer(tok_dir), cfg.model_size, train_cfg,
            out_dir=out, seed=cfg.pretrain_seed, device=ctx.device,
            max_length=cfg.pretrain_max_length, mask_prob=cfg.mask_prob,
            checkpoint_dir=ctx.checkpoints / f"pretrain-{pre_spec.key[:12]}",
            events=ctx.events, stage=pre_spec.label,
        )  # fmt: skip
        return asdict(done.train)

    pre_dir, _ = ctx.cache.ensure(pre_spec, build_pre)
    return pre_dir, tok_dir


def ensure_ranker(
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
        pairs_spec, lambda out: build_pairs(cfg, variant, data, lexicons, out)
    )
    base, tok_dir = base_tokenizer_and_model_dir(cfg, graph, data, ctx)

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
        max_length = cfg.train_max_length or cfg.max_length
        features: Any
        if data.pairs is not None:
            from reproductions.codeswitch.streaming import LazyPairs, variant_text_of

            text_of = variant_text_of(cfg, variant, data, lexicons)
            features = LazyPairs(len(data.pairs), text_of, tokenizer, max_length)
        else:
            records = list(read_jsonl(pairs_dir / "pairs.jsonl"))
            features = encode_pairs(
                tokenizer, [r["q"] for r in records], [r["p"] for r in records], max_length
            )
            for feature, record in zip(features, records, strict=True):
                feature["labels"] = float(record["y"])
        train_cfg = TrainConfig(
            max_steps=cfg.train_steps,
            batch_size=cfg.batch_size,
            learning_rate=cfg.learning_rate,
            warmup_steps=cfg.warmup_steps,
            decay_steps=cfg.decay_steps,
            adam_eps=cfg.adam_eps if cfg.adam_eps is not None else 1e-8,
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
        return {**asdict(result), "pairs": len(features)}

    out, _ = ctx.cache.ensure(spec, build)
    return out
