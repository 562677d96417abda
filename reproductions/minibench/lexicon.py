"""Read FreeDict dictd dictionaries and keep single-word entries as MUSE `src tgt` pairs."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

BASE64_DIGITS = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
"""dictd's base-64 alphabet: digit character -> value."""
_PRONUNCIATION = re.compile(r"\s+/[^/]*/\s*$")
_NUMBERED = re.compile(r"^\d+\.\s+")
_ANNOTATION = re.compile(r"<[^<>]*>|\[[^\[\]]*\]")
_SPLIT = re.compile(r"[,;]\s*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def b64_number(text: str) -> int:
    """Decode dictd's base-64 offsets and lengths."""
    value = 0
    for ch in text:
        value = value * 64 + BASE64_DIGITS[ch]
    return value


def read_dictd(index: Path, data: Path) -> list[str]:
    """The text of every entry listed in a dictd `.index`, in index order, metadata skipped."""
    blob = gzip.decompress(data.read_bytes()) if data.suffix == ".dz" else data.read_bytes()
    entries, seen = [], set()
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00database") or parts[0].startswith("00-"):
            continue
        span = (b64_number(parts[1]), b64_number(parts[2]))
        if span in seen:
            continue
        seen.add(span)
        entries.append(blob[span[0] : span[0] + span[1]].decode("utf-8", errors="replace"))
    return entries


def entry_pairs(entry: str) -> tuple[str, list[str]]:
    """(headword, translations) of one FreeDict entry; sense numbers and labels removed."""
    lines = entry.split("\n")
    headword = _PRONUNCIATION.sub("", lines[0]).strip()
    translations: list[str] = []
    for line in lines[1:]:
        if not line.strip() or line[0].isspace():
            continue  # indented lines hold synonyms, notes, examples and cross-references
        body = _ANNOTATION.sub("", _NUMBERED.sub("", line))
        translations += [t.strip() for t in _SPLIT.split(body) if t.strip()]
    return headword, translations


def single_word_pairs(entries: list[str], stats: Counter[str]) -> list[tuple[str, str]]:
    """Sorted, de-duplicated (source, target) pairs where both sides are one word."""
    pairs: set[tuple[str, str]] = set()
    for entry in entries:
        headword, translations = entry_pairs(entry)
        stats["entries"] += 1
        if not _WORD.fullmatch(headword):
            stats["multiword_headword"] += 1
            continue
        for target in translations:
            if _WORD.fullmatch(target):
                pairs.add((headword, target))
            else:
                stats["multiword_translation"] += 1
    return sorted(pairs)


def find_dictd(tree: Path) -> tuple[Path, Path] | None:
    """The (.index, .dict[.dz]) pair shipped in an unpacked dict-freedict package."""
    for index in sorted(tree.glob("usr/share/dictd/*.index")):
        for suffix in (".dict.dz", ".dict"):
            data = index.with_name(index.name.removesuffix(".index") + suffix)
            if data.is_file():
                return index, data
    return None


def rank_by_cooccurrence(
    pairs: list[tuple[str, str]], parallel: Iterable[tuple[str, str]], stats: Counter[str]
) -> list[tuple[str, str]]:
    """Pairs grouped by source word, each word's translations ordered by how often both
    occur in one parallel sentence pair, then by target-side frequency, then alphabetically.

    Switchers take a word's first translation, so the order decides what they write: FreeDict's
    alphabetical order made "table" -> "Tabelle" a coin toss against "Tafelberg".
    """
    by_source: dict[str, list[str]] = {}
    for src, tgt in pairs:
        by_source.setdefault(src.lower(), []).append(tgt)
    together: Counter[tuple[str, str]] = Counter()
    frequency: Counter[str] = Counter()
    for en, xx in parallel:
        target_words = {w.lower() for w in _WORD.findall(xx)}
        frequency.update(target_words)
        for word in {w.lower() for w in _WORD.findall(en)} & by_source.keys():
            for tgt in by_source[word]:
                if tgt.lower() in target_words:
                    together[(word, tgt)] += 1
    ranked = []
    for src, tgt in pairs:
        word = src.lower()
        key = (-together[(word, tgt)], -frequency[tgt.lower()], tgt)
        ranked.append((src.lower(), key, src, tgt))
    ranked.sort()
    stats["sources_with_seen_translation"] = len({w for (w, _), n in together.items() if n})
    return [(src, tgt) for _, _, src, tgt in ranked]
