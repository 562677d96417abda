"""Tiny synthetic Debian packages (catalogs, help pages, dictionaries) and a fake apt, for tests."""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import stat
import sys
import tarfile
from html import escape
from pathlib import Path

from .config import BuildConfig
from .lexicon import BASE64_DIGITS
from .mo import write_mo
from .packages import sha256_file

_FAKE_APT = """#!{python}
import json, os, shutil, sys
registry = json.load(open({registry!r}))
tool = os.path.basename(sys.argv[0])
if tool == "apt-cache":
    names = [a for a in sys.argv[2:] if not a.startswith("-")]
    found = [n for n in names if n in registry]
    for n in found:
        r = registry[n]
        print("Package: " + n)
        print("Version: " + r["version"])
        print("Architecture: all")
        print("SHA256: " + r["sha256"])
        print()
    sys.exit(0 if found else 100)
name = sys.argv[2].split("=")[0]
if name not in registry:
    print("E: Unable to locate package " + name, file=sys.stderr)
    sys.exit(100)
shutil.copy(registry[name]["path"], os.getcwd())
"""


def _ar_entry(name: str, data: bytes) -> bytes:
    header = f"{name:<16}{0:<12}{0:<6}{0:<6}{0o100644:<8o}{len(data):<10}`\n".encode("ascii")
    return header + data + (b"\n" if len(data) % 2 else b"")


