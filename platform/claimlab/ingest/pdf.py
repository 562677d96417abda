"""PDF to passages with PyMuPDF: text blocks in reading order, tables and captions."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pymupdf

Kind = Literal["text", "table", "caption"]
BBox = tuple[float, float, float, float]
TableMode = Literal["lines", "layout", "off"]
PdfSource = str | Path | bytes

# Without TEXT_PRESERVE_LIGATURES MuPDF splits ligature glyphs; without
# TEXT_PRESERVE_IMAGES it skips image payloads, which only cost time here.
_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP
_BREAK = "\ue000"  # marks a removed line-break hyphen until the document is read
_MIN_GUTTER = 4.0
_MUPDF_ERRORS = (RuntimeError, pymupdf.mupdf.FzErrorBase)

_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "ft",
        "\ufb06": "st",
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        **{chr(c): " " for c in range(32)},
    }
)
_CAPTION = re.compile(
    r"(?:table|tab\.|figure|fig\.|algorithm|listing)\s*(?:\d+|[IVXLC]+)(?:\.\d+)?\s*[:.|]",
    re.IGNORECASE,
)
_TABLE_CAPTION = re.compile(r"(?:table|tab\.)\s*(?:\d+|[IVXLC]+)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+\S")
_WORD = re.compile(r"[^\W\d_]{3,}")
_BOLD_FONT = re.compile(r"bold|black|heavy|demi|medi|cmbx|cmbsy|[-.,]b$", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique|cmti|[-.,]i$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"\d{1,4}|[ivx]{1,5}")
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)
_HTML_LINE = re.compile(r'<p style="[^"]*line-height:([\d.]+)pt">(.*?)</p>')
_HTML_TOKEN = re.compile(
    r'<(/?)([bi])>|<span style="font-family:([^,;"]*)[^"]*?font-size:([\d.]+)pt[^"]*">([^<]*)'
)
_BROKEN_WORD = re.compile(rf"([^\W\d_]+){_BREAK}([^\W\d_]+)")


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
    """A PDF that yields no passages; `reason` is corrupt, encrypted, empty or image_only."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        """Short machine-readable cause."""


@dataclass(slots=True)
class _Block:
    """A text block (or table) on one page while passages are assembled."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    lines: int = 1
    html: list[str] = field(default_factory=list)
    """MuPDF HTML of its lines, parsed for font statistics only when needed."""
    kind: Kind = "text"
    cells: list[list[str]] | None = None


def normalize_text(text: str) -> str:
    """Split ligatures, drop soft hyphens and control characters, collapse whitespace."""
    return " ".join(text.translate(_CHAR_MAP).split())


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
    _resolve_breaks(pages)
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
    return doc


def _passages(pages: list[list[_Block]], body: float) -> Iterable[PassageData]:
    """Assign sections and turn ordered blocks into passages."""
    section = ""
    for number, blocks in enumerate(pages, start=1):
        last_heading: _Block | None = None
        for b in blocks:
            if b.kind == "text" and _is_heading(b, body):
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


def _page_blocks(page: pymupdf.Page, tables: TableMode, sizes: Counter[str]) -> list[_Block]:
    """Blocks of one page, tables included, in reading order; counts font sizes."""
    # Blocks plus MuPDF's HTML (one <p> per line, same order) cost far less than
    # the "dict" output, and the HTML still carries each span's font and size.
    textpage = page.get_textpage(flags=_FLAGS)
    lines = _HTML_LINE.findall(textpage.extractHTML())
    for height, content in lines:  # a line's height is the size of its first character
        sizes[height] += len(content)
    raw = textpage.extractBLOCKS()
    aligned = sum(b[4].count("\n") for b in raw) == len(lines)
    blocks: list[_Block] = []
    has_table_caption = False
    at = 0
    for x0, y0, x1, y1, text, _, _ in raw:
        n = text.count("\n")
        markup = [content for _, content in lines[at : at + n]] if aligned else []
        block = _text_block(x0, y0, x1, y1, text, markup)
        at += n
        if block is None:
            continue
        if _CAPTION.match(block.text):
            block.kind = "caption"
            has_table_caption = has_table_caption or bool(_TABLE_CAPTION.match(block.text))
        blocks.append(block)
    if tables != "off" and has_table_caption:
        found = _tables(page, textpage, tables)
        if found:
            blocks = [b for b in blocks if b.kind != "text" or not _inside_any(b, found)] + found
    return _merge_fragments(_reading_order(blocks))


