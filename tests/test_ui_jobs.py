"""The Jobs page through AppTest: progress bars, a failing job's log, cancel and retry."""

from support.app import open_page, rerun, use_app
from support.rendered import text_of
from support.scenario import FAILURE, build

from claimlab.services import jobs


def progress_bars(at) -> list[tuple[int, str]]:
    """(percent, text) of every st.progress on the page."""
    return [(p.proto.value, p.proto.text) for p in at.get("progress")]


def test_jobs_page_progress_failure_log_cancel_and_retry(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/jobs.py")
    assert {m.label: m.value for m in at.metric} == {
        "queued": "1",
        "running": "1",
        "succeeded": "10",
        "failed": "1",
        "cancelled": "0",
    }
    table = at.dataframe[0].value.set_index("job")
    assert table.loc[scenario.running_job, "progress"] == 0.25
    assert table.loc[scenario.failed_job, "error"] == FAILURE
    assert (
        25,
        f"job {scenario.running_job} · running · codeswitch bl-cs smoke seed 8 · step 30 of 120",
    ) in progress_bars(at)
    assert at.selectbox(key="job_pick").value == scenario.running_job, "a running job first"

    at.selectbox(key="job_pick").select(scenario.failed_job)
    at = rerun(at)
    assert text_of(at.error[0].value).splitlines()[-1] == FAILURE
    (log,) = at.code
    assert log.value.splitlines()[-1] == FAILURE and log.value.startswith("step 1 loss")
    assert [b.label for b in at.button if b.label in ("Cancel", "Retry")] == ["Retry"]
    at.button(key="retry").click()
    at = rerun(at)
    assert at.success[0].value == f"job {scenario.failed_job}: queued"
    assert jobs.get_job(settings, scenario.failed_job).state == "queued"

    at.selectbox(key="job_pick").select(scenario.queued_job)
    at = rerun(at)
    assert "No log yet." in [c.value for c in at.caption]
    at.button(key="cancel").click()
    at = rerun(at)
    assert at.success[0].value == f"job {scenario.queued_job}: cancelled"
    assert jobs.get_job(settings, scenario.queued_job).state == "cancelled"

    at.selectbox(key="job_pick").select(scenario.running_job)
    rerun(at).button(key="cancel").click()
    at = rerun(at)
    assert at.success[0].value == f"job {scenario.running_job}: running"
    assert jobs.get_job(settings, scenario.running_job).cancel_requested
    assert "running (cancel asked)" in at.dataframe[0].value["state"].tolist()

    at.multiselect(key="job_states").set_value(["cancelled"])
    assert list(rerun(at).dataframe[0].value["job"]) == [scenario.queued_job]
