"""The whole loop at the smoke profile: demo reviews -> specs -> runs -> worker -> verdicts."""

from __future__ import annotations

import pytest

from claimlab import services
from claimlab.judging.stats import CANNOT_RUN, INCONCLUSIVE, NOT_RUN, REFUTED, SUPPORTED
from claimlab.reproduce import compute_verdicts, parse_specs, reproduce
from claimlab.runs import jobs
from claimlab.runs.worker import Worker, WorkerOptions
from conftest import EXAMPLE_REPORTS


@pytest.fixture
def sqlite_settings(settings, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the recipes' smoke runs are exercised once, on SQLite")
    return settings


@pytest.mark.slow
def test_every_measurable_demo_claim_gets_a_smoke_verdict(sqlite_settings):
    settings = sqlite_settings
    services.ingest_reports(settings, [EXAMPLE_REPORTS])
    counts = parse_specs(settings)
    assert counts["parsed"] >= 15

    new, known = reproduce(settings, None, "smoke", seeds=2)
    assert new > 0 and known == 0
    assert reproduce(settings, None, "smoke", seeds=2) == (0, new)  # shared, never twice

    opts = WorkerOptions(slots=2, until_empty=True, lease_s=120, heartbeat_s=1.0, poll_s=0.2)
    stats = Worker(settings, opts).run()
    failed = [j for j in jobs.list_jobs(settings) if j.state != "succeeded"]
    assert not failed, [(j.run.recipe, j.run.config.get("system"), j.error) for j in failed]
    assert stats.succeeded == new

    compute_verdicts(settings, "smoke", seeds=2)
    claims = services.list_claims(settings)
    measurable = [c for c in claims if c.spec_status == "parsed"]
    states = {SUPPORTED, REFUTED, INCONCLUSIVE, CANNOT_RUN}
    for claim in measurable:
        detail = services.get_claim(settings, claim.id)
        (verdict,) = [v for v in detail.verdicts if v["profile"] == "smoke"]
        assert verdict["state"] in states, (claim.text, verdict["state"])
        for record in verdict["predicates"]:
            assert record["state"] != NOT_RUN, (claim.text, record)
            if record["predicate"].get("kind") in ("comparison", "data") and record["state"] in (
                SUPPORTED,
                REFUTED,
                INCONCLUSIVE,
            ):
                numbers = next(iter(record["measured"].values()))
                assert numbers["lhs"]["n"] == 2 and len(numbers["rhs"]["values"]) == 2
                assert record["stand_in"]
