"""Stable hashes of JSON values, files and data folders."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def stable_json(value: Any) -> str:
    """Serialise `value` the same way every time (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    """Hex sha256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_json(value: Any) -> str:
    """Hex sha256 of the stable JSON form of `value`."""
    return sha256_text(stable_json(value))


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def manifest(paths: Iterable[str | Path], root: str | Path) -> dict[str, str]:
    """Map each file's path relative to `root` to its sha256."""
    root = Path(root)
    return {Path(p).relative_to(root).as_posix(): sha256_file(p) for p in sorted(map(Path, paths))}


def manifest_hash(paths: Iterable[str | Path], root: str | Path) -> str:
    """One sha256 over the relative paths and contents of `paths` (the data manifest hash)."""
    return sha256_json(manifest(paths, root))
