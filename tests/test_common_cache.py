"""Stage cache: keys, completion markers, reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from reproductions.common.cache import COMPLETE, StageCache, StageSpec


def test_key_depends_on_every_input() -> None:
    base = StageSpec("ranker", {"lr": 1e-4}, upstream={"pairs": "a"}, data="d1")
    assert base.key == StageSpec("ranker", {"lr": 1e-4}, upstream={"pairs": "a"}, data="d1").key
    assert base.key == StageSpec("ranker", {"lr": 1e-4}, {"pairs": "a"}, "d1", label="x").key
    others = [
        StageSpec("ranker", {"lr": 2e-4}, upstream={"pairs": "a"}, data="d1"),
        StageSpec("ranker", {"lr": 1e-4}, upstream={"pairs": "b"}, data="d1"),
        StageSpec("ranker", {"lr": 1e-4}, upstream={"pairs": "a"}, data="d2"),
        StageSpec("ranker", {"lr": 1e-4}, upstream={"pairs": "a"}, data="d1", version=2),
        StageSpec("pairs", {"lr": 1e-4}, upstream={"pairs": "a"}, data="d1"),
    ]
    assert len({base.key, *(o.key for o in others)}) == 6


def test_stage_is_built_once_and_shared(tmp_path: Path) -> None:
    cache = StageCache(tmp_path)
    spec = StageSpec("tokenizer", {"vocab": 100})
    calls = []

    def build(out: Path) -> dict:
        calls.append(out)
        (out / "vocab.txt").write_text("a\n")
        return {"size": 1}

    first, built = cache.ensure(spec, build)
    again, built_again = StageCache(tmp_path).ensure(spec, build)
    assert (built, built_again) == (True, False)
    assert first == again and len(calls) == 1
    assert cache.meta(spec)["meta"] == {"size": 1}
    assert cache.meta(spec)["spec"]["key"] == spec.key


def test_failed_build_leaves_no_completion_marker(tmp_path: Path) -> None:
    cache = StageCache(tmp_path)
    spec = StageSpec("pretrain", {"steps": 3})

    def broken(out: Path) -> dict:
        (out / "partial").write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        cache.ensure(spec, broken)
    assert not cache.is_complete(spec)
    assert not (cache.path(spec) / COMPLETE).exists()
    # The unfinished folder is kept so a builder can resume from it.
    assert (cache.path(spec) / "partial").exists()
    out, built = cache.ensure(spec, lambda out: None)
    assert built and cache.is_complete(spec)
