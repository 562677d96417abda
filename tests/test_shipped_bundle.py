"""The shipped mini results (`examples/results/mini.json`): current, and judging the demo claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimlab.config import Settings
from claimlab.services.bundle import read_bundle
from claimlab.services.claims import get_claim, list_claims
from claimlab.services.firstrun import SHIPPED_BUNDLE, first_run

pytestmark = pytest.mark.skipif(not SHIPPED_BUNDLE.is_file(), reason="no shipped mini bundle")


def test_the_shipped_bundle_matches_the_current_recipes():
    data = read_bundle(SHIPPED_BUNDLE)  # a stale config hash raises, naming the run
    assert data["profile"] == "mini" and data["runs"]
    for run in data["runs"]:
        prov = run["provenance"]
        assert prov["git_dirty"] is False, f"{run['config_hash'][:12]} ran on uncommitted code"
        assert prov["data_manifest_hash"], run["config_hash"][:12]


def test_a_first_run_judges_demo_claims_from_the_shipped_runs(tmp_path: Path):
    settings = Settings(
        home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'claimlab.db'}"
    )
    runs = len(read_bundle(SHIPPED_BUNDLE)["runs"])
    done = first_run(settings, bundle_path=SHIPPED_BUNDLE, fetch_papers=False)
    assert done.lines[3] == f"results: {runs} imported run(s) at mini from mini.json"
    judged = [
        v
        for c in list_claims(settings)
        for v in get_claim(settings, c.id).verdicts
        if v["profile"] == "mini" and v["state"] not in ("not run", "cannot run at this profile")
    ]
    assert judged, "no demo claim is judged from the shipped runs"
    measured = [p["measured"] for v in judged for p in v["predicates"] if p.get("measured")]
    assert measured, "the judged claims carry no measured numbers"
