"""Build the mini benchmark: fetch packages, run the parts whose inputs changed, write manifest."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from . import debfile
from .classification import build_cls
from .config import FORMAT_VERSION, BuildConfig
from .errors import MinibenchError, MissingPackagesError
from .helpcorpus import AlignedPage, held_out_keys, load_pages
from .helpdocs import find_help_root
from .leakage import audit
from .lexicon import find_dictd, rank_by_cooccurrence, read_dictd, single_word_pairs
from .outputs import (
    STAMP_DIR,
    dumps_json,
    remove_stale,
    save_stamp,
    stamp_is_current,
    write_bytes,
    write_files,
)
from .packages import Package, PackageCache
from .parallel import build_parallel, gettext_pairs, help_pairs
from .retrieval import build_ir
from .splits import SPLITS, page_split

PARTS = {"help": ["cls", "ir"], "parallel": ["parallel"], "lexicon": ["lexicon"]}
"""Build parts and the output directories each one owns."""

Log = Callable[[str], None]


def code_sha256() -> str:
    """Hash of the builder's source, so a code change rebuilds every part."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def _stderr_log() -> Log:
    """Progress messages on stderr, with seconds since the start."""
    start = time.monotonic()
    return lambda message: print(f"[{time.monotonic() - start:6.1f}s] {message}", file=sys.stderr)


class _Builder:
    """State shared by the parts of one build."""

    def __init__(self, out: Path, config: BuildConfig, packages: dict[str, Package], log: Log):
        self.out = out
        self.config = config
        self.packages = packages
        self.log = log
        self._pages: dict[str, list[AlignedPage]] | None = None
        self._held_out: set[str] | None = None
        self._parallel: dict[str, list[str]] | None = None

    def pages(self) -> tuple[dict[str, list[AlignedPage]], set[str]]:
        """Help pages by split and the held-out (dev + test) text keys; parsed once."""
        if self._pages is None:
            roots = {}
            for lang in ["en", *self.config.languages]:
                name = self.config.help_packages[lang]
                root = find_help_root(self.packages[name].tree, lang)
                if root is None:
                    raise MinibenchError(f"{name} has no usr/share/libreoffice/help/<{lang}>/text")
                roots[lang] = root
            self.log("parsing help pages")
            c = self.config
            split: dict[str, list[AlignedPage]] = {s: [] for s in SPLITS}
            for page in load_pages(roots):
                which = page_split(page.path, c.split_salt, c.test_fraction, c.dev_fraction)
                split[which].append(page)
            self._pages = split
            self._held_out = held_out_keys(split["dev"] + split["test"])
        assert self._held_out is not None
        return self._pages, self._held_out

    def part_help(self) -> tuple[dict[str, list[str]], dict[str, object]]:
        """cls and ir files, which share the page split."""
        pages, held_out = self.pages()
        self.log("building cls")
        cls_files, cls_stats = build_cls(pages, self.config, held_out)
        self.log("building ir (BM25 runs)")
        ir_files, ir_stats = build_ir(pages, self.config, held_out)
        page_counts = {s: len(pages[s]) for s in SPLITS}
        return {**cls_files, **ir_files}, {"cls": cls_stats, "ir": ir_stats, "pages": page_counts}

    def part_parallel(self) -> tuple[dict[str, list[str]], dict[str, object]]:
        """parallel files from gettext catalogs and train help pages."""
        pages, held_out = self.pages()
        trees = [(name, self.packages[name].tree) for name in self.config.gettext_packages]
        stats: dict[str, Counter[str]] = {lang: Counter() for lang in self.config.languages}
        gettext, prose = {}, {}
        for lang in self.config.languages:
            self.log(f"reading gettext catalogs ({lang})")
            gettext[lang] = gettext_pairs(trees, lang, self.config, stats[lang])
            prose[lang] = help_pairs(pages["train"], lang, self.config, held_out, stats[lang])
        files = build_parallel(gettext, prose, self.config, held_out, stats)
        self._parallel = files
        return files, {"parallel": {lang: dict(sorted(c.items())) for lang, c in stats.items()}}

    def parallel_train(self, lang: str) -> list[tuple[str, str]]:
        """The (en, lang) training pairs, from this build's parallel part or built again."""
        if self._parallel is None:
            self.part_parallel()
        assert self._parallel is not None
        rows = map(json.loads, self._parallel[f"parallel/{lang}.train.jsonl"])
        return [(row["en"], row[lang]) for row in rows]

    def part_lexicon(self) -> tuple[dict[str, list[str]], dict[str, object]]:
        """MUSE lexicons from the FreeDict dictionaries."""
        files, stats = {}, {}
        for lang in self.config.languages:
            name = self.config.lexicon_packages[lang]
            found = find_dictd(self.packages[name].tree)
            if found is None:
                raise MinibenchError(f"{name} has no usr/share/dictd/*.index with its .dict(.dz)")
            self.log(f"reading {name}")
            counter: Counter[str] = Counter()
            pairs = single_word_pairs(read_dictd(*found), counter)
            pairs = rank_by_cooccurrence(pairs, self.parallel_train(lang), counter)
            files[f"lexicon/en-{lang}.txt"] = [f"{src} {tgt}" for src, tgt in pairs]
            counter["pairs"] = len(pairs)
            counter["source_words"] = len({src for src, _ in pairs})
            stats[lang] = dict(sorted(counter.items()))
        return files, {"lexicon": stats}


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock file, so concurrent builds on one cache wait for each other."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _needs(config: BuildConfig) -> dict[str, list[str]]:
    """The packages each part reads."""
    help_names = [config.help_packages[lang] for lang in ["en", *config.languages]]
    return {
        "help": help_names,
        "parallel": [*config.gettext_packages, *help_names],
        # Translations are ranked by co-occurrence in the parallel training pairs.
        "lexicon": [
            *[config.lexicon_packages[lang] for lang in config.languages],
            *config.gettext_packages,
            *help_names,
        ],
    }


