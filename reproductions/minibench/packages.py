"""Find, download (`apt-get download`) and unpack Debian packages into a cache directory."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import debfile


@dataclass(frozen=True)
class Package:
    """A source package unpacked in the cache."""

    name: str
    """Debian package name."""
    version: str
    """Debian version, with epoch."""
    architecture: str
    """`all` or the machine architecture."""
    sha256: str
    """sha256 of the .deb file."""
    deb: Path
    """The cached .deb file."""
    tree: Path
    """Directory the package was unpacked into."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def apt_records(names: list[str]) -> dict[str, dict[str, str]]:
    """Candidate-version archive records from one `apt-cache show` call; unknown names absent."""
    if not names:
        return {}
    done = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", *names], capture_output=True, text=True
    )
    records: dict[str, dict[str, str]] = {}
    for stanza in done.stdout.split("\n\n"):
        fields = debfile.parse_fields(stanza)
        name = fields.get("Package", "")
        if name in names and fields.get("Version") and name not in records:
            records[name] = fields
    return records


class PackageCache:
    """Cache layout: `debs/` holds .deb files, `root/<deb name>/` their unpacked trees."""

    def __init__(self, cache: Path, log: Callable[[str], None] = lambda _m: None) -> None:
        self.cache = cache
        self.debs = cache / "debs"
        self.root = cache / "root"
        self.log = log
        self.has_apt = bool(shutil.which("apt-get") and shutil.which("apt-cache"))
        self._hashes: dict[tuple[str, int, int], str] = {}

    def sha256(self, path: Path) -> str:
        """sha256 of a cached file, hashed once per build."""
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = sha256_file(path)
        return self._hashes[key]

    def _cached_debs(self, name: str) -> list[Path]:
        return sorted(self.debs.glob(f"{name}_*.deb"))

    def locate(self, name: str, record: dict[str, str] | None) -> Path:
        """The .deb for `name`: cached if it matches apt's candidate `record`, else downloaded.

        Raises LookupError with the reason when the package cannot be had.
        """
        cached = self._cached_debs(name)
        if not self.has_apt:
            if len(cached) == 1:
                return cached[0]
            if cached:
                raise LookupError(
                    f"several versions in {self.debs} ({', '.join(p.name for p in cached)}); "
                    "keep one"
                )
            raise LookupError("apt-get/apt-cache not found and no .deb in the cache")
        if record is None:
            if len(cached) == 1:
                self.log(f"{name}: not in the apt archive, using cached {cached[0].name}")
                return cached[0]
            raise LookupError("not in the apt archive (apt-cache show found no candidate)")
        expected = record.get("SHA256", "").lower()
        for path in cached:
            if not expected or self.sha256(path) == expected:
                return path
        fresh = self._download(name, record["Version"], expected)
        for old in cached:  # other versions, or a corrupt copy: drop them and their trees
            if old != fresh:
                old.unlink(missing_ok=True)
            shutil.rmtree(self.root / old.name.removesuffix(".deb"), ignore_errors=True)
        return fresh

    def _download(self, name: str, version: str, expected: str) -> Path:
        """`apt-get download name=version` into the cache, checked against apt's sha256."""
        partial = self.debs / ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        self.log(f"apt-get download {name}={version}")
        done = subprocess.run(
            ["apt-get", "download", f"{name}={version}"],
            cwd=partial,
            capture_output=True,
            text=True,
        )
        files = sorted(partial.glob("*.deb"))
        if done.returncode != 0 or len(files) != 1:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no .deb written"]
            raise LookupError(f"apt-get download failed: {tail[0]}")
        if expected and self.sha256(files[0]) != expected:
            raise LookupError("downloaded file does not match the archive's sha256")
        target = self.debs / files[0].name
        files[0].replace(target)
        shutil.rmtree(partial, ignore_errors=True)
        return target

    def unpack(self, deb: Path) -> Package:
        """Unpack a .deb once (atomically) and describe it."""
        fields = debfile.control_fields(deb)
        tree = self.root / deb.name.removesuffix(".deb")
        if not (tree / ".unpacked").exists():
            tmp = tree.with_name(tree.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(tree, ignore_errors=True)
            self.log(f"unpacking {deb.name}")
            debfile.extract(deb, tmp)
            (tmp / ".unpacked").write_text("ok\n")
            tmp.rename(tree)
        return Package(
            name=fields["Package"],
            version=fields["Version"],
            architecture=fields.get("Architecture", ""),
            sha256=self.sha256(deb),
            deb=deb,
            tree=tree,
        )

    def get(self, names: list[str]) -> tuple[dict[str, Package], dict[str, str]]:
        """Locate and unpack each package; returns (found, missing name -> reason)."""
        found: dict[str, Package] = {}
        missing: dict[str, str] = {}
        self.debs.mkdir(parents=True, exist_ok=True)
        records = apt_records(names) if self.has_apt else {}
        for name in names:
            try:
                found[name] = self.unpack(self.locate(name, records.get(name)))
            except (LookupError, debfile.DebFormatError) as err:
                missing[name] = str(err)
        return found, missing
