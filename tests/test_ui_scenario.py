"""claimlab.present and `verdicts list` on the app tests' scenario database."""

from __future__ import annotations

import json

import pytest
from support.scenario import FAILURE, MEASURED, SPEC, Scenario, build

from claimlab.claims.predicates import SpecError
from claimlab.config import Settings
from claimlab.present.claims import (
    NO_VERDICT,
    ClaimFilter,
    claim_rows,
    filter_claims,
    filter_options,
)
from claimlab.present.frames import jobs_frame, measurements_frame
from claimlab.present.words import measured_text, predicate_text
from claimlab.services import jobs
from claimlab.services.claims import get_claim, list_claims
from claimlab.services.reports import list_reports
from claimlab.services.reproduce import claim_measurements
from claimlab.services.specs import check_spec


@pytest.fixture
def scenario(settings: Settings) -> Scenario:
    """The scenario in the test's database."""
    return build(settings)


def claims_frame(settings: Settings):
    """The Claims table as the app builds it."""
    references = {r.id: r.references for r in list_reports(settings)}
    return claim_rows(list_claims(settings), references)


def test_scenario_verdicts_and_claims_table(settings, scenario):
    claim = get_claim(settings, scenario.claim_id)
    states = {v["profile"]: v["state"] for v in claim.verdicts}
    assert states == {"mini": "supported", "smoke": "inconclusive"}
    other = get_claim(settings, scenario.other_id)
    assert {v["state"] for v in other.verdicts} == {"not run"}

    frame = claims_frame(settings)
    row = frame.set_index("id").loc[scenario.claim_id]
    assert row["mini"] == "✅ supported" and row["smoke"] == "❔ inconclusive"
    assert row["grounding"] == "2305.05295v2 p.2 · 0.91" and row["score"] == pytest.approx(0.91)
    expected = (
        "[mini, stand-in: minibench ir: LibreOffice help pages in en/de/fr, BM25 candidates] "
        "claimed ml-cs > zero-shot → 0.429 vs 0.303 (n=3, avg)"
    )
    assert row["claimed vs measured"] == expected


def test_filters_search_and_sort(settings, scenario):
    frame = claims_frame(settings)
    options = filter_options(frame)
    assert "2305.05295v2" in options["papers"] and len(options["reports"]) == 3

    def ids(**kw):
        return list(filter_claims(frame, ClaimFilter(**kw))["id"])

    assert ids(states=("supported",)) == [scenario.claim_id]
    assert ids(states=("supported",), profile="smoke") == []
    assert ids(states=("not run",), profile="mini") == [scenario.other_id]
    assert len(ids(states=(NO_VERDICT,))) == len(frame) - 2
    cited = ids(papers=("2305.05295v2",))
    assert scenario.claim_id in cited and len(cited) < len(frame)
    assert ids(search="ml-cs") == [scenario.claim_id]
    assert ids(sort="verdict")[:2] == [scenario.claim_id, scenario.other_id]
    by_conf = filter_claims(frame, ClaimFilter(sort="confidence", descending=True))
    assert by_conf["confidence"].is_monotonic_decreasing


def test_spec_checks_name_the_field():
    assert check_spec(json.dumps(SPEC)) == SPEC
    with pytest.raises(SpecError, match=r"not valid JSON: .* \(line 1, column 2\)"):
        check_spec("[x]")
    with pytest.raises(SpecError, match="unknown system 'gpt-9' in lhs"):
        check_spec(json.dumps([{**SPEC[0], "lhs": "gpt-9"}]))


def test_predicates_and_hyperparameters_in_words():
    crossed = {
        "kind": "comparison",
        "lhs": "mbert+weam",
        "lhs_setting": "zero-shot",
        "op": "<",
        "rhs": "mbert",
        "rhs_setting": "translate-train",
        "metric": "accuracy",
        "task": "xnli",
        "qualifier": "slightly lower but close",
    }
    assert predicate_text(crossed) == (
        "mbert+weam [zero-shot] < mbert [translate-train] (accuracy, xnli), "
        "slightly lower but close"
    )
    record = {"state": "inconclusive", "measured": {"source": None, "paper_config": 0.3}}
    assert measured_text(record) == "not in the grounded passages; recipe paper config 0.3"
    record["measured"]["source"] = 0.3
    assert measured_text(record) == "source 0.3; recipe paper config 0.3"


def test_jobs_table_and_measurements(settings, scenario):
    frame = jobs_frame(jobs.list_jobs(settings)).set_index("job")
    assert frame.loc[scenario.failed_job, "state"] == "failed"
    assert frame.loc[scenario.failed_job, "error"] == FAILURE
    assert frame.loc[scenario.running_job, "progress"] == pytest.approx(0.25)
    rows = measurements_frame(claim_measurements(settings, scenario.claim_id, "mini"))
    assert len(rows) == 6 and set(rows["status"]) == {"succeeded"}
    assert sorted(rows[rows["system"] == "ml-cs"]["value"]) == sorted(MEASURED["mini"]["ml-cs"])


def test_verdicts_list_command(settings, scenario):
    from typer.testing import CliRunner

    from claimlab.cli import app

    args = ["verdicts", "list", "--profile", "mini", "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--db", settings.database_url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    (row,) = [r for r in rows if r["claim"] == scenario.claim_id]
    assert row["predicate"].startswith("ml-cs > zero-shot (mrr@10")
    assert row["measured"] == "0.429 vs 0.303 (n=3, avg)"
    assert (row["state"], row["verdict"]) == ("supported", "supported")
    assert row["review"].endswith("×") and "✓" in row["review"]
    assert {r["claim"] for r in rows} == {scenario.claim_id, scenario.other_id}
