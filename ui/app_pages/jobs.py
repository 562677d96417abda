"""Jobs page: queued and running jobs with progress bars, the tail of a log, cancel and retry."""

import appdata
import appwidgets
import streamlit as st

from claimlab.errors import ReadOnlyError
from claimlab.present.base_model import BASE_MODEL_LABEL, base_model_frame, base_model_rows
from claimlab.present.frames import jobs_frame
from claimlab.present.plain import literal
from claimlab.present.words import job_label
from claimlab.records import JobView
from claimlab.services.jobs import job_log
from claimlab.services.workers import worker_state

STATES = ("queued", "running", "succeeded", "failed", "cancelled")
LOG_LINES = 80

st.title("Jobs")
settings = appdata.settings()
appwidgets.require_ready(settings)


def worker_status() -> None:
    """The workers' state from their heartbeat files: idle, running N, or not running."""
    state = worker_state(settings)
    st.markdown(f"**Worker:** {state.label}")
    if not state.workers:
        st.caption(
            "Queued jobs wait until a worker runs: `claimlab worker` on this database "
            "(`claimlab serve` starts one with the app)."
        )


if not appdata.job_counts(settings):
    worker_status()
    st.info(
        "No jobs yet. Queue the runs a claim needs with **Queue runs** on its page, or "
        "`claimlab reproduce CLAIM_ID --profile mini` (`--all` for every claim)."
    )
    st.stop()
active = {"queued", "running"} & set(appdata.job_counts(settings))
auto = st.toggle("Refresh every 5 s", value=bool(active), key="auto_refresh")


def default_job(found: list[JobView]) -> int:
    """Index of the job to show first: a running one, else a failed one, else the newest."""
    for state in ("running", "failed"):
        for i, job in enumerate(found):
            if job.state == state:
                return i
    return 0


def actions(job: JobView) -> None:
    """Cancel and retry, where the job's state allows them."""
    if appwidgets.readonly_note(settings, "cancelling and retrying jobs"):
        return
    cancel_col, retry_col, _ = st.columns([1, 1, 4])
    outcome = None
    try:
        if job.state in ("queued", "running") and cancel_col.button("Cancel", key="cancel"):
            outcome = f"job {job.id}: {appdata.cancel_job(settings, job.id)}"
        if job.state in ("failed", "cancelled") and retry_col.button("Retry", key="retry"):
            outcome = f"job {job.id}: {appdata.retry_job(settings, job.id)}"
    except ReadOnlyError as exc:
        st.error(str(exc))
    if outcome:
        st.session_state["job_outcome"] = outcome
        st.rerun()


def detail(job: JobView) -> None:
    """One job: state, progress, error and the tail of its log."""
    with st.container(border=True):
        st.markdown(f"**{literal(job_label(job))}**")
        if job.progress is not None:
            st.progress(job.progress, text=f"step {job.step} of {job.total}")
        st.caption(
            f"attempt {job.attempts} of {job.max_attempts} · run {job.run.config_hash[:12]}"
            + (f" · worker {job.lease_owner}" if job.lease_owner else "")
            + (f" · workdir {job.run.workdir}" if job.run.workdir else "")
        )
        if job.error:
            st.error(literal(job.error, keep_lines=True))
        log = job_log(job, LOG_LINES)
        if log:
            st.caption(f"last {LOG_LINES} lines of {job.log_path}")
            st.code(log, language=None)
        else:
            st.caption("No log yet.")
        if base_model_rows(job.run.metrics):
            st.caption(BASE_MODEL_LABEL)
            st.dataframe(base_model_frame(job.run.metrics), hide_index=True)
        if job.run.metrics:
            st.json(job.run.metrics, expanded=False)
        actions(job)


@st.fragment(run_every=5 if auto else None)
def board() -> None:
    """Counts, running jobs with progress bars, the table and one job in detail."""
    if "job_outcome" in st.session_state:
        st.success(st.session_state.pop("job_outcome"))
    worker_status()
    counts = appdata.job_counts(settings)
    for col, state in zip(st.columns(len(STATES)), STATES, strict=True):
        col.metric(state, counts.get(state, 0))
    running = appdata.job_list(settings, ("running",))
    for job in running[:20]:
        steps = f"step {job.step} of {job.total}" if job.total else "starting"
        st.progress(job.progress or 0.0, text=f"{job_label(job)} · {steps}")
    chosen = st.multiselect("State", STATES, default=list(STATES), key="job_states")
    found = appdata.job_list(settings, tuple(chosen) or None)
    if not found:
        st.info("No job in these states.")
        return
    st.dataframe(
        jobs_frame(found),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(found), 420),
        column_config={
            "progress": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0),
            "error": st.column_config.TextColumn(width="large"),
        },
    )
    by_id = {job.id: job for job in found}
    picked = st.selectbox(
        "Job",
        list(by_id),
        index=default_job(found),
        format_func=lambda i: job_label(by_id[i]),
        key="job_pick",
    )
    detail(by_id[picked])


board()
