"""Inputs of a codeswitch run: its data folder, lexicons, and the settings the data cannot serve."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import chain
from pathlib import Path
from typing import Any

from reproductions.codeswitch.config import CodeSwitchConfig, eval_languages
from reproductions.codeswitch.data import IRData, load_ir_dir
from reproductions.codeswitch.stages import StageGraph
from reproductions.codeswitch.tsvstore import TsvStore
from reproductions.codeswitch.variants import mixed_options
from reproductions.common.cache import StageSpec
from reproductions.common.lexicon import Lexicon, MissingLexiconError, load_lexicon
from reproductions.common.recipe import ConfigError, RunContext


def data_name(cfg: CodeSwitchConfig) -> str:
    return {
        "synthetic": "synthetic smoke set (made-up en/de/fr words)",
        "dir": f"retrieval set in {cfg.data_dir}",
        "mmarco": "mMARCO (MS MARCO train triples, dev small BM25 top-1000)",
    }[cfg.data_source]


def setting_pair(graph: StageGraph, setting: str) -> tuple[str, str]:
    _, _, q, d = next(s for s in graph.settings if s[0] == setting)
    return q, d


def load_lexicons(cfg: CodeSwitchConfig, graph: StageGraph, ctx: RunContext) -> dict[str, Lexicon]:
    """Every en-X lexicon the run needs; a missing one is an error before training starts."""
    specs = graph.lexicon_specs()
    lexicons = {}
    if cfg.system == "wiki-cs" and not cfg.lexicon_dir and cfg.data_source == "mmarco":
        raise MissingLexiconError(graph.warnings[0])  # before any download
    for lang in graph.lexicon_langs:
        if lang in specs:
            folder = induce_lexicon_stage(cfg, specs[lang], lang, ctx)
        else:
            folder = graph.lexicon_folder()
            if folder is None:
                # Generated data: the lexicons come with it (synthetic stage).
                folder = materialise_data(cfg, graph, ctx) / "lexicon"
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


def induce_lexicon_stage(
    cfg: CodeSwitchConfig, spec: StageSpec, lang: str, ctx: RunContext
) -> Path:
    from reproductions.codeswitch.induce import induce_lexicon

    if not cfg.muse_embeddings_dir:
        raise MissingLexiconError(
            f"no lexicon for {lang!r}: the paper profile induces it from aligned MUSE embeddings; "
            "set muse_embeddings_dir (wiki.multi.{en,%s}.vec) or lexicon_dir" % lang
        )
    emb = Path(cfg.muse_embeddings_dir)

    def build(out: Path) -> dict[str, Any]:
        # Read only when the stage is built: at paper this is the whole English collection.
        data = load_ir_dir(materialise_data(cfg, StageGraph(cfg), ctx), cfg.negatives)
        vocab = {
            w
            for texts in (data.train_queries["en"], data.train_docs["en"])
            for t in all_texts(texts)
            for w in t.lower().split()
        }
        n = induce_lexicon(
            emb / "wiki.multi.en.vec", emb / f"wiki.multi.{lang}.vec", vocab, out / f"en-{lang}.txt"
        )
        return {"entries": n}

    out, _ = ctx.cache.ensure(spec, build)
    return out


def all_texts(texts: Mapping[str, str]) -> Iterator[str]:
    """Every text of a mapping; a TsvStore is read in file order, not by one seek per id."""
    return texts.texts() if isinstance(texts, TsvStore) else iter(texts.values())


def load_translate_lexicons(
    cfg: CodeSwitchConfig, graph: StageGraph, ctx: RunContext
) -> dict[str, Lexicon]:
    """Paper translate-test: the X->EN lexicons induced over each language's test texts."""
    specs = graph.translate_specs()
    if not specs:
        return {}
    if not cfg.muse_embeddings_dir:
        raise MissingLexiconError(
            "translate-test at the paper profile induces X->EN lexicons from aligned MUSE "
            "embeddings: set muse_embeddings_dir (wiki.multi.{lang,en}.vec) or lexicon_dir"
        )
    from reproductions.codeswitch.translate_test import build_x_en_lexicon

    out: dict[str, Lexicon] = {}
    for lang, spec in specs.items():

        def build(folder: Path, lang: str = lang) -> dict[str, Any]:
            data = load_ir_dir(materialise_data(cfg, graph, ctx), cfg.negatives)
            texts = chain(all_texts(data.test_queries[lang]), all_texts(data.test_docs[lang]))
            n = build_x_en_lexicon(cfg.muse_embeddings_dir, lang, texts, folder / f"{lang}-en.txt")
            return {"entries": n}

        folder, _ = ctx.cache.ensure(spec, build)
        out[lang] = load_lexicon(folder / f"{lang}-en.txt", lang, "en")
        ctx.events.log(f"lexicon {lang}-en: {len(out[lang].entries)} entries")
    return out


def mixed(cfg: CodeSwitchConfig, side: str) -> list[str]:
    """Languages a mixed side (`xx`, `xall`) draws from; none for a single-language side."""
    return mixed_options(cfg, side) if side in ("xx", "xall") else []


def materialise_data(cfg: CodeSwitchConfig, graph: StageGraph, ctx: RunContext) -> Path:
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

            choices = {
                k: v
                for k, v in (
                    ("first_stage", cfg.mmarco_first_stage),
                    ("training", cfg.mmarco_training),
                    ("max_train_pairs", cfg.max_train_pairs),
                )
                if v is not None
            }
            build_mmarco_dir(
                out, eval_languages(cfg), cfg.mmarco_revision, cfg.negatives, cfg.eval_depth,
                cfg.max_train_queries, cfg.max_eval_queries, **choices,  # type: ignore[arg-type]
            )  # fmt: skip
        return {}

    out, _ = ctx.cache.ensure(spec, build)
    return out


def cannot_run(cfg: CodeSwitchConfig, graph: StageGraph, data: IRData) -> dict[str, str]:
    """Settings this run cannot measure with this data, with the reason."""
    reasons = dict(graph.not_run)
    for setting, _, q, d in graph.settings:
        if setting in reasons:
            continue
        langs = ({q, d} - {"xx", "xall"}) | {x for side in (q, d) for x in mixed(cfg, side)}
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
