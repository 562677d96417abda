"""Pharaoh alignment format: one line per sentence pair, links `i-j` separated by spaces."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reproductions.common.files import write_text_atomic


def parse_line(line: str) -> list[tuple[int, int]]:
    """`0-0 1-2 2-1` -> [(0, 0), (1, 2), (2, 1)]; fast_align's `i-j` (also `i-j-p`) tolerated."""
    links = []
    for item in line.split():
        parts = item.split("-")
        if len(parts) < 2:
            raise ValueError(f"not a Pharaoh link: {item!r}")
        links.append((int(parts[0]), int(parts[1])))
    return links


def format_line(links: Iterable[tuple[int, int]]) -> str:
    """Links as one Pharaoh line, sorted."""
    return " ".join(f"{i}-{j}" for i, j in sorted(links))


def read_pharaoh(path: str | Path) -> list[list[tuple[int, int]]]:
    """All lines of a Pharaoh file."""
    with open(path, encoding="utf-8") as handle:
        return [parse_line(line) for line in handle.read().splitlines()]


def write_pharaoh(path: str | Path, alignments: Iterable[Iterable[tuple[int, int]]]) -> None:
    """Write one line per sentence pair."""
    write_text_atomic(path, "".join(format_line(links) + "\n" for links in alignments))