def _check_out_dir(out: Path) -> None:
    """Refuse to write into a non-empty directory that a build did not make."""
    ours = (out / "manifest.json").exists() or (out / STAMP_DIR).exists()
    if out.exists() and any(out.iterdir()) and not ours:
        raise MinibenchError(
            f"{out} is not empty and holds no minibench build; choose an empty directory"
        )


def build(
    out: Path,
    cache: Path,
    config: BuildConfig | None = None,
    *,
    force: bool = False,
    log: Log | None = None,
) -> dict[str, object]:
    """Build (or bring up to date) the data set in `out`, using `cache` for packages.

    Returns the manifest. Parts whose inputs are unchanged are skipped, so a re-run is a
    no-op. Raises MissingPackagesError (after building what it can) when packages are missing.
    """
    config = config or BuildConfig()
    log = log or _stderr_log()
    out, cache = Path(out), Path(cache)
    with _exclusive(cache / ".lock"):
        return _build(out, cache, config, force, log)


def _build(out: Path, cache: Path, config: BuildConfig, force: bool, log: Log) -> dict[str, object]:
    """`build` with the cache locked."""
    _check_out_dir(out)
    out.mkdir(parents=True, exist_ok=True)
    needs = _needs(config)
    names = list(dict.fromkeys(n for part in PARTS for n in needs[part]))
    package_cache = PackageCache(cache, log)
    packages, missing = package_cache.get(names)
    builder = _Builder(out, config, packages, log)
    code = code_sha256()
    built, skipped, stamps, rebuilt = [], [], {}, False
    for part, dirs in PARTS.items():
        if any(name in missing for name in needs[part]):
            skipped.append(part)
            continue
        fingerprint = hashlib.sha256(
            json.dumps(
                {
                    "part": part,
                    "format": FORMAT_VERSION,
                    "code": code,
                    "config": config.as_dict(),
                    "packages": [(n, packages[n].sha256) for n in needs[part]],
                },
                sort_keys=True,
            ).encode()
        ).hexdigest()
        stamp = None if force else stamp_is_current(out, part, fingerprint)
        if stamp is None:
            log(f"part {part}: building")
            files, stats = getattr(builder, f"part_{part}")()
            summary = write_files(out, files)
            remove_stale(out, dirs, set(summary))
            stamp = {"fingerprint": fingerprint, "files": summary, "stats": stats}
            save_stamp(out, part, stamp)
            rebuilt = True
        else:
            log(f"part {part}: up to date")
        stamps[part] = stamp
        built.append(part)
    if missing:
        raise MissingPackagesError(missing, str(cache), built, skipped)
    licence_from = _licence_sources(package_cache, packages)
    return _write_manifest(out, config, code, packages, licence_from, needs, stamps, rebuilt, log)


def _read_manifest(out: Path) -> dict[str, object] | None:
    """The manifest of a previous build, if readable."""
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _licence_sources(cache: PackageCache, packages: dict[str, Package]) -> dict[str, Package]:
    """For packages whose doc directory links to another package's (gcc-12-locales ->
    gcc-12-base), that package, fetched only to read its copyright file; best effort."""
    links = {}
    for name, pkg in packages.items():
        target = debfile.doc_link(pkg.tree, name)
        if target and not (pkg.tree / "usr/share/doc" / target / "copyright").is_file():
            links[name] = target
    found, _missing = cache.get(sorted(set(links.values())))
    return {name: found[target] for name, target in links.items() if target in found}


def _write_manifest(
    out: Path,
    config: BuildConfig,
    code: str,
    packages: dict[str, Package],
    licence_from: dict[str, Package],
    needs: dict[str, list[str]],
    stamps: dict[str, dict[str, object]],
    rebuilt: bool,
    log: Log,
) -> dict[str, object]:
    """Audit the output (unless nothing changed), then write manifest.json if its bytes change."""
    files: dict[str, object] = {}
    stats: dict[str, object] = {}
    for stamp in stamps.values():
        files.update(stamp["files"])  # type: ignore[arg-type]
        stats.update(stamp["stats"])  # type: ignore[arg-type]
    previous = _read_manifest(out)
    if not rebuilt and previous and previous.get("files") == files:
        leakage = previous["leakage"]
    else:
        leakage = audit(out)
    if leakage["page_overlaps"] or leakage["text_overlaps"]:
        raise MinibenchError(f"leakage audit failed: {leakage}")
    sources = {}
    for name, pkg in sorted(packages.items()):
        licence = debfile.licences(pkg.tree, name)
        if name in licence_from:
            other = licence_from[name]
            licence = debfile.licences(other.tree, other.name)
            licence["licence_note"] = (
                f"copyright file of {other.name} {other.version} (sha256 {other.sha256}), "
                f"which usr/share/doc/{name} links to"
            )
        sources[name] = {
            "version": pkg.version,
            "architecture": pkg.architecture,
            "deb": pkg.deb.name,
            "sha256": pkg.sha256,
            "used_for": [part for part in PARTS if name in needs[part]],
            **licence,
        }
    manifest = {
        "name": "minibench",
        "format_version": FORMAT_VERSION,
        "builder": {"module": "reproductions.minibench", "code_sha256": code},
        "languages": ["en", *config.languages],
        "parameters": config.as_dict(),
        "packages": sources,
        "files": files,
        "stats": stats,
        "leakage": leakage,
    }
    text = dumps_json(manifest)
    if write_bytes(out / "manifest.json", text.encode("utf-8")):
        log("wrote manifest.json")
    return json.loads(text)
