"""Symmetrising two directional word alignments (grow-diag-final-and, intersection, union)."""

from __future__ import annotations

from collections.abc import Iterable

Links = set[tuple[int, int]]
"""Word links (source index, target index)."""

_NEIGHBOURS = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]


def grow_diag_final_and(
    forward: Iterable[tuple[int, int]], reverse: Iterable[tuple[int, int]]
) -> Links:
    """Koehn et al.'s grow-diag-final-and of a source->target and a target->source alignment.

    Both inputs are given as (source, target) pairs. Start from the intersection, grow into
    union points adjacent (also diagonally) to a link when they cover an unaligned word, then
    add union points of each direction whose two words are both still unaligned.
    """
    fwd, rev = set(forward), set(reverse)
    union = fwd | rev
    links = fwd & rev
    src_aligned = {i for i, _ in links}
    tgt_aligned = {j for _, j in links}

    def add(i: int, j: int) -> None:
        links.add((i, j))
        src_aligned.add(i)
        tgt_aligned.add(j)

    grown = True
    while grown:
        grown = False
        for i, j in sorted(links):
            for di, dj in _NEIGHBOURS:
                point = (i + di, j + dj)
                if (
                    point in union
                    and point not in links
                    and (point[0] not in src_aligned or point[1] not in tgt_aligned)
                ):
                    add(*point)
                    grown = True
    for direction in (fwd, rev):
        for i, j in sorted(direction):
            if i not in src_aligned and j not in tgt_aligned:
                add(i, j)
    return links


def symmetrize(
    method: str, forward: Iterable[tuple[int, int]], reverse: Iterable[tuple[int, int]]
) -> Links:
    """Combine directional links with `method`: grow-diag-final-and, intersect or union."""
    if method == "grow-diag-final-and":
        return grow_diag_final_and(forward, reverse)
    if method == "intersect":
        return set(forward) & set(reverse)
    if method == "union":
        return set(forward) | set(reverse)
    raise ValueError(f"unknown symmetrization {method!r}")
