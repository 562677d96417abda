"""Turn the gettext catalogs of unpacked packages into cleaned English-X sentence pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from .filters import PairFilter
from .mo import MoFormatError, read_mo
from .textclean import align_sentences, clean_pair, split_lines


def find_catalogs(tree: Path, lang: str) -> list[Path]:
    """All `.mo` files for exactly `lang` (not regional variants) under a package tree."""
    found = [
        path
        for path in tree.rglob("*.mo")
        if path.parent.name == "LC_MESSAGES" and path.parent.parent.name == lang
    ]
    return sorted(found, key=lambda p: p.relative_to(tree).as_posix())


def catalog_pairs(
    path: Path, pair_filter: PairFilter, stats: Counter[str]
) -> Iterator[tuple[str, str]]:
    """Cleaned (English, translation) pairs of one catalog that pass the filter.

    Plural entries contribute their first form; multi-line messages are split line by line,
    and prose sentence by sentence, when both sides have the same number of pieces.
    """
    try:
        messages = read_mo(path)
    except MoFormatError:
        stats["bad_catalog"] += 1
        return
    for message in messages:
        stats["messages"] += 1
        for src_line, tgt_line in split_lines(message.msgid, message.msgstr):
            src, tgt = clean_pair(src_line, tgt_line)
            for s, t in align_sentences(src, tgt):
                reason = pair_filter.reject(s, t)
                if reason:
                    stats[f"drop_{reason}"] += 1
                else:
                    yield s, t
