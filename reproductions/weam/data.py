"""The data a weam run reads, behind one interface: a local folder (smoke, mini) or the hub (paper).

A local folder has the minibench layout:

    parallel/{lang}.{train,dev,test}.jsonl   {"en": ..., "<lang>": ..., "domain": ...}
    cls/{en,lang}.{train,dev,test}.jsonl     {"text": ..., "label": ...}
    lexicon/en-{lang}.txt                    MUSE format (mbert+cs)
    manifest.json                            (not read here)

`domain` (messages | help) is optional unless a run sets parallel_domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reproductions.common.files import read_jsonl
from reproductions.common.hashing import manifest_hash
from reproductions.common.recipe import ConfigError


@dataclass
class ClsExample:
    """One classification input: a text (or a premise/hypothesis pair) and its label name."""

    text: str
    label: str
    pair: str | None = None


QAExample = dict[str, Any]
"""SQuAD format: {"id", "question", "context", "answers": {"text", "answer_start"}} (lists)."""


class DataSource(Protocol):
    """Where parallel, classification and QA data come from."""

    name: str
    """What the data stands in for, e.g. `minibench (mini)`."""

    def identity(self) -> str:
        """Hash that changes whenever the data may change; computable without downloading."""
        ...

    def parallel(self, lang: str, split: str, domain: str | None = None) -> list[tuple[str, str]]:
        """(English, lang) sentence pairs of a split (train, dev, test), of one domain if given."""
        ...

    def classification(self, lang: str, split: str) -> list[ClsExample]:
        """Labelled classification examples of a language and split."""
        ...

    def qa(self, lang: str, split: str) -> list[QAExample]:
        """QA examples (paper only): lang en/train is SQuAD, others MLQA (test, translate-train)."""
        ...

    def provenance(self) -> dict[str, Any]:
        """What was read, for result.json (files hash, dataset fingerprints, sizes)."""
        ...


@dataclass
class DirSource:
    """A data folder in the minibench layout."""

    root: Path
    name: str = "local data folder"
    read: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        if not (self.root / "parallel").is_dir() or not (self.root / "cls").is_dir():
            raise ConfigError(f"data folder {self.root} lacks parallel/ or cls/ (minibench layout)")
        self._hash: str | None = None
        self._cache: dict[Path, list[dict[str, Any]]] = {}

    def files(self) -> list[Path]:
        """Files that enter the data identity."""
        return sorted(p for sub in ("parallel", "cls") for p in (self.root / sub).rglob("*.jsonl"))

    def identity(self) -> str:
        """Manifest hash of parallel/ and cls/ (paths and contents)."""
        if self._hash is None:
            self._hash = manifest_hash(self.files(), self.root)
        return self._hash

    def _rows(self, path: Path) -> list[dict[str, Any]]:
        # Read once: the tokenizer, base pre-training and alignment all read the train pairs.
        if path not in self._cache:
            if not path.is_file():
                raise ConfigError(f"data folder {self.root} lacks {path.relative_to(self.root)}")
            self._cache[path] = list(read_jsonl(path))
            self.read[str(path.relative_to(self.root))] = len(self._cache[path])
        return self._cache[path]

    def parallel(self, lang: str, split: str, domain: str | None = None) -> list[tuple[str, str]]:
        """Pairs from parallel/{lang}.{split}.jsonl (only rows of `domain`, if given)."""
        path = self.root / "parallel" / f"{lang}.{split}.jsonl"
        rows = self._rows(path)
        if domain is not None:
            rows = _of_domain(rows, domain, path)
        # minibench names the second side by its language code; "xx" is accepted too.
        return [(r["en"], r[lang] if lang in r else r["xx"]) for r in rows]

    def classification(self, lang: str, split: str) -> list[ClsExample]:
        """Examples from cls/{lang}.{split}.jsonl."""
        rows = self._rows(self.root / "cls" / f"{lang}.{split}.jsonl")
        return [ClsExample(text=r["text"], label=str(r["label"]), pair=r.get("pair")) for r in rows]

    def qa(self, lang: str, split: str) -> list[QAExample]:
        """Local folders have no QA set."""
        raise ConfigError(f"{self.name} has no QA data")

    def provenance(self) -> dict[str, Any]:
        """Folder, identity and the row counts read."""
        return {"data_dir": str(self.root), "identity": self.identity(), "rows_read": self.read}


def _of_domain(rows: list[dict[str, Any]], domain: str, path: Path) -> list[dict[str, Any]]:
    unmarked = sum(1 for r in rows if "domain" not in r)
    if unmarked:
        raise ConfigError(
            f"parallel_domain={domain!r}, but {unmarked} of {len(rows)} rows of {path} have no "
            "'domain' field (rebuild the data with the current minibench, or unset parallel_domain)"
        )
    kept = [r for r in rows if r["domain"] == domain]
    if not kept:
        found = sorted({str(r["domain"]) for r in rows})
        raise ConfigError(f"parallel_domain={domain!r}: {path} has no such rows (domains: {found})")
    return kept


def label_names(examples: list[ClsExample]) -> list[str]:
    """Sorted label names (the label id is the index)."""
    return sorted({e.label for e in examples})


def base_corpus(
    pairs: dict[str, list[tuple[str, str]]], en_ratio: float | None
) -> tuple[list[str], dict[str, int]]:
    """Both sides of every pair, English deduplicated across languages; with `en_ratio` r, each
    target language keeps only its first round(n_en / r) sentences. Returns texts and counts."""
    n_en = len({en for lang_pairs in pairs.values() for en, _ in lang_pairs})
    seen: set[str] = set()
    texts: list[str] = []
    counts = {"en": 0, **{lang: 0 for lang in pairs}}
    for lang, lang_pairs in pairs.items():
        quota = len(lang_pairs) if en_ratio is None else round(n_en / en_ratio)
        for i, (en, xx) in enumerate(lang_pairs):
            if en not in seen:
                seen.add(en)
                texts.append(en)
                counts["en"] += 1
            if i < quota:
                texts.append(xx)
                counts[lang] += 1
    return texts, counts
