"""Reading order of a page's blocks: recursive XY-cut into bands and columns."""

from __future__ import annotations

from claimlab.ingest.pdf.text import Block

_MIN_GUTTER = 4.0


def reading_order(blocks: list[Block]) -> list[Block]:
    """Recursive XY-cut: horizontal bands top to bottom, and consecutive bands that
    share a vertical gutter read column by column."""
    if len(blocks) < 2:
        return blocks
    left = min(b.x0 for b in blocks)
    right = max(b.x1 for b in blocks)
    out: list[Block] = []
    for group, gutters in _band_groups(_bands(blocks), left, right):
        columns = _split_columns(group, gutters)
        if len(columns) > 1:
            for column in columns:
                out.extend(reading_order(column))
        else:
            out.extend(sorted(group, key=lambda b: (b.y0, b.x0, b.y1)))
    return out


def _bands(blocks: list[Block]) -> list[list[Block]]:
    """Split blocks into horizontal bands separated by empty horizontal strips."""
    bands: list[list[Block]] = []
    bottom = float("-inf")
    for b in sorted(blocks, key=lambda b: b.y0):
        if bands and b.y0 < bottom:
            bands[-1].append(b)
            bottom = max(bottom, b.y1)
        else:
            bands.append([b])
            bottom = b.y1
    return bands


def _free(band: list[Block], left: float, right: float) -> list[tuple[float, float]]:
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
    bands: list[list[Block]], left: float, right: float
) -> list[tuple[list[Block], list[tuple[float, float]]]]:
    """Greedily join consecutive bands while they keep a common interior gutter.

    Free space at the page edges counts too, so a band with text in one column only
    joins its neighbours; a gutter must however lie strictly inside (left, right).
    """

    def interior(free: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(a, z) for a, z in free if a > left and z < right]

    groups: list[tuple[list[Block], list[tuple[float, float]]]] = []
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


def _side_by_side(blocks: list[Block], gutter: tuple[float, float]) -> bool:
    """False if text on both sides of the gutter exists but never at the same height."""
    left = [b for b in blocks if b.x1 <= gutter[0]]
    right = [b for b in blocks if b.x0 >= gutter[1]]
    if not left or not right:
        return True
    top = max(min(b.y0 for b in left), min(b.y0 for b in right))
    bottom = min(max(b.y1 for b in left), max(b.y1 for b in right))
    return bottom > top


def _split_columns(blocks: list[Block], gutters: list[tuple[float, float]]) -> list[list[Block]]:
    """Blocks split at the gutters, left to right, dropping empty columns."""
    columns: list[list[Block]] = [[] for _ in range(len(gutters) + 1)]
    for b in blocks:
        i = sum(1 for g0, _ in gutters if b.x0 >= g0)
        columns[i].append(b)
    return [c for c in columns if c]


def merge_fragments(blocks: list[Block]) -> list[Block]:
    """Merge neighbouring small text blocks of one visual row (pieces of an equation)."""
    out: list[Block] = []
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
