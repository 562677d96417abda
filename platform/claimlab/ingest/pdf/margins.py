"""Running headers, footers and page numbers: the lines in a page's top or bottom margin
that repeat from page to page or carry the page number."""

from __future__ import annotations

import re
from collections import Counter

from claimlab.ingest.pdf.text import Block

_ZONE = 0.2  # share of the page height searched at the top and at the bottom
_NUMBER = re.compile(r"\d{1,4}")
_DIGITS = re.compile(r"\d+")


def mark_margins(pages: list[list[Block]], heights: list[float]) -> None:
    """Set kind "header" / "footer" on margin blocks and move them to the start / end of
    their page.

    A block is a candidate when it lies in the outer fifth of the page, level with the
    page's topmost (header) or bottommost (footer) block. It is taken when the same
    text, digits aside, is a candidate on another page too, or when its first or last
    word is a number that differs from the page's index by the same offset as on another
    page (page numbers).
    """
    candidates: list[list[tuple[Block, str]]] = []
    texts: Counter[tuple[str, str]] = Counter()
    offsets: Counter[int] = Counter()
    for index, (blocks, height) in enumerate(zip(pages, heights, strict=True)):
        found = _candidates(blocks, height)
        candidates.append(found)
        for b, zone in found:
            texts[zone, _DIGITS.sub("#", b.text.lower())] += 1
            offsets.update(set(_page_numbers(b, index)))
    single = len(pages) == 1
    for index, (blocks, found) in enumerate(zip(pages, candidates, strict=True)):
        for b, zone in found:
            numbers = _page_numbers(b, index)
            repeated = texts[zone, _DIGITS.sub("#", b.text.lower())] >= 2
            alone = single and numbers and len(b.text.split()) == 1  # a lone page number
            if repeated or any(offsets[n] >= 2 for n in numbers) or alone:
                b.kind = zone
        if found:
            head = [b for b in blocks if b.kind == "header"]
            foot = [b for b in blocks if b.kind == "footer"]
            body = [b for b in blocks if b.kind not in ("header", "footer")]
            blocks[:] = head + body + foot


def _candidates(blocks: list[Block], height: float) -> list[tuple[Block, str]]:
    """Text blocks level with the page's topmost (bottommost) block, in the top (bottom)
    zone."""
    if not blocks:
        return []
    first = min(blocks, key=lambda b: b.y0)
    last = max(blocks, key=lambda b: b.y1)
    found = [
        (b, "header")
        for b in blocks
        if b.kind == "text" and b.y0 < first.y1 and b.y1 <= _ZONE * height
    ]
    found += [
        (b, "footer")
        for b in blocks
        if b.kind == "text" and b.y1 > last.y0 and b.y0 >= (1 - _ZONE) * height
    ]
    return found


def _page_numbers(b: Block, index: int) -> list[int]:
    """Offsets from the page index of the numbers that open or close the block."""
    words = b.text.split()
    ends = {words[0], words[-1]}
    return [int(w) - index for w in ends if _NUMBER.fullmatch(w)]
