"""Word alignment of a parallel corpus: eflomal, IBM Model 1, or Pharaoh files, symmetrised.

Inputs are sentences already split into alignment units (words, or subword tokens at
align_level=subword); outputs are (source unit, target unit) links per pair.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from reproductions.weam.ibm1 import ibm1_both_directions
from reproductions.weam.pharaoh import read_pharaoh
from reproductions.weam.symmetrize import symmetrize

Alignment = list[tuple[int, int]]


def eflomal_available() -> bool:
    """True when the eflomal package imports."""
    try:
        import eflomal  # noqa: F401
    except ImportError:
        return False
    return True


def eflomal_directional(
    source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
) -> tuple[list[Alignment], list[Alignment]]:
    """Forward and reverse links from eflomal (both written as source-target pairs)."""
    import eflomal

    with tempfile.TemporaryDirectory(prefix="eflomal-") as tmp:
        fwd_path, rev_path = Path(tmp) / "fwd", Path(tmp) / "rev"
        # eflomal cannot read empty sentences; give them a placeholder and drop their links.
        src_lines = [" ".join(words) if words else "<empty>" for words in source]
        tgt_lines = [" ".join(words) if words else "<empty>" for words in target]
        eflomal.Aligner().align(
            src_lines, tgt_lines, links_filename_fwd=str(fwd_path), links_filename_rev=str(rev_path)
        )
        forward, reverse = read_pharaoh(fwd_path), read_pharaoh(rev_path)
    empty = [not s or not t for s, t in zip(source, target, strict=True)]
    forward = [[] if e else links for e, links in zip(empty, forward, strict=True)]
    reverse = [[] if e else links for e, links in zip(empty, reverse, strict=True)]
    return forward, reverse


def align_corpus(
    source: Sequence[Sequence[str]],
    target: Sequence[Sequence[str]],
    method: str,
    symmetrization: str = "grow-diag-final-and",
    ibm1_iterations: int = 5,
) -> tuple[list[Alignment], str]:
    """Symmetrised links per pair and the aligner actually used.

    `method` eflomal falls back to ibm1 when eflomal is not installed (the returned name says so).
    """
    if len(source) != len(target):
        raise ValueError("source and target differ in length")
    used = method
    if method == "eflomal" and not eflomal_available():
        used = "ibm1"
    if used == "eflomal":
        forward, reverse = eflomal_directional(source, target)
    elif used == "ibm1":
        forward, reverse = ibm1_both_directions(source, target, ibm1_iterations)
    else:
        raise ValueError(f"align_corpus cannot run aligner {method!r}")
    links = [
        sorted(symmetrize(symmetrization, f, r)) for f, r in zip(forward, reverse, strict=True)
    ]
    return links, used


def load_alignment_file(
    path: str | Path, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
) -> list[Alignment]:
    """Read a Pharaoh file (line k: pair k) and drop links outside the sentences' units."""
    lines = read_pharaoh(path)
    if len(lines) < len(source):
        raise ValueError(f"{path} has {len(lines)} lines for {len(source)} sentence pairs")
    out = []
    for links, s, t in zip(lines, source, target, strict=False):
        out.append(sorted({(i, j) for i, j in links if i < len(s) and j < len(t)}))
    return out
