"""The paper profile's data through `datasets` (imported lazily): XNLI, SQuAD, MLQA, OPUS-100."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from reproductions.common.hashing import sha256_json
from reproductions.common.recipe import ConfigError
from reproductions.weam.data import ClsExample, QAExample

SPLITS = {"train": "train", "dev": "validation", "test": "test"}
"""Our split names -> the hub's."""


def _fill(value: Any, fields: dict[str, str]) -> Any:
    """Format `{lang}`/`{pair}` in every string of a (nested) ref."""
    if isinstance(value, str):
        return value.format(**fields)
    if isinstance(value, dict):
        return {k: _fill(v, fields) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, fields) for v in value]
    return value


def opus_pair(lang: str) -> str:
    """OPUS-100 config name: the two codes in alphabetical order (de-en, en-fr)."""
    return "-".join(sorted(["en", lang]))


@dataclass
class HubSource:
    """Data sets named by `datasets.load_dataset` refs (see config.HUB_DATASETS)."""

    refs: dict[str, dict[str, Any]]
    max_parallel_pairs: int | None = None
    name: str = "XNLI / SQuAD v1.1 / MLQA / OPUS-100 via datasets (paper)"
    loaded: dict[str, dict[str, Any]] = field(default_factory=dict)

    def identity(self) -> str:
        """Hash of the refs (data set names, configs, revisions, local files)."""
        return sha256_json({"refs": self.refs})

    def load(self, key: str, split: str, **fields: str) -> Any:
        """`datasets.load_dataset` of ref `key` for one split."""
        try:
            import datasets
        except ImportError as exc:
            raise ConfigError("the paper profile needs `datasets` (pip install .[paper])") from exc
        if key not in self.refs:
            raise ConfigError(f"hub_datasets has no {key!r} entry")
        ref = _fill(copy.deepcopy(self.refs[key]), fields)
        path = ref.pop("path")
        hub_split = SPLITS.get(split, split)
        ds = datasets.load_dataset(path, split=hub_split, **ref)
        self.loaded[f"{key}:{fields}:{split}"] = {
            "path": path,
            **ref,
            "split": hub_split,
            "rows": len(ds),
            "fingerprint": getattr(ds, "_fingerprint", None),
        }
        return ds

    def parallel(self, lang: str, split: str, domain: str | None = None) -> list[tuple[str, str]]:
        """OPUS-100 pairs (`translation` column), training split capped at max_parallel_pairs."""
        if domain is not None:
            raise ConfigError(
                f"parallel_domain={domain!r}: hub_datasets['parallel'] has no domain markers"
            )
        ds = self.load("parallel", split, lang=lang, pair=opus_pair(lang))
        if split == "train" and self.max_parallel_pairs:
            ds = ds.select(range(min(len(ds), self.max_parallel_pairs)))
        return [
            (t["en"], t[lang]) for t in ds["translation"] if t["en"].strip() and t[lang].strip()
        ]

    def classification(self, lang: str, split: str) -> list[ClsExample]:
        """XNLI premise/hypothesis pairs (train splits of non-English configs are translations)."""
        ds = self.load("xnli", split, lang=lang)
        return [
            ClsExample(text=p, pair=h, label=str(y))
            for p, h, y in zip(ds["premise"], ds["hypothesis"], ds["label"], strict=True)
        ]

    def qa(self, lang: str, split: str) -> list[QAExample]:
        """SQuAD train (en), MLQA translate-train (other languages' train), MLQA dev/test."""
        if split == "train":
            ds = self.load("squad" if lang == "en" else "mlqa_translate_train", split, lang=lang)
        else:
            ds = self.load("mlqa", split, lang=lang)
        return [
            {
                "id": str(r["id"]),
                "question": r["question"],
                "context": r["context"],
                "answers": {
                    "text": list(r["answers"]["text"]),
                    "answer_start": [int(s) for s in r["answers"]["answer_start"]],
                },
            }
            for r in ds
        ]

    def provenance(self) -> dict[str, Any]:
        """Refs and, per loaded split, its rows and datasets fingerprint."""
        return {"refs": self.refs, "identity": self.identity(), "loaded": self.loaded}
