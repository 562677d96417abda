"""Align help pages across languages and derive held-out text for leakage control."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .helpdocs import HelpPage, iter_help_pages
from .textclean import norm_key, split_sentences


@dataclass(frozen=True)
class AlignedPage:
    """One help page in English and every other language, paragraphs matched by id."""

    path: str
    """Page path under `text/` without `.html`; the page's id everywhere in the output."""
    module: str
    """Help module (scalc, swriter, ...)."""
    titles: dict[str, str]
    """Title per language."""
    units: tuple[tuple[str, str, dict[str, str]], ...]
    """(id, tag, text per language) for every English paragraph found in all languages."""
    all_text: tuple[str, ...]
    """Every paragraph and title of the page in every language (for leakage control)."""

    def translated(self, langs: Iterable[str], skip_h1: bool = True) -> list[dict[str, str]]:
        """Texts per language of paragraphs translated into every language in `langs`."""
        out = []
        for _uid, tag, texts in self.units:
            if skip_h1 and tag == "h1":
                continue
            en = norm_key(texts["en"])
            if en and all(norm_key(texts[lang]) != en for lang in langs):
                out.append(texts)
        return out


def align(pages: dict[str, list[HelpPage]]) -> list[AlignedPage]:
    """Join per-language page lists on their paths; pages missing in a language are dropped."""
    by_lang = {lang: {p.path: p for p in plist} for lang, plist in pages.items()}
    langs = sorted(by_lang)
    aligned = []
    for path in sorted(by_lang["en"]):
        if not all(path in by_lang[lang] for lang in langs):
            continue
        versions = {lang: by_lang[lang][path] for lang in langs}
        texts = {lang: {} for lang in langs}
        for lang, page in versions.items():
            for unit in page.units:
                texts[lang].setdefault(unit.id, unit.text)
        units, seen = [], set()
        for unit in versions["en"].units:
            if unit.id in seen or not all(unit.id in texts[lang] for lang in langs):
                continue
            seen.add(unit.id)
            units.append((unit.id, unit.tag, {lang: texts[lang][unit.id] for lang in langs}))
        all_text = tuple(
            sorted(
                {p.title for p in versions.values()}
                | {u.text for p in versions.values() for u in p.units}
            )
        )
        aligned.append(
            AlignedPage(
                path=path,
                module=versions["en"].module,
                titles={lang: p.title for lang, p in versions.items()},
                units=tuple(units),
                all_text=all_text,
            )
        )
    return aligned


def load_pages(text_roots: dict[str, Path]) -> list[AlignedPage]:
    """Parse and align the help pages of every language (`text_roots` must include `en`)."""
    return align({lang: list(iter_help_pages(root)) for lang, root in text_roots.items()})


def held_out_keys(pages: Iterable[AlignedPage]) -> set[str]:
    """Normalised text of every paragraph, sentence and title of the pages, in every language."""
    keys = set()
    for page in pages:
        for text in page.all_text:
            keys.add(norm_key(text))
            keys.update(norm_key(sentence) for sentence in split_sentences(text))
    keys.discard("")
    return keys


def leaks(texts: Iterable[str], held_out: set[str]) -> bool:
    """Whether any of the texts equals held-out text after normalisation."""
    return any(norm_key(text) in held_out for text in texts)
