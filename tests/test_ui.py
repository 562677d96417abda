"""The Streamlit app through AppTest: empty, unmigrated, demo and read-only databases."""

from dataclasses import replace

import pytest
from support.app import open_page, rerun, use_app
from support.rendered import text_of
from support.scenario import CLAIM_TEXT, SPEC, build

from claimlab.errors import ReadOnlyError
from claimlab.services import jobs
from claimlab.services.claims import get_claim
from claimlab.services.reports import ingest_report_bytes, ingest_reports, list_reports
from claimlab.services.reproduce import reproduce
from claimlab.services.specs import set_spec
from conftest import EXAMPLE_REPORTS

PAGES = {
    "app_pages/claims.py": "claimlab ingest report examples/reports",
    "app_pages/claim.py": "claimlab ingest report examples/reports",
    "app_pages/papers.py": "claimlab ingest arxiv",
    "app_pages/paper.py": "claimlab ingest arxiv",
    "app_pages/reports.py": "claimlab ingest report examples/reports",
    "app_pages/jobs.py": "claimlab reproduce CLAIM_ID --profile mini",
}


def test_empty_database_explains_what_to_run(settings, monkeypatch):
    use_app(monkeypatch, settings)
    for page, command in PAGES.items():
        at = open_page(page)
        assert command in at.info[0].value, page
    assert open_page().title[0].value == "Claims"
    assert open_page("app_pages/reports.py").file_uploader, "uploading is how to start"


def test_unmigrated_database_says_so(tmp_path, monkeypatch):
    from claimlab.config import Settings

    use_app(monkeypatch, Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'fresh.db'}"))
    for page in PAGES:
        assert "claimlab db upgrade" in open_page(page).error[0].value, page


def test_demo_claims_and_reports(settings, monkeypatch):
    ingest_reports(settings, [EXAMPLE_REPORTS])
    use_app(monkeypatch, settings)
    at = open_page()
    frame = at.dataframe[0].value
    assert len(frame) == 19
    assert frame["claim"].str.contains("mBERT+WEAM", regex=False).any()
    assert any("No verdicts yet" in c.value for c in at.caption)
    at.text_input[0].input("translate-train")
    assert set(rerun(at).dataframe[0].value["claim"].str.contains("translate-train")) == {True}

    reports = open_page("app_pages/reports.py").dataframe[0].value
    assert len(reports) == 3 and reports["research question"].str.endswith("?").all()
    assert list(reports.columns[:4]) == ["id", "date", "title", "claims"]
    assert "claimlab ingest arxiv" in open_page("app_pages/papers.py").info[0].value
    assert "claimlab reproduce" in open_page("app_pages/jobs.py").info[0].value


