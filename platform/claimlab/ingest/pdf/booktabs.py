"""Tables drawn with horizontal rules only (booktabs, REVTeX's ruledtabular)."""

from __future__ import annotations

from statistics import median

import pymupdf

from claimlab.ingest.pdf.text import BBox, Block, normalize_text

Word = tuple[float, float, float, float, str, int, int, int]
"""One word of TextPage.extractWORDS(): box, text, block, line and word numbers."""

_MIN_RULE = 30.0  # shortest horizontal rule that may bound a table, in points
_DOUBLE = 3.5  # rules closer than this are one double rule
_SLACK = 3.0  # rules of one table start and end within this of each other
_CAPTION_GAP = 40.0  # a table's caption sits at most this far above or below its rules
_RULE_KINDS = {"fill-path", "stroke-path", "fill-imgmask", "fill-image"}

Rule = tuple[float, float, float, float]


def rule_areas(
    page: pymupdf.Page, drawings: list[dict], captions: list[Block]
) -> list[tuple[BBox, float | None]]:
    """(bbox, y of the rule under the header or None) of each rule-only table that has a
    table caption just above or below it."""
    if not captions:
        return []
    areas = _areas(_drawn_rules(drawings), captions)
    if not areas:
        # dvips and Ghostscript draw rules as image masks, which get_drawings() skips.
        log = page.get_bboxlog()
        rules = [r for kind, r in log if kind in _RULE_KINDS and _is_rule(r)]
        areas = _areas(rules, captions)
    return areas


def _is_rule(r: Rule) -> bool:
    return r[3] - r[1] <= 2.5 and r[2] - r[0] >= _MIN_RULE


def _drawn_rules(drawings: list[dict]) -> list[Rule]:
    """Horizontal lines and flat rectangles among the page's vector drawings."""
    rules: list[Rule] = []
    for path in drawings:
        half = (path.get("width") or 0.0) / 2
        for item in path["items"]:
            if item[0] == "l" and abs(item[1][1] - item[2][1]) <= 1:
                x0, x1 = sorted((item[1][0], item[2][0]))
                y = item[1][1]
                rule = (x0, y - half, x1, y + half)
            elif item[0] == "re":
                rule = tuple(pymupdf.Rect(item[1]))
            else:
                continue
            if _is_rule(rule):
                rules.append(rule)
    return rules


def _areas(rules: list[Rule], captions: list[Block]) -> list[tuple[BBox, float | None]]:
    """Group rules of one width into tables, split where a caption lies between rules."""
    groups: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r[1]):
        for g in groups:
            if abs(g[0][0] - r[0]) <= _SLACK and abs(g[0][2] - r[2]) <= _SLACK:
                if r[1] - g[-1][3] <= _DOUBLE:  # second line of a double rule
                    g[-1] = (g[-1][0], g[-1][1], g[-1][2], max(g[-1][3], r[3]))
                else:
                    g.append(r)
                break
        else:
            groups.append([r])
    found: list[tuple[BBox, float | None]] = []
    for group in groups:
        run: list[Rule] = []
        for r in group:
            if run and any(_between(c, run[-1], r) for c in captions):
                found.extend(_accept(run, captions))
                run = []
            run.append(r)
        found.extend(_accept(run, captions))
    return found


def _between(c: Block, upper: Rule, lower: Rule) -> bool:
    middle = (c.y0 + c.y1) / 2
    return upper[3] <= middle <= lower[1] and c.x0 < upper[2] and upper[0] < c.x1


def _accept(run: list[Rule], captions: list[Block]) -> list[tuple[BBox, float | None]]:
    """The run as a table if it has two rules or more and a caption next to it."""
    if len(run) < 2:
        return []
    x0, x1 = min(r[0] for r in run), max(r[2] for r in run)
    top, bottom = run[0][1], run[-1][3]
    for c in captions:
        if not (c.x0 < x1 and x0 < c.x1):
            continue
        above = top - _CAPTION_GAP <= c.y1 <= top + 1
        below = bottom - 1 <= c.y0 <= bottom + _CAPTION_GAP
        if above or below:
            header = (run[1][1] + run[1][3]) / 2 if len(run) >= 3 else None
            return [((x0 - 1, top, x1 + 1, bottom), header)]
    return []


def split_cells(
    words: list[Word], header_y: float | None, bold: frozenset[Word] = frozenset()
) -> list[list[str]] | None:
    """Rows by vertical overlap, columns at the vertical gaps every body row leaves free;
    None when the words show no column gap. A cell set all in `bold` is wrapped in **."""
    if not words:
        return None
    rows: list[list[Word]] = []
    top = bottom = 0.0
    for w in sorted(words, key=lambda w: (w[1], w[0])):
        height = w[3] - w[1]
        if rows and min(bottom, w[3]) - max(top, w[1]) >= 0.5 * min(height, bottom - top):
            rows[-1].append(w)
            top, bottom = min(top, w[1]), max(bottom, w[3])
        else:
            rows.append([w])
            top, bottom = w[1], w[3]
    body = [r for r in rows if header_y is None or (r[0][1] + r[0][3]) / 2 > header_y] or rows
    gap = max(4.0, 0.5 * median(w[3] - w[1] for w in words))
    spans = sorted((w[0], w[2]) for r in body for w in r)
    cuts: list[float] = []
    end = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - end >= gap:
            cuts.append((x0 + end) / 2)
        end = max(end, x1)
    if not cuts:
        return None
    cells = []
    for row in rows:
        texts: list[list[Word]] = [[] for _ in range(len(cuts) + 1)]
        # Words closer than a column gap form one phrase, placed by its centre, so a
        # header spanning its column's gap ("Non-English or Math") stays in one cell.
        phrases: list[list[Word]] = []
        for w in sorted(row, key=lambda w: w[0]):
            if phrases and w[0] - phrases[-1][-1][2] < gap:
                phrases[-1].append(w)
            else:
                phrases.append([w])
        for phrase in phrases:
            centre = (phrase[0][0] + phrase[-1][2]) / 2
            texts[sum(1 for c in cuts if centre > c)].extend(phrase)
        cells.append([cell_text(t, bold) for t in texts])
    return cells


def cell_text(words: list[Word], bold: frozenset[Word]) -> str:
    """The words of one cell as text, wrapped in ** when every one of them is bold."""
    text = normalize_text(" ".join(w[4] for w in words))
    if text and all(w in bold for w in words):
        return f"**{text}**"
    return text


def plain(cell: str) -> str:
    """A cell's text without the ** that marks it bold."""
    if len(cell) > 4 and cell.startswith("**") and cell.endswith("**"):
        return cell[2:-2]
    return cell
