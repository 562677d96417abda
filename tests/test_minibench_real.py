"""One small real Debian package (FreeDict English-French, ~200 kB) through the minibench path."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from reproductions.minibench import debfile
from reproductions.minibench.lexicon import find_dictd, read_dictd, single_word_pairs
from reproductions.minibench.packages import PackageCache, apt_records

PACKAGE = "dict-freedict-eng-fra"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory):
    if not (shutil.which("apt-get") and shutil.which("apt-cache")):
        pytest.skip("apt is not available")
    if PACKAGE not in apt_records([PACKAGE]):
        pytest.skip(f"{PACKAGE} is not in the apt archive (apt-get update?)")
    cache = PackageCache(tmp_path_factory.mktemp("cache"))
    found, missing = cache.get([PACKAGE])
    if missing:
        pytest.skip(f"could not download {PACKAGE}: {missing[PACKAGE]}")
    return found[PACKAGE]


def test_real_freedict_package_gives_a_muse_lexicon(package) -> None:
    assert package.name == PACKAGE and len(package.sha256) == 64
    found = find_dictd(package.tree)
    assert found is not None
    stats: Counter[str] = Counter()
    pairs = single_word_pairs(read_dictd(*found), stats)
    assert len(pairs) > 5000
    assert {("cat", "chat"), ("dog", "chien"), ("house", "maison")} <= set(pairs)
    assert all(" " not in src and " " not in tgt for src, tgt in pairs)
    assert debfile.licences(package.tree, PACKAGE)["licence"] == "GPL-2+"


def test_cached_package_is_reused_without_download(package) -> None:
    cache = PackageCache(package.deb.parent.parent)
    logs: list[str] = []
    cache.log = logs.append
    again, missing = cache.get([PACKAGE])
    assert not missing and again[PACKAGE].sha256 == package.sha256
    assert logs == []  # no download, no unpacking
