"""PDF to passages with PyMuPDF: text blocks in reading order, tables and captions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from claimlab.ingest.pdf.layout import merge_fragments, reading_order
from claimlab.ingest.pdf.tables import TableMode, find_tables, inside_any
from claimlab.ingest.pdf.text import BBox, Block, Kind, is_heading, resolve_breaks, text_block

PdfSource = str | Path | bytes

# Without TEXT_PRESERVE_LIGATURES MuPDF splits ligature glyphs; without
# TEXT_PRESERVE_IMAGES it skips image payloads, which only cost time here.
_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP
_MUPDF_ERRORS = (RuntimeError, pymupdf.mupdf.FzErrorBase)
_CAPTION = re.compile(
    r"(?:table|tab\.|figure|fig\.|algorithm|listing)\s*(?:\d+|[IVXLC]+)(?:\.\d+)?\s*[:.|]",
    re.IGNORECASE,
)
_TABLE_CAPTION = re.compile(r"(?:table|tab\.)\s*(?:\d+|[IVXLC]+)\b", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"\d{1,4}|[ivx]{1,5}")
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
    """Text of the nearest heading before the passage; "" before the first one."""
    kind: Kind
    """"text", "table" or "caption"."""
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
    grid (cheap); "layout" uses PyMuPDF's layout model instead, which also finds tables
    without vertical rules (about 0.4 s per such page); "off" keeps table text as text.
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
    """Assign sections and turn ordered blocks into passages."""
    section = ""
    for number, blocks in enumerate(pages, start=1):
        last_heading: Block | None = None
        for b in blocks:
            if b.kind == "text" and is_heading(b, body):
                # A heading broken over two blocks continues the previous one.
                joined = (
                    last_heading is not None
                    and b.y0 - last_heading.y1 < body
                    and b.x0 < last_heading.x1
                    and last_heading.x0 < b.x1
                )
                section = f"{section} {b.text}" if joined else b.text
                last_heading = b
                continue
            last_heading = None
            if b.kind == "text" and (
                _PAGE_NUMBER.fullmatch(b.text) or not _TWO_ALNUM.search(b.text)
            ):
                continue
            bbox = (round(b.x0, 2), round(b.y0, 2), round(b.x1, 2), round(b.y1, 2))
            yield PassageData(number, bbox, section, b.kind, b.text, b.cells)


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
    blocks: list[Block] = []
    has_table_caption = False
    at = 0
    for x0, y0, x1, y1, text, _, _ in raw:
        n = text.count("\n")
        markup = [content for _, content in lines[at : at + n]] if aligned else []
        block = text_block(x0, y0, x1, y1, text, markup)
        at += n
        if block is None:
            continue
        if _CAPTION.match(block.text):
            block.kind = "caption"
            has_table_caption = has_table_caption or bool(_TABLE_CAPTION.match(block.text))
        blocks.append(block)
    if tables != "off" and has_table_caption:
        found = find_tables(page, textpage, tables)
        if found:
            blocks = [b for b in blocks if b.kind != "text" or not inside_any(b, found)] + found
    return merge_fragments(reading_order(blocks))