def _text_block(
    x0: float, y0: float, x1: float, y1: float, raw: str, markup: list[str]
) -> _Block | None:
    """Build a block from MuPDF block text: join lines, mark hyphen breaks, normalise."""
    text = ""
    rows = 0
    for part in raw.split("\n"):
        part = part.strip()
        if not part:
            continue
        if text:
            text, rows = _join_lines(text, part), rows + 1
        else:
            text, rows = part, 1
    text = " ".join(text.translate(_CHAR_MAP).split())
    if not text:
        return None
    return _Block(x0, y0, x1, y1, text, rows, markup)


def _style(b: _Block) -> tuple[float, float, float]:
    """(dominant font size, bold share, italic share) of a block, by characters."""
    sizes: dict[float, int] = {}
    chars = bold = italic = in_bold = in_italic = 0
    for line in b.html:
        for close, tag, font, size, text in _HTML_TOKEN.findall(line):
            if tag:
                step = -1 if close else 1
                if tag == "b":
                    in_bold += step
                else:
                    in_italic += step
                continue
            n = len((html.unescape(text) if "&" in text else text).strip())
            sizes[float(size)] = sizes.get(float(size), 0) + n
            chars += n
            bold += n * (in_bold > 0 or bool(_BOLD_FONT.search(font)))
            italic += n * (in_italic > 0 or bool(_ITALIC_FONT.search(font)))
    if not chars:
        return 0.0, 0.0, 0.0
    return max(sizes, key=sizes.__getitem__), bold / chars, italic / chars


def _join_lines(text: str, nxt: str) -> str:
    """Append the next line; a hyphen between letters at the break becomes a marker."""
    if text[-1] == "\u00ad":
        return text[:-1] + nxt
    if len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalpha() and nxt[:1].islower():
        word = text[text.rfind(" ") + 1 : -1]
        # A compound already hyphenated ("state-of-") keeps its hyphen.
        return text + nxt if "-" in word else text[:-1] + _BREAK + nxt
    return f"{text} {nxt}"


