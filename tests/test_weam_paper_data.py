"""weam paper data: every XNLI language of the paper profile has a parallel source (OPUS-100 has
no en-sw, so Swahili comes from ParaCrawl with dev/test carved out), read through a stand-in
`datasets` module laid out like the hub (a `translation` column per config)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from reproductions.common.recipe import ConfigError
from reproductions.weam.capabilities import XNLI_LANGUAGES
from reproductions.weam.config import HUB_DATASETS
from reproductions.weam.hub import (
    OPUS100_LANGUAGES,
    PARALLEL_OVERRIDES,
    HubSource,
    carve,
    parallel_key,
)


class FakeDataset:
    """The slice of `datasets.Dataset` the hub source uses."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows
        self._fingerprint = f"fake-{len(rows)}"

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, column: str) -> list[Any]:
        return [{"translation": r}[column] for r in self.rows]

    def select(self, indices: range) -> FakeDataset:
        return FakeDataset([self.rows[i] for i in indices])


@pytest.fixture
def hub(monkeypatch):
    calls: list[tuple[str, str, dict[str, Any]]] = []
    corpora = {
        ("Helsinki-NLP/opus-100", "de-en", "test"): [
            {"en": "a", "de": "A"},
            {"en": "b", "de": "B"},
        ],
        ("Helsinki-NLP/opus_paracrawl", "en-sw", "train"): [
            {"en": f"s{i}", "sw": f"S{i}"} for i in range(10)
        ]
        + [{"en": "s3", "sw": "S3"}, {"en": " ", "sw": "blank"}],
    }

    def load_dataset(path: str, split: str, **kwargs: Any) -> FakeDataset:
        calls.append((path, split, kwargs))
        return FakeDataset(corpora[(path, kwargs["name"], split)])

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))
    return calls


def test_opus100_lacks_swahili_and_the_paper_languages_are_covered() -> None:
    assert "sw" in XNLI_LANGUAGES and "sw" not in OPUS100_LANGUAGES
    with pytest.raises(ConfigError, match=r"no en-sw pair.*parallel:sw"):
        parallel_key(HUB_DATASETS, "sw")
    refs = {**HUB_DATASETS, **PARALLEL_OVERRIDES}
    keys = {lang: parallel_key(refs, lang) for lang in XNLI_LANGUAGES}
    assert keys == {lang: "parallel:sw" if lang == "sw" else "parallel" for lang in XNLI_LANGUAGES}


def test_carve_keeps_repeated_pairs_on_one_side() -> None:
    pairs = [(f"e{i}", f"x{i}") for i in range(8)] + [("e2", "x2"), ("e5", "x5")]
    test, dev = (
        carve(pairs, {"test": 2, "dev": 3}, "test"),
        carve(pairs, {"test": 2, "dev": 3}, "dev"),
    )
    train = carve(pairs, {"test": 2, "dev": 3}, "train")
    assert (len(test), len(dev)) == (2, 3)
    assert not set(test) & set(dev) and not (set(test) | set(dev)) & set(train)
    assert set(test) | set(dev) | set(train) == set(pairs)
    assert len(train) == len([p for p in pairs if p not in set(test) | set(dev)])
    assert carve(pairs, {"test": 2, "dev": 3}, "test") == test  # deterministic


def test_swahili_reads_paracrawl_train_and_carves_test(hub) -> None:
    source = HubSource({**HUB_DATASETS, **PARALLEL_OVERRIDES}, max_parallel_pairs=3)
    test = source.parallel("sw", "test")
    train = source.parallel("sw", "train")
    assert [c[:2] for c in hub] == [("Helsinki-NLP/opus_paracrawl", "train")] * 2
    assert hub[0][2] == {"name": "en-sw"}  # `held_out` is ours, not a load_dataset argument
    assert len(test) == 10 and train == []  # 10 distinct non-blank pairs, all held out for test
    small = HubSource(
        {**HUB_DATASETS, "parallel:sw": {**PARALLEL_OVERRIDES["parallel:sw"],
                                          "held_out": {"test": 2, "dev": 2}}},
        max_parallel_pairs=3,
    )  # fmt: skip
    held = set(small.parallel("sw", "test")) | set(small.parallel("sw", "dev"))
    rest = small.parallel("sw", "train")
    assert len(held) == 4 and len(rest) == 3 and not held & set(rest)
    assert ("", "blank") not in rest and (" ", "blank") not in rest


def test_other_languages_read_opus100_splits(hub) -> None:
    source = HubSource({**HUB_DATASETS, **PARALLEL_OVERRIDES})
    assert source.parallel("de", "test") == [("a", "A"), ("b", "B")]
    assert hub == [("Helsinki-NLP/opus-100", "test", {"name": "de-en"})]
    with pytest.raises(ConfigError, match="no en-sw pair"):
        HubSource(dict(HUB_DATASETS)).parallel("sw", "train")


def test_paper_profile_predicts_swapped_tokens_and_reads_swahili_from_paracrawl() -> None:
    from reproductions import contract

    _, paper = contract.resolve({"recipe": "weam", "profile": "paper", "system": "mbert+weam"})
    assert paper["xl_positions"] == "swapped"
    assert paper["hub_datasets"]["parallel:sw"]["path"] == "Helsinki-NLP/opus_paracrawl"
    assert paper["hub_datasets"]["parallel"] == HUB_DATASETS["parallel"]
    for profile in ("smoke", "mini"):
        raw = {"recipe": "weam", "profile": profile, "system": "mbert+weam", "data_dir": "/d"}
        _, cfg = contract.resolve(raw)
        assert cfg["xl_positions"] == "all" and "parallel:sw" not in cfg["hub_datasets"]
    _, kept = contract.resolve(
        {"recipe": "weam", "profile": "paper", "system": "mbert+weam", "xl_positions": "all"}
    )
    assert kept["xl_positions"] == "all"
    labels = {s["label"] for s in contract.plan({"recipe": "weam", "profile": "paper",
                                                  "system": "mbert+weam"})["stages"]}  # fmt: skip
    assert {f"align/{lang}" for lang in XNLI_LANGUAGES} <= labels


def test_a_paper_language_without_parallel_data_fails_at_resolve() -> None:
    from reproductions import contract

    with pytest.raises(ConfigError, match="no en-sw pair"):
        contract.resolve(
            {"recipe": "weam", "profile": "paper", "system": "mbert", "hub_datasets": HUB_DATASETS}
        )
