"""PDF to passages with PyMuPDF: text blocks in reading order, tables and captions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from claimlab.ingest.pdf.booktabs import Word
from claimlab.ingest.pdf.layout import merge_fragments, reading_order
from claimlab.ingest.pdf.margins import mark_margins
from claimlab.ingest.pdf.tables import (
    TableArea,
    TableMode,
    bold_words,
    contains,
    find_areas,
    table_block,
)
from claimlab.ingest.pdf.text import BBox, Block, Kind, is_heading, resolve_breaks, text_block

PdfSource = str | Path | bytes

# Without TEXT_PRESERVE_LIGATURES MuPDF splits ligature glyphs; without
# TEXT_PRESERVE_IMAGES it skips image payloads, which only cost time here. Glyphs
# without Unicode read as their CID, as in page.get_text("words").
_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_USE_CID_FOR_UNKNOWN_UNICODE
_MUPDF_ERRORS = (RuntimeError, pymupdf.mupdf.FzErrorBase)
# What PyMuPDF's table finder and the cell reader raise on odd geometry.
_TABLE_ERRORS = (*_MUPDF_ERRORS, ValueError, IndexError, ZeroDivisionError, TypeError)
_CAPTION = re.compile(
    r"(?:table|tab\.|figure|fig\.|algorithm|listing)\s*(?:\d+|[IVXLC]+)(?:\.\d+)?\s*[:.|]",
    re.IGNORECASE,
)
_TABLE_CAPTION = re.compile(r"(?:table|tab\.)\s*(?:\d+|[IVXLC]+)\b", re.IGNORECASE)
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)
_HTML_LINE = re.compile(r'<p style="[^"]*line-height:([\d.]+)pt">(.*?)</p>')
_TAIL = 2048


@dataclass(frozen=True)
class PassageData:
    """One passage of a paper, as returned in reading order."""

    page: int
    """1-based page number."""
    bbox: BBox
    """(x0, y0, x1, y1) in PDF points, origin at the top-left of the page."""
    section: str
    """Text of the nearest heading before the passage (a heading's own text for a
    heading); "" before the first one and for headers and footers."""
    kind: Kind
    """"text", "table", "caption", "heading", or "header" / "footer" for running heads,
    feet and page numbers. Every word on a page is in exactly one passage."""
    text: str
    """Normalised text: ligatures split, line-break hyphens removed, single spaces."""
    cells: list[list[str]] | None = None
    """For kind "table": the cell texts, row by row; otherwise None."""


class PdfError(ValueError):
    """A PDF that yields no passages; `reason` is corrupt, truncated, encrypted, empty or
    image_only."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        """Short machine-readable cause."""


def check_complete(data: bytes) -> None:
    """Raise PdfError("truncated") unless the file ends as a PDF does (startxref, %%EOF).

    MuPDF silently repairs a cut-off file and returns whatever pages it recovered, so
    a download or copy that stopped early would otherwise pass as a shorter paper.
    """
    tail = data[-_TAIL:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise PdfError(
            "truncated", f"no startxref/%%EOF in the last {_TAIL} bytes: the file is cut off"
        )


def page_count(pdf: PdfSource) -> int:
    """Number of pages; raises PdfError like extract_passages for unreadable files."""
    with _open(pdf) as doc:
        return doc.page_count


def extract_passages(pdf: PdfSource, *, tables: TableMode = "lines") -> list[PassageData]:
    """Turn a PDF (path or bytes) into passages in reading order.

    Tables are looked for only on pages with a table caption ("Table 2:", "TABLE II.").
    tables="lines" finds ruled tables with `page.find_tables()` where the page draws a
    grid (cheap) and tables drawn with horizontal rules only (booktabs) next to their
    caption; "layout" uses PyMuPDF's layout model instead (about 0.4 s per such page);
    "off" keeps table text as text.
    """
    sizes: Counter[str] = Counter()
    with _open(pdf) as doc:
        try:
            pages = [_page_blocks(page, tables, sizes) for page in doc]
        except _MUPDF_ERRORS as exc:  # MuPDF errors while interpreting page content
            raise PdfError("corrupt", f"page content cannot be read ({exc})") from exc
        if not any(pages):
            if any(page.get_images() for page in doc):
                raise PdfError("image_only", "the pages hold images but no text (needs OCR)")
            raise PdfError("empty", "no text on any page")
        mark_margins(pages, [page.rect.height for page in doc])
    resolve_breaks(pages)
    body = float(sizes.most_common(1)[0][0]) if sizes else 10.0
    return list(_passages(pages, body))


def render_page_png(
    pdf: PdfSource, page: int, *, highlight: BBox | None = None, zoom: float = 2.0
) -> bytes:
    """Render 1-based `page` to PNG bytes, with `highlight` drawn as a translucent box."""
    with _open(pdf) as doc:
        if not 1 <= page <= doc.page_count:
            raise ValueError(f"page {page} out of range 1..{doc.page_count}")
        p = doc[page - 1]
        if highlight is not None:
            # Drawn into the in-memory document only; nothing is saved.
            p.draw_rect(
                pymupdf.Rect(highlight),
                color=(0.9, 0.1, 0.1),
                fill=(1.0, 0.85, 0.0),
                fill_opacity=0.3,
                width=1.5,
                overlay=True,
            )
        return p.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png")


def _open(pdf: PdfSource) -> pymupdf.Document:
    """Open a PDF strictly as PDF, mapping every failure to PdfError."""
    data = bytes(pdf) if isinstance(pdf, bytes | bytearray) else Path(pdf).read_bytes()
    if not data.strip():
        raise PdfError("empty", "the file has no content")
    # MuPDF would happily open HTML or images as documents, whatever filetype says.
    if b"%PDF-" not in data[:1024]:
        raise PdfError("corrupt", "no %PDF- header in the first 1024 bytes")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except _MUPDF_ERRORS as exc:
        raise PdfError("corrupt", f"not a readable PDF ({exc})") from exc
    if doc.needs_pass:
        doc.close()
        raise PdfError("encrypted", "the PDF is password-protected")
    if doc.page_count == 0:
        repaired = doc.is_repaired
        doc.close()
        if repaired:
            raise PdfError("corrupt", "damaged PDF: no page could be recovered")
        raise PdfError("empty", "the PDF has no pages")
    try:
        check_complete(data)
    except PdfError:
        doc.close()
        raise
    return doc


def _passages(pages: list[list[Block]], body: float) -> Iterable[PassageData]:
    """Assign sections and turn ordered blocks into passages, headings included."""
    section = ""
    for number, blocks in enumerate(pages, start=1):
        out: list[tuple[Block, str]] = []
        last_heading: Block | None = None
        for b in blocks:
            if b.kind == "text" and is_heading(b, body):
                # A heading broken over two blocks continues the previous one.
                if (
                    last_heading is not None
                    and b.y0 - last_heading.y1 < body
                    and b.x0 < last_heading.x1
                    and last_heading.x0 < b.x1
                ):
                    _absorb(last_heading, b)
                    section = last_heading.text
                    out[-1] = (last_heading, section)
                else:
                    b.kind = "heading"
                    section, last_heading = b.text, b
                    out.append((b, section))
                continue
            last_heading = None
            prev = out[-1][0] if out else None
            if (  # a stray symbol or digit joins the text right above it
                b.kind == "text"
                and not _TWO_ALNUM.search(b.text)
                and prev is not None
                and prev.kind == "text"
                and abs(b.y0 - prev.y1) < 2 * body
            ):
                _absorb(prev, b)
                continue
            out.append((b, "" if b.kind in ("header", "footer") else section))
        for b, where in out:
            bbox = (round(b.x0, 2), round(b.y0, 2), round(b.x1, 2), round(b.y1, 2))
            yield PassageData(number, bbox, where, b.kind, b.text, b.cells)


def _absorb(into: Block, b: Block) -> None:
    """Append b's text to a block and grow its box."""
    into.text = f"{into.text} {b.text}"
    into.x0, into.y0 = min(into.x0, b.x0), min(into.y0, b.y0)
    into.x1, into.y1 = max(into.x1, b.x1), max(into.y1, b.y1)


