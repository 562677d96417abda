"""The `parallel` task: English-X pairs from gettext catalogs and help paragraphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .catalogs import catalog_pairs, find_catalogs
from .config import BuildConfig
from .helpcorpus import AlignedPage, leaks
from .jsonl import dumps
from .splits import hash_order
from .textclean import align_sentences, norm_key, tidy

DOMAINS = {"gettext": "messages", "help": "help"}
"""Origin of a pair -> the `domain` its row carries."""


def help_pairs(
    pages: Iterable[AlignedPage],
    lang: str,
    config: BuildConfig,
    held_out: set[str],
    stats: Counter[str],
) -> list[tuple[str, str]]:
    """Sentence or paragraph pairs from translated help paragraphs of the given pages."""
    out = []
    for page in pages:
        for texts in page.translated([lang], skip_h1=False):
            stats["help_paragraphs"] += 1
            if leaks(texts.values(), held_out):
                stats["help_drop_held_out_text"] += 1
                continue
            for src, tgt in align_sentences(texts["en"], texts[lang]):
                src, tgt = tidy(src), tidy(tgt)
                reason = config.pair_filter.reject(src, tgt)
                if reason:
                    stats[f"help_drop_{reason}"] += 1
                else:
                    out.append((src, tgt))
    return out


def gettext_pairs(
    trees: list[tuple[str, Path]], lang: str, config: BuildConfig, stats: Counter[str]
) -> list[tuple[str, str]]:
    """Filtered pairs from every `lang` catalog of the given (package, tree) list, in order."""
    out = []
    for package, tree in trees:
        before = len(out)
        for catalog in find_catalogs(tree, lang):
            stats["catalogs"] += 1
            out += catalog_pairs(catalog, config.pair_filter, stats)
        stats[f"from_{package}"] = len(out) - before
    return out


def build_parallel(
    gettext: dict[str, list[tuple[str, str]]],
    help_prose: dict[str, list[tuple[str, str]]],
    config: BuildConfig,
    held_out: set[str],
    stats: dict[str, Counter[str]],
) -> dict[str, list[str]]:
    """`parallel/<lang>.<split>.jsonl` lines: de-duplicated, leak-free, split and shuffled.

    dev and test come from gettext pairs only; help prose (train pages only) goes to train.
    Each row says its `domain`: `messages` (gettext catalogs) or `help` (help prose).
    """
    files = {}
    for lang in config.languages:
        counter = stats[lang]
        seen_src: set[str] = set()
        seen_tgt: set[str] = set()
        kept: list[tuple[str, str, str, str]] = []
        sources = [("gettext", p) for p in gettext[lang]] + [("help", p) for p in help_prose[lang]]
        for origin, (src, tgt) in sources:
            ksrc, ktgt = norm_key(src), norm_key(tgt)
            if ksrc in held_out or ktgt in held_out:
                counter["drop_held_out_text"] += 1
                continue
            if ksrc in seen_src or ktgt in seen_tgt:
                counter["drop_duplicate"] += 1
                continue
            seen_src.add(ksrc)
            seen_tgt.add(ktgt)
            kept.append((hash_order(ksrc, config.split_salt), origin, src, tgt))
        kept.sort()
        held = [k for k in kept if k[1] == "gettext"][: config.parallel_test + config.parallel_dev]
        test = held[: config.parallel_test]
        dev = held[config.parallel_test :]
        taken = {k[0] for k in held}
        train = [k for k in kept if k[0] not in taken]
        for split, rows in (("train", train), ("dev", dev), ("test", test)):
            files[f"parallel/{lang}.{split}.jsonl"] = [
                dumps({"en": src, lang: tgt, "domain": DOMAINS[origin]})
                for _k, origin, src, tgt in rows
            ]
        counter["train_gettext"] = sum(1 for k in train if k[1] == "gettext")
        counter["train_help"] = sum(1 for k in train if k[1] == "help")
    return files
