"""Read Debian .deb archives: control fields, licences, and extraction of the file tree."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

_AR_MAGIC = b"!<arch>\n"


class DebFormatError(ValueError):
    """Raised when a file is not a readable .deb archive."""


def ar_members(path: Path) -> dict[str, tuple[int, int]]:
    """Map each member name of an `ar` archive to its (offset, size)."""
    members: dict[str, tuple[int, int]] = {}
    with open(path, "rb") as f:
        if f.read(8) != _AR_MAGIC:
            raise DebFormatError(f"{path}: not an ar archive")
        while True:
            header = f.read(60)
            if len(header) < 60:
                break
            name = header[:16].decode("ascii").strip().rstrip("/")
            size = int(header[48:58].decode("ascii").strip())
            members[name] = (f.tell(), size)
            f.seek(size + (size % 2), os.SEEK_CUR)
    return members


def _member_tar(path: Path, prefix: str) -> tarfile.TarFile:
    """Open the `control.tar.*` or `data.tar.*` member of a .deb as a tar archive."""
    for name, (offset, size) in ar_members(path).items():
        if name.startswith(prefix):
            if name.endswith(".zst"):
                raise DebFormatError(f"{path}: {name} is zstd-compressed; install dpkg-deb")
            with open(path, "rb") as f:
                f.seek(offset)
                blob = f.read(size)
            return tarfile.open(fileobj=io.BytesIO(blob), mode="r:*")
    raise DebFormatError(f"{path}: no {prefix}* member")


def control_fields(path: Path) -> dict[str, str]:
    """The fields of the package's `control` file (Package, Version, Architecture, ...)."""
    with _member_tar(path, "control.tar") as tar:
        for member in tar.getmembers():
            if member.name.lstrip("./") == "control":
                handle = tar.extractfile(member)
                if handle is None:
                    break
                return parse_fields(handle.read().decode("utf-8", errors="replace"))
    raise DebFormatError(f"{path}: control file missing")


def parse_fields(text: str) -> dict[str, str]:
    """Parse one RFC-822 style stanza (continuation lines folded into the value)."""
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        if line[0] in " \t" and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def extract(path: Path, dest: Path) -> None:
    """Unpack the package's files into `dest` with `dpkg-deb -x`, or in Python without it.

    The Python path (also taken when dpkg-deb fails, e.g. without `tar`) keeps regular files
    and directories only, which is all the text extraction needs.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if shutil.which("dpkg-deb"):
        done = subprocess.run(
            ["dpkg-deb", "-x", str(path), str(dest)], capture_output=True, text=True
        )
        if done.returncode == 0:
            return
        shutil.rmtree(dest)
        dest.mkdir(parents=True)
    with _member_tar(path, "data.tar") as tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if name.startswith(("..", "/")) or not (member.isfile() or member.isdir()):
                continue
            member.name = name
            tar.extract(member, dest, set_attrs=False, filter="fully_trusted")


_LICENSE = re.compile(r"^License:\s*(.+?)\s*$", re.MULTILINE)


def doc_link(tree: Path, package: str) -> str | None:
    """The package whose doc directory `usr/share/doc/<package>` links to, if it is a link."""
    doc = tree / "usr" / "share" / "doc" / package
    if not doc.is_symlink():
        return None
    target = os.readlink(doc)
    return target if "/" not in target else None


def licences(tree: Path, package: str) -> dict[str, object]:
    """Licence summary from the package's Debian copyright file, if it ships one."""
    doc = tree / "usr" / "share" / "doc" / package
    copyright_file = doc / "copyright"
    if not copyright_file.is_file():
        note = "no copyright file in the package"
        if doc.is_symlink():
            note += f" (usr/share/doc/{package} links to {os.readlink(doc)})"
        return {"licence": None, "licences": [], "licence_note": note}
    text = copyright_file.read_text(encoding="utf-8", errors="replace")
    names = sorted({m.group(1) for m in _LICENSE.finditer(text)})
    return {"licence": main_licence(text, package), "licences": names, "licence_note": None}


def main_licence(text: str, package: str) -> str | None:
    """The licence of the package's own files in a copyright file.

    In the machine-readable format that is the `Files: *` stanza, or, in copyright files
    shared by several packages (FreeDict's), the stanza for the directory the package is
    named after (`eng-deu/*` for dict-freedict-eng-deu); otherwise the first `License:`.
    """
    whole = specific = None
    for stanza in re.split(r"\n\s*\n", text):
        fields = parse_fields(stanza)
        if "Files" not in fields or "License" not in fields:
            continue
        licence = fields["License"].split("\n", 1)[0].strip()
        patterns = fields["Files"].split()
        if "*" in patterns and whole is None:
            whole = licence
        dirs = {p.split("/", 1)[0] for p in patterns if "/" in p}
        if specific is None and any(package == d or package.endswith("-" + d) for d in dirs):
            specific = licence
    if whole or specific:
        return whole or specific
    first = _LICENSE.search(text)
    return first.group(1) if first else free_form_licence(text)


_FREE_FORM = re.compile(
    r"GNU (Lesser |Library )?General\s+Public\s+License[^.]{0,120}?\bversion\s+(\d(?:\.\d)?)"
    r"(,?\s+or\s+\(at\s+your\s+option\)\s+any\s+later|\s+or\s+later)?",
    re.IGNORECASE,
)


def free_form_licence(text: str) -> str | None:
    """(L)GPL name and version from the first licence grant of a free-form copyright file."""
    found = _FREE_FORM.search(text)
    if not found:
        return None
    kind = "LGPL" if found.group(1) else "GPL"
    plus = "+" if found.group(3) else ""
    return f"{kind}-{found.group(2)}{plus} (free-form copyright file)"