def _targz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        parents = {str(a) for p in files for a in Path(p).parents} - {"."}
        for directory in sorted(parents):
            info = tarfile.TarInfo("./" + directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for path in sorted(files):
            info = tarfile.TarInfo("./" + path)
            info.size, info.mode = len(files[path]), 0o644
            tar.addfile(info, io.BytesIO(files[path]))
    return gzip.compress(raw.getvalue(), mtime=0)


def write_deb(path: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """Write a minimal, valid .deb (gzip members) holding `files` (paths without leading /)."""
    control = f"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: test\n"
    body = (
        b"!<arch>\n"
        + _ar_entry("debian-binary", b"2.0\n")
        + _ar_entry("control.tar.gz", _targz({"control": control.encode()}))
        + _ar_entry("data.tar.gz", _targz(files))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def copyright_file(licence: str) -> bytes:
    """A machine-readable Debian copyright file with one `Files: *` stanza."""
    head = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
    return (head + f"Files: *\nCopyright: test\nLicense: {licence}\n").encode()


def gettext_package_files(
    name: str, catalogs: dict[str, list[tuple[str, str]]], charset: str = "utf-8"
) -> dict[str, bytes]:
    """Files of a package shipping one `.mo` catalog per language."""
    files = {f"usr/share/doc/{name}/copyright": copyright_file("GPL-3+")}
    for lang, entries in catalogs.items():
        files[f"usr/share/locale/{lang}/LC_MESSAGES/{name}.mo"] = write_mo(entries, charset)
    return files


def help_page(
    lang: str, title: str, units: list[tuple[str, str, str]], embedded: str = ""
) -> bytes:
    """A LibreOffice-style help page; `units` are (tag, id, text); `embedded` is raw HTML."""
    body = "".join(f'<{t} id="{i}" class="paragraph">{escape(x)}</{t}>\n' for t, i, x in units)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><title>{escape(title)}</title></head>'
        f'<body><div id="DisplayArea">\n<h1 id="hd_title">{escape(title)}</h1>\n'
        f'{body}<div class="embedded">{embedded}</div></div></body></html>\n'
    ).encode()


def help_package_files(
    name: str, code: str, pages: dict[str, tuple[str, list[tuple[str, str, str]]]]
) -> dict[str, bytes]:
    """Files of a help package; `pages` maps `module/page.html` to (title, units)."""
    files = {f"usr/share/doc/{name}/copyright": copyright_file("MPL-2.0")}
    for rel, (title, units) in pages.items():
        files[f"usr/share/libreoffice/help/{code}/text/{rel}"] = help_page(code, title, units)
    return files


def _b64(n: int) -> str:
    digits = {v: k for k, v in BASE64_DIGITS.items()}
    out = ""
    while True:
        out = digits[n % 64] + out
        n //= 64
        if not n:
            return out


def dictd_package_files(name: str, entries: list[tuple[str, str]]) -> dict[str, bytes]:
    """Files of a FreeDict package; `entries` are (index headword, entry text)."""
    blob, index = b"", []
    for headword, text in [("00databaseinfo", "metadata\n"), *entries]:
        data = text.encode()
        index.append(f"{headword}\t{_b64(len(blob))}\t{_b64(len(data))}")
        blob += data
    code = name.removeprefix("dict-freedict-")
    return {
        f"usr/share/doc/{name}/copyright": copyright_file("GPL-2+"),
        f"usr/share/dictd/freedict-{code}.index": ("\n".join(index) + "\n").encode(),
        f"usr/share/dictd/freedict-{code}.dict.dz": gzip.compress(blob, mtime=0),
    }


def fake_apt(bin_dir: Path, debs: dict[str, tuple[str, Path]]) -> Path:
    """Install `apt-get`/`apt-cache` stand-ins serving `debs` (name -> (version, .deb))."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    registry = bin_dir / "registry.json"
    registry.write_text(
        json.dumps(
            {
                n: {"version": v, "path": str(p), "sha256": sha256_file(p)}
                for n, (v, p) in debs.items()
            }
        )
    )
    script = _FAKE_APT.format(python=sys.executable, registry=str(registry))
    for tool in ("apt-get", "apt-cache"):
        path = bin_dir / tool
        path.write_text(script)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


_VOCAB = {
    "scalc": "cell formula sheet column row sum range value function pivot",
    "swriter": "paragraph page style text font footnote heading frame index bookmark",
    "simpress": "slide animation layout presentation master transition notes outline effect",
    "shared": "option dialog toolbar menu file window print macro export setting",
}
_GLUE = ("the", "a", "to", "of", "and", "you", "can", "in", "this", "with", "for")
_NOUNS = ("file", "folder", "image", "layer", "path", "window", "buffer", "commit", "branch")
COMMON_PARAGRAPH = "Choose Tools - Options to change the settings of this document."
"""A paragraph that every synthetic page shares, so leakage control has something to remove."""


def _translate(text: str, lang: str) -> str:
    """A stand-in translation: a suffix on every word (placeholders and tags left alone)."""
    suffix = {"de": "en", "fr": "é"}[lang]
    return re.sub(r"(?<![%<A-Za-z/])([A-Za-z]+)", lambda m: m.group(1) + suffix, text)


def _sentence(rng: random.Random, words: list[str]) -> str:
    picked = [rng.choice(words if i % 2 == 0 else _GLUE) for i in range(rng.randint(8, 14))]
    return " ".join(picked).capitalize() + "."


def synthetic_sources(directory: Path, pages_per_module: int = 12) -> dict[str, tuple[str, Path]]:
    """Write every package a small build needs into `directory`; returns name -> (version, deb).

    Use with `synthetic_config()` and `fake_apt()`; the output has the real layout.
    """
    rng = random.Random(7)
    pages: dict[str, dict[str, tuple[str, list[tuple[str, str, str]]]]] = {
        "en": {},
        "de": {},
        "fr": {},
    }
    for module, vocab in _VOCAB.items():
        words = vocab.split()
        for i in range(pages_per_module):
            rel = f"{module}/guide/page{i:02d}.html"
            title = f"{words[i % len(words)].capitalize()} {words[(i * 3 + 1) % len(words)]} {i}"
            units = [("h2", f"hd_{module}{i}", f"{words[i % len(words)].capitalize()} basics")]
            for j in range(4):
                units.append(("p", f"par_{module}{i}_{j}", _sentence(rng, words)))
            units.append(("p", "par_common", COMMON_PARAGRAPH))
            pages["en"][rel] = (title, units)
            for lang in ("de", "fr"):
                translated = [(t, uid, _translate(x, lang)) for t, uid, x in units]
                if i == 0:  # an untranslated paragraph, as real help packages have
                    translated[1] = units[1]
                pages[lang][rel] = (_translate(title, lang), translated)
    messages = ["Open"]  # too short: filtered out
    for noun in _NOUNS:
        messages.append(f"Cannot open the {noun} %s for reading")
        messages.append(f"_Save the current {noun} as a new copy")
        messages.append(f"Delete the <b>selected</b> {noun} and all of its parts")
    catalogs: dict[str, list[tuple[str, str]]] = {}
    for lang in ("de", "fr"):
        catalogs[lang] = [(m, _translate(m, lang)) for m in messages]
        singular, plural = (
            "%d file was deleted from the disk",
            "%d files were deleted from the disk",
        )
        catalogs[lang].append(
            (
                f"{singular}\x00{plural}",
                f"{_translate(singular, lang)}\x00{_translate(plural, lang)}",
            )
        )
    dictionaries = {
        "deu": [
            ("cat", "cat /kæt/\n1. Katze <f>\n2. Kater <m>\n"),
            ("give up", "give up /ɡɪv ʌp/\naufgeben\n"),
            ("house", "house /haʊs/\nHaus <n>, Gebäude <n> [arch.]\n   Synonym: {home}\n"),
            ("run", "run /rʌn/\nlaufen, davon laufen\n"),
        ],
        "fra": [
            ("cat", "cat /kæt/\nchat\n"),
            ("house", "house /haʊs/\n1. maison\n2. domicile, foyer\n"),
        ],
    }
    debs: dict[str, tuple[str, Path]] = {}

    def add(name: str, files: dict[str, bytes]) -> None:
        debs[name] = ("1.0-1", write_deb(directory / f"{name}_1.0-1_all.deb", name, "1.0-1", files))

    add("synthetic-l10n", gettext_package_files("synthetic-l10n", catalogs))
    for lang, code in (("en", "en-US"), ("de", "de"), ("fr", "fr")):
        name = f"synthetic-help-{code.lower()}"
        add(name, help_package_files(name, code, pages[lang]))
    for code, entries in dictionaries.items():
        name = f"synthetic-dict-eng-{code}"
        add(name, dictd_package_files(name, entries))
    return debs


def synthetic_config(**overrides: object) -> BuildConfig:
    """A BuildConfig for the packages of `synthetic_sources()`, sized for tests."""
    values: dict[str, object] = {
        "gettext_packages": ("synthetic-l10n",),
        "help_packages": {
            "en": "synthetic-help-en-us",
            "de": "synthetic-help-de",
            "fr": "synthetic-help-fr",
        },
        "lexicon_packages": {"de": "synthetic-dict-eng-deu", "fr": "synthetic-dict-eng-fra"},
        "test_fraction": 0.25,
        "dev_fraction": 0.15,
        "parallel_dev": 3,
        "parallel_test": 3,
        "cls_modules": ("scalc", "simpress", "swriter"),
        "cls_chunk_words": 20,
        "cls_max_words": 40,
        "cls_min_words": 5,
        "ir_doc_words": 40,
        "ir_min_doc_words": 5,
        "ir_depth": 10,
    }
    values.update(overrides)
    return BuildConfig(**values)  # type: ignore[arg-type]
