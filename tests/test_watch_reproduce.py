"""`watch add --reproduce`: after each pass the search's new papers are extracted and the
missing runs of their runnable claims queued, at most max-runs per pass, never twice, and
a pass that dies half-way leaves its work to the next one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.claim_paper import claim_paper
from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.services import extraction, watch
from claimlab.services.claims import list_claims
from claimlab.services.jobs import list_jobs
from claimlab.services.reproduce import plan_claims

FEEDS = Path(__file__).parent / "fixtures" / "arxiv"
QUERY = "cross-lingual transfer"


@pytest.fixture
def env(settings, arxiv_stub):
    """Settings pointed at the arXiv stub; the search finds two papers, both the test paper."""
    arxiv_stub.script(
        "/api/query",
        (200, {"Content-Type": "application/atom+xml"}, (FEEDS / "search_since.xml").read_bytes()),
    )
    for key in ("2106.01732v2", "2305.05295v2"):
        arxiv_stub.script(f"/pdf/{key}", (200, {"Content-Type": "application/pdf"}, claim_paper()))
    return replace(
        settings,
        arxiv_api_url=f"{arxiv_stub.base}/api/query",
        arxiv_pdf_base=f"{arxiv_stub.base}/pdf/",
        arxiv_delay=0.0,
    )


def _needed(env) -> set[str]:
    ids = [c.id for c in list_claims(env, source="paper")]
    _, runs = plan_claims(env, ids, "smoke", 1)
    return set(runs)


def _queued(env) -> list[str]:
    return [j.run.config_hash for j in list_jobs(env)]


def test_passes_extract_then_queue_bounded_runs_once(env):
    search_id, created = watch.add(env, QUERY, "cs.CL", 10, "smoke", 1, 4)
    assert created
    (search,) = watch.list_all(env)
    assert (search.reproduce_profile, search.reproduce_seeds, search.reproduce_max_runs) == (
        "smoke",
        1,
        4,
    )
    (first,) = watch.run_pass(env)
    assert (first.error, first.new_papers, first.extracted, first.extract_errors) == (
        None,
        2,
        2,
        (),
    )
    needed = _needed(env)
    # runnable at smoke: 4 WEAM systems (XNLI comparisons, the length statistics run on
    # mbert) and 2 code-switching systems, one seed each; the value and hyperparameter
    # claims and the needs-spec ones queue nothing
    assert len(needed) == 6
    assert (first.queued, first.waiting) == (4, 2)
    assert len(_queued(env)) == 4 and set(_queued(env)) <= needed

    (second,) = watch.run_pass(env)
    assert (second.new_papers, second.extracted, second.queued, second.waiting) == (0, 0, 2, 0)
    assert sorted(_queued(env)) == sorted(needed)
    (third,) = watch.run_pass(env)
    assert (third.extracted, third.queued, third.waiting) == (0, 0, 0)
    assert len(_queued(env)) == 6  # nothing queued twice


def test_a_pass_that_dies_after_ingesting_leaves_extraction_to_the_next(env, monkeypatch):
    watch.add(env, QUERY, "cs.CL", 10, "smoke", 1, None)
    real = extraction.extract

    def dies(settings, paper_ids=None):
        raise RuntimeError("killed after ingesting")

    monkeypatch.setattr(extraction, "extract", dies)
    with pytest.raises(RuntimeError):
        watch.run_pass(env)
    assert list_claims(env, source="paper") == [] and _queued(env) == []
    monkeypatch.setattr(extraction, "extract", real)
    (again,) = watch.run_pass(env)
    assert (again.new_papers, again.extracted, again.queued, again.waiting) == (0, 2, 6, 0)


def test_one_paper_failing_extraction_is_reported_and_the_pass_goes_on(env, monkeypatch):
    watch.add(env, QUERY, "cs.CL", 10)
    real = extraction.X.read_passage

    def breaks_second_paper(kind, section, text, parse):
        if "mBERT+TLM does not outperform" in text and breaks_second_paper.seen:
            raise RuntimeError("a passage the reader cannot take")
        breaks_second_paper.seen |= "mBERT+TLM does not outperform" in text
        return real(kind, section, text, parse)

    breaks_second_paper.seen = False
    monkeypatch.setattr(extraction.X, "read_passage", breaks_second_paper)
    (result,) = watch.run_pass(env)
    assert (result.error, result.new_papers, result.extracted, result.queued) == (None, 2, 1, 0)
    (error,) = result.extract_errors
    assert error.startswith("2305.05295v2: ValueError: passage ")
    assert error.endswith("RuntimeError: a passage the reader cannot take")
    assert extraction.pending(env) == [2]  # tried again next pass
    monkeypatch.setattr(extraction.X, "read_passage", real)
    (again,) = watch.run_pass(env)
    assert (again.extracted, again.extract_errors) == (1, ())


def test_add_validates_and_updates_reproduce(env):
    with pytest.raises(ValueError, match="profile 'huge'"):
        watch.add(env, QUERY, None, 10, "huge")
    with pytest.raises(ValueError, match="need --reproduce"):
        watch.add(env, QUERY, None, 10, None, 3)
    with pytest.raises(ValueError, match="max-runs must be 0 or more"):
        watch.add(env, QUERY, None, 10, "mini", 3, -1)
    first, created = watch.add(env, QUERY, None, 10)
    again, created_again = watch.add(env, QUERY, None, 10, "mini", 3, 5)
    assert (first, created, created_again) == (again, True, False)
    (search,) = watch.list_all(env)
    assert (search.reproduce_profile, search.reproduce_seeds, search.reproduce_max_runs) == (
        "mini",
        3,
        5,
    )


def test_cli_watch_add_reproduce_and_run(env):
    runner = CliRunner()
    db = ["--db", env.database_url]
    envvars = {
        "CLAIMLAB_HOME": str(env.home),
        "CLAIMLAB_ARXIV_API_URL": env.arxiv_api_url,
        "CLAIMLAB_ARXIV_PDF_BASE": env.arxiv_pdf_base,
        "CLAIMLAB_ARXIV_DELAY": "0",
    }
    args = ["watch", "add", QUERY, "--category", "cs.CL", "--reproduce", "smoke"]
    out = runner.invoke(app, [*args, "--seeds", "1", "--max-runs", "5", *db], env=envvars)
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines() == [
        "saved search 1",
        "queues its claims' runs at smoke after each pass, at most 5 run(s) per pass",
    ]
    out = runner.invoke(app, ["watch", "run", *db], env=envvars)
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == (
        f"search 1 '{QUERY}': 2 new paper(s), 2 extracted, 5 run(s) queued, 1 left for later passes"
    )
    out = runner.invoke(app, ["watch", "add", QUERY, "--seeds", "2", *db], env=envvars)
    assert out.exit_code == 1 and "need --reproduce" in out.stderr
