"""Fetching the paper's raw files (hub dataset files and plain URLs), resumable, and reading them
line by line (plain, .gz, or one member of a .tar.gz) without unpacking them to disk.

Only `fetch` touches the network. Hub files go through `huggingface_hub.hf_hub_download` into
`dest` (it resumes partial downloads); other URLs are streamed to `<name>.part` and resumed with
an HTTP Range request.
"""

from __future__ import annotations

import gzip
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 20


def parse_hf(source: str) -> tuple[str, str, str]:
    """`hf://datasets/{repo}@{revision}/{path}` -> (repo, revision, path)."""
    parts = source.removeprefix("hf://datasets/").split("/", 2)
    if not source.startswith("hf://datasets/") or len(parts) != 3 or "@" not in parts[1]:
        raise ValueError(f"not a hub dataset file URL (hf://datasets/o/n@rev/path): {source!r}")
    owner, name_rev, path = parts
    name, _, revision = name_rev.partition("@")
    return f"{owner}/{name}", revision, path


def local_name(source: str) -> str:
    """File name a source is stored under in the download folder."""
    if source.startswith("hf://"):
        return parse_hf(source)[2]
    return source.rstrip("/").rsplit("/", 1)[-1]


def fetch(source: str, dest: Path) -> Path:
    """Local path of `source` under `dest`, downloading what is missing."""
    target = dest / local_name(source)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.startswith("hf://"):
        from huggingface_hub import hf_hub_download  # paper runs only

        repo, revision, path = parse_hf(source)
        return Path(
            hf_hub_download(repo, path, repo_type="dataset", revision=revision, local_dir=dest)
        )
    if not source.startswith("https://"):
        raise ValueError(f"cannot fetch {source!r}: expected hf://datasets/... or https://...")
    _http_download(source, target)
    return target


def _http_download(url: str, target: Path) -> None:
    import requests

    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with requests.get(url, headers=headers, stream=True, timeout=60) as resp:
        if resp.status_code == 416:  # nothing left to fetch: the part file is complete
            os.replace(part, target)
            return
        resp.raise_for_status()
        mode = "ab" if have and resp.status_code == 206 else "wb"
        with part.open(mode) as out:
            for block in resp.iter_content(CHUNK):
                out.write(block)
    os.replace(part, target)


def open_lines(path: Path, member: str | None = None) -> Iterator[str]:
    """Lines of a plain, gzip, or tar.gz file (`member`: the file inside the archive)."""
    name = path.name
    if name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path, mode="r|gz") as tar:
            for info in tar:
                if info.isfile() and (member is None or info.name.endswith(member)):
                    handle = tar.extractfile(info)
                    assert handle is not None
                    yield from (raw.decode("utf-8") for raw in handle)  # stream mode: no seek
                    return
        raise FileNotFoundError(f"{path} has no member {member!r}")
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle
