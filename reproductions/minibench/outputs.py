"""Atomic output writing, file hashes, and per-part build stamps for resumable builds."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

STAMP_DIR = ".build"


def encode_lines(lines: list[str]) -> bytes:
    """File bytes for a list of lines: UTF-8, `\\n` after every line."""
    return "".join(line + "\n" for line in lines).encode("utf-8")


def write_bytes(path: Path, data: bytes) -> bool:
    """Write atomically; leaves the file untouched if it already holds `data`. True if written."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def write_files(out: Path, files: dict[str, list[str]]) -> dict[str, dict[str, object]]:
    """Write every `relative path -> lines` entry; returns count and sha256 per path."""
    summary = {}
    for rel in sorted(files):
        data = encode_lines(files[rel])
        write_bytes(out / rel, data)
        summary[rel] = {"count": len(files[rel]), "sha256": sha256_bytes(data)}
    return summary


def remove_stale(out: Path, dirs: list[str], keep: set[str]) -> list[str]:
    """Delete files under the part's directories that the part no longer produces."""
    removed = []
    for d in dirs:
        base = out / d
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in keep:
                path.unlink()
                removed.append(rel)
    return removed


def read_stamp(out: Path, part: str) -> dict[str, object] | None:
    """The stamp a finished part left, or None."""
    path = out / STAMP_DIR / f"{part}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stamp_is_current(out: Path, part: str, fingerprint: str) -> dict[str, object] | None:
    """The part's stamp if its inputs are unchanged and its files still have their hashes."""
    stamp = read_stamp(out, part)
    if not stamp or stamp.get("fingerprint") != fingerprint:
        return None
    for rel, info in stamp["files"].items():  # type: ignore[union-attr]
        path = out / rel
        if not path.is_file() or sha256_bytes(path.read_bytes()) != info["sha256"]:
            return None
    return stamp


def save_stamp(out: Path, part: str, stamp: dict[str, object]) -> None:
    """Record a finished part."""
    write_bytes(out / STAMP_DIR / f"{part}.json", dumps_json(stamp).encode("utf-8"))


def dumps_json(obj: object) -> str:
    """Stable, readable JSON (sorted keys, two-space indent, final newline)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
