"""Tables on a page: where they are (ruled grids, rule-only tables) and their cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pymupdf

from claimlab.ingest.pdf.booktabs import Word, cell_text, plain, rule_areas, split_cells
from claimlab.ingest.pdf.text import BOLD_FONT, BBox, Block, normalize_text

TableMode = Literal["lines", "layout", "off"]


@dataclass(frozen=True)
class TableArea:
    """Where a table is, and how to read its words into cells."""

    bbox: BBox
    grid: list[list[BBox | None]] | None = None
    """Cell boxes row by row (from find_tables); None: cells come from the words' layout."""
    header_y: float | None = None
    """For rule-only tables: y of the rule under the header rows, if any."""


def find_areas(page: pymupdf.Page, mode: TableMode, captions: list[Block]) -> list[TableArea]:
    """Ruled grids from find_tables, then rule-only (booktabs) tables next to a caption."""
    drawings = page.get_drawings() if mode == "lines" else []
    areas: list[TableArea] = []
    if mode == "layout":
        finder = page.find_tables(use_layout=True)
    else:
        regions = _grid_regions(drawings)
        finder = None
        if regions:
            clip = regions[0]
            for region in regions[1:]:
                clip |= region
            # Clipped to the grids, with the drawings handed over, find_tables runs some
            # 50 times faster than on the whole page.
            finder = page.find_tables(clip=clip, use_layout=False, paths=drawings)
    for table in finder.tables if finder else []:
        grid = [list(row.cells) for row in table.rows]
        if len(grid) >= 2 and max(len(r) for r in grid) >= 2:
            areas.append(TableArea(tuple(table.bbox), grid))
    if mode == "lines":
        for bbox, header_y in rule_areas(page, drawings, captions):
            if not any(_overlap(bbox, a.bbox) for a in areas):
                areas.append(TableArea(bbox, None, header_y))
    return areas


def table_block(area: TableArea, words: list[Word], bold: frozenset[Word] = frozenset()) -> Block:
    """The table passage of an area from the words whose centres lie in it.

    Words that fit no cell are kept as a last line of text, so none is lost; a table
    whose cells cannot be read keeps its text and has no cells. A cell whose words are
    all in `bold` is wrapped in ** (the best result, mostly); the text has no **.
    """
    rest: list[Word] = []
    if area.grid is not None:
        cells, rest = _grid_cells(area.grid, words, bold)
    else:
        cells = split_cells(words, area.header_y, bold)
    if cells is not None:
        cells = [row for row in cells if any(row)]
        if len(cells) < 2 or max(len(r) for r in cells) < 2:
            cells = None
    if cells is None:
        rest = words
    lines = [" | ".join(plain(c) for c in row) for row in cells] if cells else []
    if rest:
        lines.extend(_lines(rest))
    return Block(*area.bbox, "\n".join(lines), max(len(lines), 1), kind="table", cells=cells)


def bold_words(textpage: pymupdf.TextPage, words: list[Word]) -> frozenset[Word]:
    """The words whose centre lies in a span set in a bold font."""
    boxes = [
        span["bbox"]
        for block in textpage.extractDICT()["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["flags"] & pymupdf.TEXT_FONT_BOLD or BOLD_FONT.search(span["font"])
    ]
    return frozenset(w for w in words if any(contains(b, w) for b in boxes))


def _grid_cells(
    grid: list[list[BBox | None]], words: list[Word], bold: frozenset[Word]
) -> tuple[list[list[str]], list[Word]]:
    """Cell texts of a ruled grid ("" for a merged slot) and the words in no cell."""
    # Cell text comes from whole words: Table.extract() splits "66.3" into "663 .".
    taken = [False] * len(words)
    cells = []
    for row in grid:
        texts = []
        for cell in row:
            found = []
            if cell is not None:
                x0, y0, x1, y1 = cell
                for i, w in enumerate(words):
                    x, y = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
                    if not taken[i] and x0 <= x < x1 and y0 <= y < y1:
                        taken[i] = True
                        found.append(w)
            texts.append(cell_text(found, bold))
        cells.append(texts)
    return cells, [w for i, w in enumerate(words) if not taken[i]]


def _lines(words: list[Word]) -> list[str]:
    """Words as lines of text, in MuPDF's block and line order."""
    out: dict[tuple[int, int], list[str]] = {}
    for w in sorted(words, key=lambda w: (w[5], w[6], w[7])):
        out.setdefault((w[5], w[6]), []).append(w[4])
    return [normalize_text(" ".join(line)) for line in out.values()]


def _overlap(a: BBox, b: BBox) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def contains(bbox: BBox, w: Word) -> bool:
    """True if the word's centre lies in the box."""
    x, y = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


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
