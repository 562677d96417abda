"""Bilingual lexicons: MUSE format (`src tgt` per line) and multi-word (Wiki-CS) entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reproductions.common.hashing import sha256_file
from reproductions.common.recipe import ConfigError


class MissingLexiconError(ConfigError):
    """A language the run needs has no lexicon file."""


@dataclass
class Lexicon:
    """Source-language entry (lowercased, words joined by one space) -> ordered translations."""

    source: str
    target: str
    entries: dict[str, list[str]] = field(default_factory=dict)
    max_words: int = 1
    """Longest entry in words (1 for MUSE word lists, more for Wiki-CS title lexicons)."""
    lines: int = 0
    """Non-blank lines read."""
    malformed: int = 0
    """Lines that were not one source and one target field (skipped, counted)."""
    malformed_lines: list[int] = field(default_factory=list)
    """Line numbers of the first malformed lines, for the report."""
    sha256: str | None = None

    def add(self, src: str, tgt: str) -> None:
        """Add one pair (keeps the first-seen order of translations, no duplicates)."""
        key = " ".join(src.lower().split())
        translations = self.entries.setdefault(key, [])
        if tgt not in translations:
            translations.append(tgt)
        self.max_words = max(self.max_words, key.count(" ") + 1)

    def inverted(self) -> Lexicon:
        """The target -> source lexicon (for word-by-word translation into the source language).

        A target word's translations list first the source words it is the first translation
        of, so `translation_choice="first"` picks the most direct back-translation.
        """
        inv = Lexicon(source=self.target, target=self.source, sha256=self.sha256)
        for rank in (0, 1):
            for src, tgts in self.entries.items():
                for tgt in tgts[:1] if rank == 0 else tgts[1:]:
                    inv.add(tgt, src)
        return inv

    def report(self) -> dict[str, object]:
        """Counts for provenance: entries, lines, malformed lines."""
        return {
            "pair": f"{self.source}-{self.target}",
            "entries": len(self.entries),
            "lines": self.lines,
            "malformed": self.malformed,
            "malformed_lines": self.malformed_lines,
            "max_words": self.max_words,
            "sha256": self.sha256,
        }


def parse_lexicon(
    lines: Iterable[str], source: str, target: str, multiword: bool = False
) -> Lexicon:
    """Parse MUSE lines (`src tgt`); with `multiword`, tab-separated phrase pairs."""
    lex = Lexicon(source=source, target=target)
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        lex.lines += 1
        parts = line.split("\t") if multiword else line.split()
        parts = [p.strip() for p in parts]
        if len(parts) != 2 or not all(parts):
            lex.malformed += 1
            if len(lex.malformed_lines) < 20:
                lex.malformed_lines.append(number)
            continue
        lex.add(parts[0], " ".join(parts[1].split()))
    return lex


def load_lexicon(path: str | Path, source: str, target: str, multiword: bool = False) -> Lexicon:
    """Read a lexicon file; malformed lines are counted in the result, the rest used."""
    path = Path(path)
    if not path.is_file():
        raise MissingLexiconError(f"no lexicon for {source}-{target}: {path} does not exist")
    with open(path, encoding="utf-8", errors="replace") as handle:
        lex = parse_lexicon(handle, source, target, multiword)
    lex.sha256 = sha256_file(path)
    if not lex.entries:
        raise MissingLexiconError(
            f"lexicon {path} has no usable entries ({lex.malformed} malformed)"
        )
    return lex
