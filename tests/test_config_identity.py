"""Runs keep their identity: config hashes pinned before the restructure of issue 13."""

import json
from pathlib import Path

import pytest

from reproductions import contract

PINNED = json.loads((Path(__file__).parent / "fixtures" / "config_hashes.json").read_text())


@pytest.mark.parametrize("row", PINNED, ids=lambda r: "-".join(str(v) for v in r["raw"].values()))
def test_config_hash_is_unchanged(row):
    _, config = contract.resolve(dict(row["raw"]))
    assert contract.config_hash(config) == row["config_hash"]


def test_pins_cover_every_recipe_and_profile():
    covered = {(r["raw"]["recipe"], r["raw"]["profile"]) for r in PINNED}
    assert covered == {(r, p) for r in ("weam", "codeswitch") for p in ("smoke", "mini", "paper")}
