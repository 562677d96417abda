"""Word coverage: does every word PyMuPDF reads on a page land in exactly one passage?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimlab.ingest.pdf.document import PassageData, PdfSource, _open
from claimlab.ingest.pdf.text import normalize_text


@dataclass(frozen=True)
class Coverage:
    """Words of `page.get_text("words")` missing from, or repeated in, the passages."""

    words: int
    """Normalised words on all pages."""
    lost: Counter[tuple[int, str]] = field(default_factory=Counter)
    """(page, word) read on the page but in no passage of that page, with counts."""
    duplicated: Counter[tuple[int, str]] = field(default_factory=Counter)
    """(page, word) found in the passages more often than on the page."""

    @property
    def ok(self) -> bool:
        """True when no word is lost and none duplicated."""
        return not self.lost and not self.duplicated


def _tokens(text: str) -> list[str]:
    return normalize_text(text).split()


def word_coverage(pdf: PdfSource, passages: Sequence[PassageData]) -> Coverage:
    """Compare, page by page, the multiset of PyMuPDF's words with the passages' words.

    Words are compared after normalize_text; a word broken by a line-end hyphen counts
    as found when the passages hold it joined, with or without the hyphen.
    """
    lost: Counter[tuple[int, str]] = Counter()
    duplicated: Counter[tuple[int, str]] = Counter()
    total = 0
    by_page: dict[int, Counter[str]] = {}
    for p in passages:
        found = by_page.setdefault(p.page, Counter())
        found.update(_tokens(p.text))
        if p.cells:  # the " | " between cells is no word of the page
            found["|"] -= sum(len(row) - 1 for row in p.cells)
    with _open(pdf) as doc:
        for number, page in enumerate(doc, start=1):
            raw = page.get_text("words")
            read = [(w[4], (w[5], w[6])) for w in raw]
            words = Counter(t for text, _ in read for t in _tokens(text))
            total += sum(words.values())
            found = by_page.pop(number, Counter()) + Counter()
            missing, extra = words - found, found - words
            _match_broken_words(read, missing, extra)
            _match_split_words(missing, extra)
            lost.update({(number, w): n for w, n in missing.items()})
            duplicated.update({(number, w): n for w, n in extra.items()})
    for number, found in by_page.items():  # passages on pages the PDF does not have
        duplicated.update({(number, w): n for w, n in found.items()})
    return Coverage(total, lost, duplicated)


def _match_broken_words(
    read: list[tuple[str, tuple[int, int]]], missing: Counter[str], extra: Counter[str]
) -> None:
    """Cancel a line-end "demon-" + "strate" against a passage's "demonstrate"."""
    if not missing or not extra:
        return
    for (head, line), (tail, nxt) in zip(read, read[1:], strict=False):
        if line == nxt or not head.endswith(("-", "\u2010", "\u00ad")):
            continue
        head_t, tail_t = _tokens(head), _tokens(tail)
        if not head_t or not tail_t:
            continue
        a, b = head_t[-1], tail_t[0]
        if not (missing[a] and missing[b]):
            continue
        for joined in (a[:-1] + b, a + b) if a.endswith("-") else (a + b,):
            if extra[joined]:
                for gone in (a, b):
                    missing[gone] -= 1
                extra[joined] -= 1
                break
    missing += Counter()  # drops zero and negative counts
    extra += Counter()


def _match_split_words(missing: Counter[str], extra: Counter[str]) -> None:
    """Cancel PyMuPDF's "offthe" against the passages' "off" + "the".

    With ligatures preserved (as get_text("words") does) MuPDF can miss the space after
    a ligature glyph; the passages read the same characters with the space.
    """
    for word in list(missing):
        for _ in range(missing[word]):
            cut = next(
                (i for i in range(1, len(word)) if extra[word[:i]] > 0 and extra[word[i:]] > 0),
                None,
            )
            if cut is None:
                break
            missing[word] -= 1
            extra[word[:cut]] -= 1
            extra[word[cut:]] -= 1
    missing += Counter()
    extra += Counter()
