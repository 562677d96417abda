"""Reports page: the ingested reviews, their research questions and counts; upload a review."""

import appdata
import appwidgets
import streamlit as st

from claimlab.errors import NotFoundError, NotReadyError, ReadOnlyError
from claimlab.present.plain import literal

st.title("Reports")
settings = appdata.settings()
frame = appwidgets.load(appdata.reports_frame, settings)


def upload(expanded: bool) -> bool:
    """Ingest an uploaded review as a new report, or replace the report picked here; show
    the outcome; True when something was stored."""
    if appwidgets.readonly_note(settings, "uploading reviews"):
        return False
    with st.expander("Upload a review file", expanded=expanded):
        st.caption(
            "A review in the format of `examples/reports` (.txt or .md), read by the same "
            "parser, with the same checks and errors, as `claimlab ingest report`. Each upload "
            "is a report of its own (the same content twice is one); to replace a report, "
            "pick it below."
        )
        uploaded = st.file_uploader("Review file", type=["txt", "md"], key="review_file")
        titles = dict(zip(frame["id"], frame["title"], strict=True)) if not frame.empty else {}
        target = st.selectbox(
            "Report to replace",
            list(titles),
            index=None,
            format_func=lambda i: f"{i}: {titles[i]}",
            placeholder="none: ingest as a new report",
            key="replace_target",
        )
        add_col, replace_col, _ = st.columns([1, 1, 3])
        add = add_col.button("Ingest", type="primary", disabled=uploaded is None, key="ingest")
        swap = replace_col.button(
            "Replace", disabled=uploaded is None or target is None, key="replace"
        )
        if not (add or swap):
            return False
        data, name = uploaded.getvalue(), uploaded.name
        try:
            if swap:
                result = appdata.replace_report(settings, int(target), data, name)
            else:
                result = appdata.upload_report(settings, data, name)
        except (NotReadyError, NotFoundError, ReadOnlyError) as exc:
            st.error(literal(exc))
            return False
        if result.status == "failed":
            st.error(f"Not ingested: {literal(result.error)}")
            return False
        if result.status == "unchanged":
            st.info(f"{literal(name)}: unchanged, the same content is report {result.report_id}.")
            return False
        done = "added as" if result.status == "added" else "replaced"
        st.success(
            f"{literal(name)}: {done} report {result.report_id}, "
            f"{result.mentions} claim mention(s), {result.new_claims} new claim(s)."
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
