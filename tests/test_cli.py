"""The `claimlab` command end to end through Typer's runner."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from claimlab.cli import app
from conftest import EXAMPLE_REPORTS

runner = CliRunner()


def run(*args, code=0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def demo(db_url):
    run("db", "upgrade", "--db", db_url)
    run("ingest", "report", EXAMPLE_REPORTS, "--db", db_url)
    return db_url


def test_claims_list_json(demo):
    claims = json.loads(run("claims", "list", "--format", "json", "--db", demo).stdout)
    assert len(claims) == 19
    keys = {"id", "text", "truncated", "mentions", "verified", "unverified", "confidence_mean"}
    assert keys | {"reports"} <= set(claims[0])
    tlm = next(c for c in claims if c["text"].startswith("The mBERT+TLM model outperforms mBERT"))
    assert (tlm["mentions"], tlm["verified"], tlm["unverified"]) == (2, 1, 1)
    assert tlm["confidence_mean"] == pytest.approx((0.55 + 0.31) / 2)
    assert len(tlm["reports"]) == 2
    assert sum(c["truncated"] for c in claims) == 2


def test_claims_show_json_and_text(demo):
    claims = json.loads(run("claims", "list", "-f", "json", "--db", demo).stdout)
    cid = next(c["id"] for c in claims if c["mentions"] == 2)
    shown = json.loads(run("claims", "show", cid, "--format", "json", "--db", demo).stdout)
    assert shown["id"] == cid and len(shown["mentions"]) == 2
    assert set(shown["mentions"][0]) == {
        "report",
        "text",
        "truncated",
        "verified",
        "confidence",
        "source",
    }
    text = run("claims", "show", cid, "--db", demo).stdout
    assert shown["text"] in text and "2 mention(s)" in text
    run("claims", "show", 9999, "--db", demo, code=1)


def test_csv_and_table_formats(demo):
    rows = list(
        csv.DictReader(io.StringIO(run("claims", "list", "-f", "csv", "--db", demo).stdout))
    )
    assert len(rows) == 19 and rows[0]["id"] == "1"
    table = run("claims", "list", "--db", demo).stdout
    assert "Claims" in table and "mentions" in table
    reports = json.loads(run("reports", "list", "-f", "json", "--db", demo).stdout)
    assert {r["mentions"] for r in reports} == {7, 8, 9}


def test_ingest_exit_code_when_a_file_fails(db_url, tmp_path):
    run("db", "upgrade", "--db", db_url)
    bad = tmp_path / "bad.txt"
    bad.write_text("just some notes\n")
    result = run(
        "ingest",
        "report",
        EXAMPLE_REPORTS / "weam_alignment_review.txt",
        bad,
        "--db",
        db_url,
        code=1,
    )
    assert "not a review" in result.output and "1 item(s) failed" in result.output
    claims = json.loads(run("claims", "list", "-f", "json", "--db", db_url).stdout)
    assert len(claims) == 9


@pytest.mark.parametrize(
    "command",
    [
        ("claims", "list"),
        ("claims", "show", "1"),
        ("reports", "list"),
        ("verdicts", "list"),
        ("verdicts", "compute"),
        ("plan", "--all"),
        ("jobs", "list"),
    ],
)
def test_commands_refuse_an_unmigrated_database(tmp_path, command):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = run(*command, "--db", url, code=1)
    assert "claimlab db upgrade" in result.output and "Traceback" not in result.output


SPEC = [
    {
        "kind": "comparison",
        "recipe": "codeswitch",
        "lhs": "bl-cs",
        "rhs": "zero-shot",
        "op": ">",
        "metric": "mrr@10",
        "task": "passage-reranking",
        "setting": "clir",
    }
]


@pytest.fixture
def specced(demo, tmp_path):
    """The demo database with claim 1 given a hand-written spec."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    run("claims", "spec", 1, "--set", spec, "--db", demo)
    return demo


def test_reproduce_takes_a_priority_and_the_profile_resources(specced):
    out = run("reproduce", 1, "--profile", "smoke", "--priority", 7, "--db", specced).stdout
    assert "4 run(s) queued, 0 already known" in out
    jobs = json.loads(run("jobs", "list", "-f", "json", "--db", specced).stdout)
    assert len(jobs) == 4
    for job in jobs:
        shown = json.loads(run("jobs", "show", job["id"], "--db", specced).stdout)
        assert (shown["priority"], shown["gpus"], shown["timeout_s"]) == (7, 0.0, 600.0)


@pytest.mark.parametrize("command", ["reproduce", "plan"])
def test_an_unknown_claim_is_named_and_a_planning_bug_is_not(specced, monkeypatch, command):
    unknown = run(command, 1, 999, "--profile", "smoke", "--db", specced, code=1)
    assert "no claim with id 999" in unknown.output and "Traceback" not in unknown.output

    def broken(self, predicates):
        raise KeyError("metric")

    monkeypatch.setattr("claimlab.runs.plan.Planner.plan", broken)
    result = runner.invoke(app, [command, "1", "--profile", "smoke", "--db", specced])
    assert isinstance(result.exception, KeyError) and result.exception.args == ("metric",)
    assert "no claim with id" not in result.output


def test_setting_the_spec_of_an_unknown_claim(demo, tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    result = run("claims", "spec", 999, "--set", spec, "--db", demo, code=1)
    assert "no claim with id 999" in result.output