def _resolve_breaks(pages: list[list[_Block]]) -> None:
    """Join words split at line ends, keeping the hyphen where the document spells it so."""
    marked = [b for blocks in pages for b in blocks if _BREAK in b.text]
    if not marked:
        return
    full = "\n".join(b.text for blocks in pages for b in blocks).lower()

    def join(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        hyphenated = f"{head}-{tail}".lower()
        if hyphenated in full and f"{head}{tail}".lower() not in full:
            return f"{head}-{tail}"
        return head + tail

    for b in marked:
        b.text = _BROKEN_WORD.sub(join, b.text).replace(_BREAK, "")


def _tables(page: pymupdf.Page, textpage: pymupdf.TextPage, mode: TableMode) -> list[_Block]:
    """Table blocks from find_tables: in "lines" mode only inside drawn grids."""
    if mode == "layout":
        finder = page.find_tables(use_layout=True)
    else:
        drawings = page.get_drawings()
        regions = _grid_regions(drawings)
        if not regions:
            return []
        clip = regions[0]
        for region in regions[1:]:
            clip |= region
        # Clipped to the grids, with the drawings handed over, find_tables runs some
        # 50 times faster than on the whole page.
        finder = page.find_tables(clip=clip, use_layout=False, paths=drawings)
    tables = finder.tables if finder else []
    if not tables:
        return []
    # Cell text comes from whole words: Table.extract() splits "66.3" into "663 .".
    words = [((w[0] + w[2]) / 2, (w[1] + w[3]) / 2, w[4]) for w in textpage.extractWORDS()]
    found: list[_Block] = []
    for table in tables:
        cells = [[_cell_text(words, cell) for cell in row.cells] for row in table.rows]
        cells = [row for row in cells if any(row)]
        if len(cells) < 2 or max(len(r) for r in cells) < 2:
            continue
        text = "\n".join(" | ".join(row) for row in cells)
        found.append(_Block(*table.bbox, text, len(cells), kind="table", cells=cells))
    return found


def _cell_text(words: list[tuple[float, float, str]], cell: BBox | None) -> str:
    """Text of the words whose centre lies in the cell ("" for a merged slot)."""
    if cell is None:
        return ""
    x0, y0, x1, y1 = cell
    return normalize_text(" ".join(w for x, y, w in words if x0 <= x < x1 and y0 <= y < y1))


def _grid_regions(drawings: list[dict]) -> list[pymupdf.Rect]:
    """Areas where drawn rules (from page.get_drawings()) touch each other and include
    at least three horizontal and three vertical ones: the candidates for ruled tables."""
    clusters: list[tuple[BBox, int, int]] = []  # bounding box, horizontal, vertical rules
    for path in drawings:
        for item in path["items"]:
            if item[0] == "l":
                xs, ys = (item[1][0], item[2][0]), (item[1][1], item[2][1])
            elif item[0] in ("re", "qu"):
                rect = pymupdf.Rect(item[1]) if item[0] == "re" else pymupdf.Quad(item[1]).rect
                xs, ys = (rect.x0, rect.x1), (rect.y0, rect.y1)
            else:
                continue
            box = (min(xs) - 2, min(ys) - 2, max(xs) + 2, max(ys) + 2)  # 2 pt of slack
            w, h = box[2] - box[0] - 4, box[3] - box[1] - 4
            horizontal, vertical = int(h <= 2 and w >= 8), int(w <= 2 and h >= 8)
            if item[0] != "l" and w >= 8 and h >= 8:
                horizontal = vertical = 2  # a rectangle has two edges of each kind
            if not (horizontal or vertical):
                continue
            keep = []
            for other in clusters:
                (a0, b0, a1, b1), oh, ov = other
                if a0 <= box[2] and box[0] <= a1 and b0 <= box[3] and box[1] <= b1:
                    box = (min(a0, box[0]), min(b0, box[1]), max(a1, box[2]), max(b1, box[3]))
                    horizontal, vertical = horizontal + oh, vertical + ov
                else:
                    keep.append(other)
            clusters = [*keep, (box, horizontal, vertical)]
    return [pymupdf.Rect(box) for box, h, v in clusters if h >= 3 and v >= 3]


def _inside_any(b: _Block, tables: list[_Block]) -> bool:
    """True if at least half of the block's area lies inside one of the tables."""
    area = max((b.x1 - b.x0) * (b.y1 - b.y0), 1e-6)
    for t in tables:
        w = min(b.x1, t.x1) - max(b.x0, t.x0)
        h = min(b.y1, t.y1) - max(b.y0, t.y0)
        if w > 0 and h > 0 and w * h >= 0.5 * area:
            return True
    return False


def _reading_order(blocks: list[_Block]) -> list[_Block]:
    """Recursive XY-cut: horizontal bands top to bottom, and consecutive bands that
    share a vertical gutter read column by column."""
    if len(blocks) < 2:
        return blocks
    left = min(b.x0 for b in blocks)
    right = max(b.x1 for b in blocks)
    out: list[_Block] = []
    for group, gutters in _band_groups(_bands(blocks), left, right):
        columns = _split_columns(group, gutters)
        if len(columns) > 1:
            for column in columns:
                out.extend(_reading_order(column))
        else:
            out.extend(sorted(group, key=lambda b: (b.y0, b.x0, b.y1)))
    return out


def _bands(blocks: list[_Block]) -> list[list[_Block]]:
    """Split blocks into horizontal bands separated by empty horizontal strips."""
    bands: list[list[_Block]] = []
    bottom = float("-inf")
    for b in sorted(blocks, key=lambda b: b.y0):
        if bands and b.y0 < bottom:
            bands[-1].append(b)
            bottom = max(bottom, b.y1)
        else:
            bands.append([b])
            bottom = b.y1
    return bands


def _free(band: list[_Block], left: float, right: float) -> list[tuple[float, float]]:
    """Horizontal intervals of [left, right] that no block of the band covers."""
    free: list[tuple[float, float]] = []
    x = left
    for b in sorted(band, key=lambda b: b.x0):
        if b.x0 - x >= _MIN_GUTTER:
            free.append((x, b.x0))
        x = max(x, b.x1)
    if right - x >= _MIN_GUTTER:
        free.append((x, right))
    return free


def _intersect(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Intersection of two interval lists, keeping pieces at least a gutter wide."""
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= _MIN_GUTTER:
                out.append((lo, hi))
    return out


def _band_groups(
    bands: list[list[_Block]], left: float, right: float
) -> list[tuple[list[_Block], list[tuple[float, float]]]]:
    """Greedily join consecutive bands while they keep a common interior gutter.

    Free space at the page edges counts too, so a band with text in one column only
    joins its neighbours; a gutter must however lie strictly inside (left, right).
    """

    def interior(free: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(a, z) for a, z in free if a > left and z < right]

    groups: list[tuple[list[_Block], list[tuple[float, float]]]] = []
    for band in bands:
        free = _free(band, left, right)
        if groups:
            blocks, shared = groups[-1]
            common = _intersect(shared, free)
            inner = interior(common)
            if inner and _side_by_side(blocks + band, inner[0]):
                groups[-1] = (blocks + band, common)
                continue
        groups.append((list(band), free))
    return [(blocks, interior(free)) for blocks, free in groups]


def _side_by_side(blocks: list[_Block], gutter: tuple[float, float]) -> bool:
    """False if text on both sides of the gutter exists but never at the same height."""
    left = [b for b in blocks if b.x1 <= gutter[0]]
    right = [b for b in blocks if b.x0 >= gutter[1]]
    if not left or not right:
        return True
    top = max(min(b.y0 for b in left), min(b.y0 for b in right))
    bottom = min(max(b.y1 for b in left), max(b.y1 for b in right))
    return bottom > top


def _split_columns(blocks: list[_Block], gutters: list[tuple[float, float]]) -> list[list[_Block]]:
    """Blocks split at the gutters, left to right, dropping empty columns."""
    columns: list[list[_Block]] = [[] for _ in range(len(gutters) + 1)]
    for b in blocks:
        i = sum(1 for g0, _ in gutters if b.x0 >= g0)
        columns[i].append(b)
    return [c for c in columns if c]


def _merge_fragments(blocks: list[_Block]) -> list[_Block]:
    """Merge neighbouring small text blocks of one visual row (pieces of an equation)."""
    out: list[_Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and b.kind == prev.kind == "text"
            and b.lines <= 3
            and prev.lines <= 3
            and max(b.y1 - b.y0, prev.y1 - prev.y0) < 40
            and max(b.x0, prev.x0) - min(b.x1, prev.x1) < 12
            and min(b.y1, prev.y1) - max(b.y0, prev.y0) > 0.5 * min(b.y1 - b.y0, prev.y1 - prev.y0)
        ):
            first, second = (prev, b) if prev.x0 <= b.x0 else (b, prev)
            prev.text = f"{first.text} {second.text}"
            prev.x0, prev.y0 = min(prev.x0, b.x0), min(prev.y0, b.y0)
            prev.x1, prev.y1 = max(prev.x1, b.x1), max(prev.y1, b.y1)
            prev.html = first.html + second.html
        else:
            out.append(b)
    return out


def _is_heading(b: _Block, body: float) -> bool:
    """Short block set larger than body text, in bold, or numbered and italic."""
    text = b.text
    if len(text) > 120 or b.lines > 3 or text[-1] == ";" or not _WORD.search(text):
        return False
    if not (text[0].isalnum() or text[0] in "§("):
        return False
    size, bold, italic = _style(b)
    if size >= 1.15 * body or bold >= 0.9:
        return True
    return italic >= 0.9 and bool(_NUMBERED.match(text))
