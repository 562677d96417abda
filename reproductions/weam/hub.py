"""The paper profile's data through `datasets` (imported lazily): XNLI, SQuAD, MLQA, OPUS-100.

Parallel text comes from `refs["parallel"]` (OPUS-100) unless `refs["parallel:{lang}"]` names a
source for that language: OPUS-100 has no en-sw pair, so the paper profile reads Swahili from
OPUS ParaCrawl (`PARALLEL_OVERRIDES`). A source with only a train split carries `held_out`
({"dev": n, "test": n}): dev and test are carved from it by a content hash (`carve`), so a repeated
sentence pair never sits on both sides.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from reproductions.common.hashing import sha256_json, sha256_text
from reproductions.common.recipe import ConfigError
from reproductions.weam.data import ClsExample, QAExample

SPLITS = {"train": "train", "dev": "validation", "test": "test"}
"""Our split names -> the hub's."""
OPUS100_LANGUAGES = frozenset(
    "af am an ar as az be bg bn br bs ca cs cy da de dz el eo es et eu fa fi fr fy ga gd gl gu ha "
    "he hi hr hu hy id ig is it ja ka kk km kn ko ku ky li lt lv mg mk ml mn mr ms mt my nb ne nl "
    "nn no oc or pa pl ps pt ro ru rw se sh si sk sl sq sr sv ta te tg th tk tr tt ug uk ur uz vi "
    "wa xh yi yo zh zu".split()
)
"""Languages OPUS-100 pairs with English (its dataset card's en-X configs)."""
PARALLEL_OVERRIDES: dict[str, dict[str, Any]] = {
    "parallel:sw": {
        "path": "Helsinki-NLP/opus_paracrawl",
        "name": "en-sw",
        "held_out": {"dev": 2000, "test": 2000},
    },
}
"""Per-language parallel sources of the paper profile for XNLI languages OPUS-100 lacks
(ParaCrawl en-sw: about 132k pairs, train split only, same `translation` column)."""


def parallel_key(refs: dict[str, Any], lang: str) -> str:
    """The ref that gives `lang`'s parallel text; a language no ref covers is an error."""
    key = f"parallel:{lang}"
    if key in refs:
        return key
    if "opus-100" in str(refs.get("parallel", {}).get("path", "")).lower() and (
        lang not in OPUS100_LANGUAGES
    ):
        raise ConfigError(
            f"OPUS-100 has no en-{lang} pair: add hub_datasets[{key!r}] (a datasets ref with a "
            "`translation` column; `held_out` carves dev/test from a train-only set) or drop "
            f"{lang} from languages"
        )
    return "parallel"


def carve(
    pairs: list[tuple[str, str]], held_out: dict[str, int], split: str
) -> list[tuple[str, str]]:
    """Split a train-only corpus: the first `held_out["test"]` distinct pairs in sha256 order are
    test, the next `held_out["dev"]` dev, every other row train (in corpus order)."""
    order = sorted(set(pairs), key=lambda p: sha256_text(p[0] + "\t" + p[1]))
    n_test, n_dev = held_out.get("test", 0), held_out.get("dev", 0)
    test, dev = order[:n_test], order[n_test : n_test + n_dev]
    if split == "test":
        return test
    if split == "dev":
        return dev
    taken = set(test) | set(dev)
    return [p for p in pairs if p not in taken]


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
        ref.pop("held_out", None)
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
        key = parallel_key(self.refs, lang)
        held_out = self.refs[key].get("held_out")
        ds = self.load(key, "train" if held_out else split, lang=lang, pair=opus_pair(lang))
        if split == "train" and self.max_parallel_pairs and not held_out:
            ds = ds.select(range(min(len(ds), self.max_parallel_pairs)))
        pairs = [
            (t["en"], t[lang]) for t in ds["translation"] if t["en"].strip() and t[lang].strip()
        ]
        if held_out:
            pairs = carve(pairs, held_out, split)
            if split == "train" and self.max_parallel_pairs:
                pairs = pairs[: self.max_parallel_pairs]
        return pairs

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
