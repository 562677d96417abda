"""Provenance, events and hashing helpers."""

from __future__ import annotations

import json
from pathlib import Path

from reproductions.common.events import EventWriter, read_events
from reproductions.common.hashing import manifest_hash
from reproductions.common.provenance import collect_provenance, config_hash


def test_provenance_fields() -> None:
    prov = collect_provenance(
        config={"a": 1, "cache_dir": "/x"},
        config_hash_=config_hash({"a": 1, "cache_dir": "/x"}, exclude=("cache_dir",)),
        seed=3,
        device="cpu",
        data_manifest_hash="abc",
        started_at=10.0,
        finished_at=12.5,
    )
    for key in ("config", "config_hash", "seed", "git_commit", "git_dirty", "command", "python",
                "packages", "device", "data_manifest_hash", "wall_time_s"):  # fmt: skip
        assert key in prov
    assert prov["wall_time_s"] == 2.5
    assert prov["config_hash"] == config_hash({"a": 1})
    assert prov["packages"]["torch"] and "ir-measures" in prov["packages"]
    assert len(prov["git_commit"] or "x" * 40) == 40
    json.dumps(prov)


def test_events_lines(tmp_path: Path) -> None:
    events = EventWriter(tmp_path)
    events.progress(120, 2000, stage="ranker")
    events.metric("clir/en-de/mrr@10", 0.25, step=2000)
    with open(tmp_path / "events.jsonl", "a") as handle:
        handle.write('{"t": 1, "type": "prog')  # torn line of a killed writer
    got = read_events(tmp_path / "events.jsonl")
    assert [e["type"] for e in got] == ["progress", "metric"]
    assert got[0]["step"] == 120 and got[0]["total"] == 2000 and "t" in got[0]
    assert got[1] == {**got[1], "name": "clir/en-de/mrr@10", "value": 0.25, "step": 2000}


def test_manifest_hash_sees_content_and_names(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    h1 = manifest_hash([tmp_path / "a.txt"], tmp_path)
    (tmp_path / "a.txt").write_text("y")
    h2 = manifest_hash([tmp_path / "a.txt"], tmp_path)
    (tmp_path / "a.txt").rename(tmp_path / "b.txt")
    h3 = manifest_hash([tmp_path / "b.txt"], tmp_path)
    assert len({h1, h2, h3}) == 3


def test_an_option_added_later_at_none_keeps_the_hash() -> None:
    before = config_hash({"a": 1, "seed": 2})
    assert config_hash({"a": 1, "seed": 2, "new_option": None}) == before
    assert config_hash({"a": 1, "seed": 2, "new_option": 0.5}) != before