def test_claims_filters_sort_and_row_opens_the_claim(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page()
    table = at.dataframe[0].value
    assert list(table.columns[:6]) == ["id", "claim", "source", "smoke", "mini", "paper"]
    row = table.set_index("id").loc[scenario.claim_id]
    assert row["mini"] == "✅ supported" and row["grounding"] == "2305.05295v2 p.2 · 0.91"
    assert "0.429 vs 0.303" in row["claimed vs measured"]

    at.multiselect(key="f_states").select("supported")
    assert list(rerun(at).dataframe[0].value["id"]) == [scenario.claim_id]
    at.selectbox(key="f_profile").select("smoke")
    assert rerun(at).dataframe[0].value.empty
    at.multiselect(key="f_states").unselect("supported").select("not run")
    assert list(rerun(at).dataframe[0].value["id"]) == [scenario.other_id]
    at.multiselect(key="f_states").unselect("not run")
    at.selectbox(key="f_profile").select("any")
    at.multiselect(key="f_papers").select("2305.05295v2")
    at.multiselect(key="f_reports").select(
        "Code-Switched Training Data for Cross-Lingual Re-Ranking: A Short Review"
    )
    cited = rerun(at).dataframe[0].value
    assert scenario.claim_id in set(cited["id"]) and len(cited) == 8
    at.selectbox(key="sort").select("confidence")
    at.toggle(key="descending").set_value(True)
    assert rerun(at).dataframe[0].value["confidence"].is_monotonic_decreasing

    position = list(at.dataframe[0].value["id"]).index(scenario.claim_id)
    at.session_state["claims_table"] = {"selection": {"rows": [position], "columns": []}}
    at = rerun(at)
    assert at.title[0].value == f"Claim {scenario.claim_id}"
    assert at.query_params["id"] == str(scenario.claim_id)

    at.switch_page("app_pages/claims.py")
    back = rerun(at).dataframe[0].value
    assert len(back) == 8 and back["confidence"].is_monotonic_decreasing, "filters are kept"
    assert at.title[0].value == "Claims", "the row selection is not"


def test_reports_upload_uses_the_cli_parser(settings, monkeypatch, tmp_path):
    use_app(monkeypatch, settings)
    good = (EXAMPLE_REPORTS / "weam_alignment_review.txt").read_bytes()
    at = open_page("app_pages/reports.py")
    at.file_uploader(key="review_file").upload("weam.txt", good, "text/plain")
    at = rerun(at)
    at.button(key="ingest").click()
    at = rerun(at)
    assert (
        text_of(at.success[0].value)
        == "weam.txt: added as report 1, 9 claim mention(s), 9 new claim(s)."
    )
    assert len(at.dataframe[0].value) == 1, "the list shows the new report at once"
    assert len(open_page().dataframe[0].value) == 9

    bad = good.replace("\t✓\t".encode(), b"\tyes\t", 1)
    path = tmp_path / "bad.txt"
    path.write_bytes(bad)
    (cli,) = ingest_reports(settings, [path])
    at.file_uploader(key="review_file").set_value(("bad.txt", bad, "text/plain"))
    at = rerun(at)
    at.button(key="ingest").click()
    at = rerun(at)
    shown = text_of(at.error[0].value)
    assert shown == f"Not ingested: {cli.error.replace(str(path), 'bad.txt')}"
    assert "bad.txt:" in shown and len(list_reports(settings)) == 1


def test_read_only_hides_writes_and_services_refuse(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings, readonly=True)
    ro = replace(settings, ui_readonly=True)
    claim = open_page("app_pages/claim.py", id=str(scenario.claim_id))
    assert "Read-only instance" in claim.sidebar.info[0].value
    assert not claim.text_area and not claim.get("form")
    assert not [b for b in claim.button if b.label in ("Queue runs", "Save", "Validate")]
    assert '"ml-cs"' in claim.code[0].value, "the spec is shown, not editable"
    assert {c.value for c in claim.caption} >= {
        "🔒 Read-only instance: editing the spec is turned off.",
        "🔒 Read-only instance: queueing runs is turned off.",
    }
    assert not open_page("app_pages/reports.py").file_uploader
    jobs_page = open_page("app_pages/jobs.py")
    for job_id in (scenario.failed_job, scenario.queued_job, scenario.running_job):
        jobs_page.selectbox(key="job_pick").select(job_id)
        buttons = {b.label for b in rerun(jobs_page).button}
        assert not buttons & {"Cancel", "Retry"}

    before = [(j.id, j.state) for j in jobs.list_jobs(settings)]
    with pytest.raises(ReadOnlyError):
        set_spec(ro, scenario.other_id, SPEC)
    with pytest.raises(ReadOnlyError):
        reproduce(ro, [scenario.claim_id], "paper")
    with pytest.raises(ReadOnlyError):
        ingest_report_bytes(ro, b"x", "x.txt")
    with pytest.raises(ReadOnlyError):
        jobs.cancel_job(ro, scenario.queued_job)
    with pytest.raises(ReadOnlyError):
        jobs.retry_job(ro, scenario.failed_job)
    assert [(j.id, j.state) for j in jobs.list_jobs(settings)] == before
    assert get_claim(settings, scenario.other_id).spec[0]["lhs"] == "fine-tuning"
    assert len(list_reports(settings)) == 3
    assert CLAIM_TEXT in open_page().dataframe[0].value["claim"].tolist()
