"""Build parameters of the mini benchmark, with their defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .bm25 import BM25Params
from .filters import PairFilter

FORMAT_VERSION = 1
"""Version of the output layout; bump when a file's meaning changes."""

GETTEXT_PACKAGES = (
    "coreutils",
    "gcc-12-locales",
    "gimp-data",
    "git",
    "grep",
    "inkscape",
    "postgresql-15",
    "tar",
    "util-linux-locales",
    "vim-runtime",
    "vlc-l10n",
)
HELP_PACKAGES = {
    "en": "libreoffice-help-en-us",
    "de": "libreoffice-help-de",
    "fr": "libreoffice-help-fr",
}
LEXICON_PACKAGES = {"de": "dict-freedict-eng-deu", "fr": "dict-freedict-eng-fra"}
CLS_MODULES = ("sbasic", "scalc", "schart", "sdatabase", "sdraw", "simpress", "smath", "swriter")


@dataclass(frozen=True)
class BuildConfig:
    """Everything that decides the output besides the package contents."""

    languages: tuple[str, ...] = ("de", "fr")
    """Languages paired with English."""
    gettext_packages: tuple[str, ...] = GETTEXT_PACKAGES
    """Packages whose `.mo` catalogs give parallel sentences, read in this order."""
    help_packages: dict[str, str] = field(default_factory=lambda: dict(HELP_PACKAGES))
    """LibreOffice help package per language (`en` plus every entry of `languages`)."""
    lexicon_packages: dict[str, str] = field(default_factory=lambda: dict(LEXICON_PACKAGES))
    """FreeDict English-X dictionary package per language."""
    pair_filter: PairFilter = field(default_factory=PairFilter)
    """Rules a parallel pair must pass (words, length ratio, letters)."""
    split_salt: str = "minibench-1"
    """Salt of the hashes that assign pages to splits and order every file."""
    test_fraction: float = 0.2
    """Share of help pages held out for cls/ir test."""
    dev_fraction: float = 0.1
    """Share of help pages held out for cls/ir dev."""
    parallel_dev: int = 1000
    """Gettext pairs per language in `parallel/*.dev.jsonl`."""
    parallel_test: int = 1000
    """Gettext pairs per language in `parallel/*.test.jsonl`."""
    cls_modules: tuple[str, ...] = CLS_MODULES
    """Help modules used as classification labels (`shared` is generic, so left out)."""
    cls_chunk_words: int = 48
    """A cls example gathers consecutive paragraphs until it has this many English words."""
    cls_max_words: int = 96
    """...without going past this many (a longer single paragraph stands alone)."""
    cls_min_words: int = 16
    """Examples with fewer English words are dropped."""
    cls_per_label: dict[str, int] = field(
        default_factory=lambda: {"train": 400, "dev": 50, "test": 150}
    )
    """Most examples per label and split (chosen by hash, so classes stay balanced)."""
    ir_doc_words: int = 160
    """A document is its page's paragraphs, title excluded, up to this many English words."""
    ir_min_doc_words: int = 20
    """Pages with fewer English body words are left out of `ir`."""
    ir_max_queries: dict[str, int] = field(
        default_factory=lambda: {"train": 100000, "dev": 200, "test": 300}
    )
    """Most queries per split (the collection keeps every page of the split)."""
    ir_depth: int = 100
    """Candidates per query in the BM25 runs."""
    bm25: BM25Params = field(default_factory=BM25Params)
    """BM25 constants of the first stage."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready parameters, as recorded in the manifest."""
        return asdict(self)
