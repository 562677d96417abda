"""Reports page: the ingested reviews, their research questions and counts; upload a review."""

import appdata
import appwidgets
import streamlit as st

from claimlab.errors import NotReadyError, ReadOnlyError
from claimlab.present.plain import literal

st.title("Reports")
settings = appdata.settings()
frame = appwidgets.load(appdata.reports_frame, settings)


def upload(expanded: bool) -> bool:
    """Ingest an uploaded review with the CLI's parser, show the outcome; True when ingested."""
    if appwidgets.readonly_note(settings, "uploading reviews"):
        return False
    with st.expander("Upload a review file", expanded=expanded):
        st.caption(
            "A review in the format of `examples/reports` (.txt or .md), read by the same "
            "parser, with the same checks and errors, as `claimlab ingest report`."
        )
        uploaded = st.file_uploader("Review file", type=["txt", "md"], key="review_file")
        if not st.button("Ingest", type="primary", disabled=uploaded is None, key="ingest"):
            return False
        try:
            result = appdata.upload_report(settings, uploaded.getvalue(), uploaded.name)
        except (NotReadyError, ReadOnlyError) as exc:
            st.error(str(exc))
            return False
        if result.status == "failed":
            st.error(f"Not ingested: {result.error}")
            return False
        st.success(
            f"{result.source}: {result.status}, {result.mentions} claim mention(s), "
            f"{result.new_claims} new claim(s)."
        )
        return True


if upload(expanded=frame.empty):
    frame = appwidgets.load(appdata.reports_frame, settings)
if frame.empty:
    st.info(
        "No reports yet. Upload a review above, or run "
        "`claimlab ingest report examples/reports` (files or folders of .txt / .md reviews)."
    )
    st.stop()

st.caption(
    f"{len(frame)} report(s) · {int(frame['claims'].sum())} claim mention(s), newest first · "
    "select a row for its research question and counts"
)
event = st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    key="reports_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "title": st.column_config.TextColumn(width="medium"),
        "quality": st.column_config.NumberColumn(format="%.1f", help="Quality score out of 10"),
        "research question": st.column_config.TextColumn(width="large"),
    },
)
rows = event.selection.rows
report = frame.iloc[rows[0] if rows else 0]
with st.container(border=True):
    st.markdown(f"**{literal(report['title'])}** · {report['date'] or 'undated'}")
    st.markdown(f"**Research question:** {literal(report['research question'] or '–')}")
    if report["examined paper"]:
        st.caption(f"Examined paper: {literal(report['examined paper'])}")
    cols = st.columns(5)
    for col, name in zip(
        cols, ["claims", "extracted", "verified", "papers retrieved", "quality"], strict=True
    ):
        value = report[name]
        col.metric(name, "–" if value is None or value != value else f"{value:g}")
    if report["arXiv"]:
        st.caption(f"Cites arXiv {literal(report['arXiv'])}")
