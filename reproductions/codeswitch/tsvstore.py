"""Random access to `id<TAB>text` files without loading them: an id -> byte-offset index on disk.

mMARCO's collections hold about 8.8M passages per language (several GB of text each). A dict of
them per language does not fit in memory, and a JSONL copy doubles the disk. A `TsvStore` reads
the raw file once to write `<file>.idx.npz` (sorted integer ids and their line offsets, 16 bytes
per line), then serves `store[id]` by one seek and one line read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np


class TsvFormatError(ValueError):
    """A line of an `id<TAB>text` file that cannot be read, named by file and line."""


def index_path(path: Path) -> Path:
    """Where the offset index of `path` is kept."""
    return path.with_name(path.name + ".idx.npz")


def build_index(path: str | Path) -> Path:
    """Write the index of `path` (ids must be integers; a repeated id keeps its first line)."""
    path = Path(path)
    ids: list[int] = []
    offsets: list[int] = []
    with path.open("rb") as handle:
        offset = 0
        for number, line in enumerate(handle, start=1):
            head, tab, _ = line.partition(b"\t")
            if line.strip() and (not tab or not head.strip().isdigit()):
                raise TsvFormatError(
                    f"{path}:{number}: expected `<integer id><TAB><text>`, got {line[:60]!r}"
                )
            if tab:
                ids.append(int(head))
                offsets.append(offset)
            offset += len(line)
    id_arr = np.asarray(ids, dtype=np.int64)
    off_arr = np.asarray(offsets, dtype=np.int64)
    order = np.argsort(id_arr, kind="stable")
    id_arr, off_arr = id_arr[order], off_arr[order]
    first = np.ones(len(id_arr), dtype=bool)
    first[1:] = id_arr[1:] != id_arr[:-1]
    out = index_path(path)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez(tmp, ids=id_arr[first], offsets=off_arr[first], size=np.int64(path.stat().st_size))
    os.replace(tmp, out)
    return out


class TsvStore(Mapping[str, str]):
    """Read-only mapping id -> text over an `id<TAB>text` file, backed by its offset index."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no such file: {self.path}")
        idx = index_path(self.path)
        if not idx.is_file() or not self._index_matches(idx):
            build_index(self.path)
        with np.load(idx) as data:
            self._ids = data["ids"]
            self._offsets = data["offsets"]
        self._handle = None

    def _index_matches(self, idx: Path) -> bool:
        with np.load(idx) as data:
            return int(data["size"]) == self.path.stat().st_size

    def _position(self, key: object) -> int:
        try:
            value = int(key)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return -1
        pos = int(np.searchsorted(self._ids, value))
        return pos if pos < len(self._ids) and self._ids[pos] == value else -1

    def __getitem__(self, key: object) -> str:
        pos = self._position(key)
        if pos < 0:
            raise KeyError(key)
        if self._handle is None:
            self._handle = self.path.open("rb")
        self._handle.seek(int(self._offsets[pos]))
        line = self._handle.readline().decode("utf-8")
        return line.partition("\t")[2].rstrip("\r\n")

    def __contains__(self, key: object) -> bool:
        return self._position(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in self._ids.tolist())

    def texts(self) -> Iterator[str]:
        """Every text in file order, read sequentially (for vocabularies over a whole file)."""
        with self.path.open("rb") as handle:
            for line in handle:
                head, tab, text = line.decode("utf-8").partition("\t")
                if tab:
                    yield text.rstrip("\r\n")

    def __len__(self) -> int:
        return len(self._ids)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_handle": None}  # file handles do not cross processes
