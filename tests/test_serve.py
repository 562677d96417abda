"""`claimlab serve`'s steps offline, online (against the arXiv stub) and twice, verdicts
judged again as runs finish."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest
from support.arxiv_server import ArxivStub
from support.bundles import WEAM_CLAIM, WEAM_VALUES, demo_claim, record_runs, write_bundle
from support.claim_paper import claim_paper

from claimlab.config import Settings
from claimlab.services import extraction, firstrun, jobs
from claimlab.services.claims import get_claim, list_claims
from claimlab.services.firstrun import first_run, refresh_verdicts
from claimlab.services.reports import list_reports
from claimlab.store import migrate
from conftest import EXAMPLE_REPORTS

REAL_READER = extraction.table_reader
FEEDS = Path(__file__).parent / "fixtures" / "arxiv"
UNKNOWN = (
    "; failed: 1901.07291v1 (arXiv does not know this id), "
    "2002.03518v2 (arXiv does not know this id), 2108.13897v4 (arXiv does not know this id)"
)
"""The demo reviews cite five papers; the stub's feed knows two of them."""
FETCHED = "papers: 2 fetched, 0 already here" + UNKNOWN

CODESWITCH_CLAIM = (
    "Multilingual code-switching (ML-CS) outperforms the zero-shot re-ranker in MLIR."
)


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def home(tmp_path: Path, name: str, arxiv_url: str) -> Settings:
    """A fresh home with an empty (not yet migrated) database and arXiv at `arxiv_url`."""
    return Settings(
        home=tmp_path / name,
        database_url=f"sqlite:///{tmp_path / f'{name}.db'}",
        arxiv_api_url=arxiv_url,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "smoke.json"
    url = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(url)
    write_bundle(Settings(home=tmp_path / "source", database_url=url), WEAM_CLAIM, path)
    return path


@pytest.fixture
def online(tmp_path: Path, arxiv_stub: ArxivStub) -> Settings:
    """A fresh home whose arXiv is the stub: the feed of two cited papers, each PDF the
    test paper with its known claims and table."""
    arxiv_stub.script(
        "/api/query",
        (200, {"Content-Type": "application/atom+xml"}, (FEEDS / "id_list_two.xml").read_bytes()),
    )
    for key in ("2106.01732v2", "2305.05295v2"):
        arxiv_stub.script(f"/pdf/{key}", (200, {"Content-Type": "application/pdf"}, claim_paper()))
    settings = home(tmp_path, "online", f"{arxiv_stub.base}/api/query")
    return replace(settings, arxiv_pdf_base=f"{arxiv_stub.base}/pdf/", arxiv_delay=0.0)


def test_first_run_offline_completes_says_papers_not_fetched_and_twice_changes_nothing(
    tmp_path, bundle
):
    port = closed_port()
    settings = home(tmp_path, "fresh", f"http://127.0.0.1:{port}/api/query")
    said: list[str] = []
    done = first_run(settings, bundle_path=bundle, timeout_s=2, say=said.append)
    assert said == done.lines
    assert done.lines[1:5] == [
        f"reviews: 3 added ({EXAMPLE_REPORTS})",
        "specs: 1 description, 1 needs-spec, 17 parsed",
        "results: 4 imported run(s) at smoke from smoke.json",
        "verdicts at smoke: 3 cannot run at this profile, 5 inconclusive, 9 not run",
    ]
    (offline,) = [line for line in done.lines if line.startswith("papers not fetched")]
    assert offline.startswith(f"papers not fetched: arXiv 127.0.0.1:{port} unreachable (")
    assert not done.papers_fetched and done.lines[-1] == offline
    claim = get_claim(settings, demo_claim(settings, WEAM_CLAIM))
    (verdict,) = claim.verdicts
    assert verdict["profile"] == "smoke"
    measured = verdict["predicates"][0]["measured"]["avg"]
    assert measured["lhs"]["values"] == WEAM_VALUES["mbert+weam"]

    counts = (len(list_reports(settings)), len(list_claims(settings)), jobs.job_counts(settings))
    again = first_run(settings, bundle_path=bundle, timeout_s=2)
    assert again.lines[1:5] == [
        f"reviews: 3 unchanged ({EXAMPLE_REPORTS})",
        "specs: all 19 claim(s) already parsed",
        "results: 4 unchanged run(s) at smoke from smoke.json",
        "verdicts: up to date at smoke",
    ]
    assert again.verdicts == {}
    assert (len(list_reports(settings)), len(list_claims(settings)), jobs.job_counts(settings)) == (
        counts
    )
    assert get_claim(settings, claim.id).verdicts[0]["computed_at"] == verdict["computed_at"]


def test_without_a_bundle_the_first_run_says_so_and_goes_on(tmp_path):
    settings = home(tmp_path, "fresh", f"http://127.0.0.1:{closed_port()}/api/query")
    done = first_run(settings, bundle_path=tmp_path / "mini.json", fetch_papers=False)
    assert done.lines[3] == (
        f"results: no shipped results bundle ({tmp_path / 'mini.json'}); verdicts wait for runs"
    )
    assert done.lines[4] == "verdicts: no finished runs yet; queue runs from a claim's page"
    assert done.lines[5].startswith("papers not fetched: turned off (--no-fetch-papers)")


def test_a_broken_bundle_is_one_line_and_the_first_run_goes_on(tmp_path):
    settings = home(tmp_path, "fresh", "http://127.0.0.1:9/api")
    broken = tmp_path / "mini.json"
    broken.write_text('{"claimlab_results": 1, "profile": "mini", "runs": {}}')
    done = first_run(settings, bundle_path=broken, fetch_papers=False)
    assert done.lines[3] == f"results: bundle not loaded: {broken}: runs: expected a list, got dict"
    assert len(done.lines) == 6


def test_refresh_judges_only_profiles_with_newly_finished_runs(tmp_path, bundle):
    settings = home(tmp_path, "fresh", "http://127.0.0.1:9/api")
    done = first_run(settings, bundle_path=bundle, fetch_papers=False)
    assert refresh_verdicts(settings, done.judged) == {}
    claim = demo_claim(settings, CODESWITCH_CLAIM)
    assert [v["state"] for v in get_claim(settings, claim).verdicts] == ["not run"]
    record_runs(settings, claim, {"ml-cs": [0.42, 0.44], "zero-shot": [0.30, 0.31]})
    found = refresh_verdicts(settings, done.judged)
    assert list(found) == ["smoke"]
    (verdict,) = get_claim(settings, claim).verdicts
    assert verdict["predicates"][0]["measured"]["avg"]["lhs"]["values"] == [0.42, 0.44]
    assert refresh_verdicts(settings, done.judged) == {}
    # A new process knows nothing of what was judged: the stored verdicts tell it.
    assert refresh_verdicts(settings, {}) == {}


def test_first_run_online_extracts_the_fetched_papers_claims_once(online, bundle):
    done = first_run(online, bundle_path=bundle, timeout_s=2)
    assert done.papers_fetched
    assert done.lines[5:] == [
        FETCHED,
        "grounding: 6 grounded, 13 not found in source, 0 without an ingested paper",
        # each paper: its 10 claim sentences and the 4 numbers of its results table
        "paper claims: 20 claim sentence(s) and 8 table value(s) from 2 paper(s)",
        "verdicts of paper claims at smoke: 7 cannot run at this profile, 2 not run, 1 supported",
    ]
    stated = list_claims(online, source="paper")
    judged = {c.id for c in stated if [v["profile"] for v in get_claim(online, c.id).verdicts]}
    assert judged == {c.id for c in stated if c.spec_status == "parsed"} and len(judged) == 10

    again = first_run(online, bundle_path=bundle, timeout_s=2)
    assert again.lines[6:] == ["paper claims: all 2 cited paper(s) already extracted"]
    assert list_claims(online, source="paper") == stated


def test_failing_extraction_or_judging_is_one_line_and_the_next_run_retries(
    online, bundle, monkeypatch
):
    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(extraction, "extract", broken)
    done = first_run(online, bundle_path=bundle, timeout_s=2)
    assert done.papers_fetched and done.lines[5:] == [
        FETCHED,
        "grounding: 6 grounded, 13 not found in source, 0 without an ingested paper",
        "paper claims: not extracted (RuntimeError: disk full); later: `claimlab papers extract`",
    ]
    assert list_claims(online, source="paper") == []

    monkeypatch.undo()
    calls: list[str | None] = []

    def reader(cells, caption):  # the first paper's table breaks the reader
        calls.append(caption)
        if len(calls) == 1:
            raise RuntimeError("unreadable table")
        return REAL_READER()(cells, caption)

    monkeypatch.setattr(extraction, "table_reader", lambda: reader)
    again = first_run(online, bundle_path=bundle, timeout_s=2)
    assert again.lines[5:] == [
        "papers: 0 fetched, 2 already here" + UNKNOWN,
        "paper claims: 10 claim sentence(s) and 4 table value(s) from 1 paper(s); failed: "
        "2106.01732v2: ValueError: passage 12 (page 2, table): RuntimeError: unreadable table",
        "verdicts of paper claims at smoke: 7 cannot run at this profile, 2 not run, 1 supported",
    ]
    monkeypatch.undo()
    monkeypatch.setattr(firstrun, "compute_verdicts", broken)
    third = first_run(online, bundle_path=bundle, timeout_s=2)
    assert third.lines[6:] == [
        "paper claims: 10 claim sentence(s) and 4 table value(s) from 1 paper(s)",
        "verdicts of paper claims: not computed (RuntimeError: disk full)",
    ]
