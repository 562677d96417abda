"""Files in the papers folder: written next to their place, then renamed in with normal modes."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

FILE_MODE = 0o644
"""Mode of stored files before the umask (mkstemp alone would leave them 0600)."""


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def temp_beside(dest: Path) -> Path:
    """A new empty hidden file in dest's folder (same file system, so the rename is atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def copy_to_temp(src: Path, dest: Path) -> Path:
    """A copy of src in a temporary file beside dest, synced to disk."""
    tmp = temp_beside(dest)
    try:
        with src.open("rb") as inp, tmp.open("wb") as out:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def publish(tmp: Path, dest: Path) -> None:
    """Give tmp the normal file mode and rename it over dest in one step."""
    os.chmod(tmp, FILE_MODE & ~current_umask())
    os.replace(tmp, dest)


def sha256_of(path: Path) -> tuple[str, int]:
    """sha256 and size of a file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