def _page_blocks(page: pymupdf.Page, tables: TableMode, sizes: Counter[str]) -> list[Block]:
    """Blocks of one page, tables included, in reading order; counts font sizes."""
    # Blocks plus MuPDF's HTML (one <p> per line, same order) cost far less than
    # the "dict" output, and the HTML still carries each span's font and size.
    textpage = page.get_textpage(flags=_FLAGS)
    lines = _HTML_LINE.findall(textpage.extractHTML())
    for height, content in lines:  # a line's height is the size of its first character
        sizes[height] += len(content)
    raw = textpage.extractBLOCKS()
    aligned = sum(b[4].count("\n") for b in raw) == len(lines)
    blocks: dict[int, Block] = {}
    captions: list[Block] = []
    at = 0
    for x0, y0, x1, y1, text, number, _ in raw:
        n = text.count("\n")
        markup = [content for _, content in lines[at : at + n]] if aligned else []
        block = text_block(x0, y0, x1, y1, text, markup)
        at += n
        if block is None:
            continue
        if _CAPTION.match(block.text):
            block.kind = "caption"
            if _TABLE_CAPTION.match(block.text):
                captions.append(block)
        blocks[number] = block
    found: list[Block] = []
    if tables != "off" and captions:
        found = _tables(page, textpage, tables, blocks, captions)
    return merge_fragments(reading_order([*blocks.values(), *found]))


def _tables(
    page: pymupdf.Page,
    textpage: pymupdf.TextPage,
    mode: TableMode,
    blocks: dict[int, Block],
    captions: list[Block],
) -> list[Block]:
    """Table blocks; each word inside a table leaves the text block it came from."""
    try:
        areas = find_areas(page, mode, captions)
    except _TABLE_ERRORS:  # table finding is best effort: the words stay text
        return []
    if not areas:
        return []
    words: list[Word] = textpage.extractWORDS()
    taken = [False] * len(words)
    found = []
    for area in areas:
        mine = []
        for i, w in enumerate(words):
            if not taken[i] and contains(area.bbox, w):
                taken[i] = True
                mine.append(w)
        if mine:
            found.append(_read_table(area, mine, textpage))
    left: dict[int, list[Word]] = {}
    touched: set[int] = set()
    for i, w in enumerate(words):
        if taken[i]:
            touched.add(w[5])
        else:
            left.setdefault(w[5], []).append(w)
    for number in touched:
        block = blocks.pop(number, None)
        rest = left.get(number)
        new = _rebuilt(block, rest) if block is not None and rest else None
        if new is not None:
            blocks[number] = new
    return found


def _read_table(area: TableArea, words: list[Word], textpage: pymupdf.TextPage) -> Block:
    """The table's block; a table whose cells cannot be read keeps its text, no cells."""
    try:
        return table_block(area, words, bold_words(textpage, words))
    except _TABLE_ERRORS:
        lines = [" ".join(w[4] for w in words)]
        return Block(*area.bbox, lines[0], 1, kind="table")


def _rebuilt(block: Block, words: list[Word]) -> Block | None:
    """A block made again from the words a table left it, keeping its kind."""
    rows: dict[int, list[str]] = {}
    for w in sorted(words, key=lambda w: (w[6], w[7])):
        rows.setdefault(w[6], []).append(w[4])
    raw = "\n".join(" ".join(r) for r in rows.values())
    x0, y0 = min(w[0] for w in words), min(w[1] for w in words)
    x1, y1 = max(w[2] for w in words), max(w[3] for w in words)
    new = text_block(x0, y0, x1, y1, raw, [])
    if new is not None:
        new.kind = block.kind
    return new
