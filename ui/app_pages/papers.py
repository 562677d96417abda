"""Papers page: every paper version with its PDF status and passage counts; a row opens it."""

import appdata
import appwidgets
import streamlit as st

from claimlab.present import frames

st.title("Papers")
settings = appdata.settings()
found = appwidgets.load(appdata.papers_list, settings)

if not found:
    st.info(
        "No papers yet. Fetch the papers the reviews cite with "
        "`claimlab ingest report --fetch-papers examples/reports`, or one paper with "
        "`claimlab ingest arxiv 2106.01732`; then `claimlab ground` links claims to passages."
    )
    st.stop()

frame = frames.papers_frame(found, appwidgets.load(appdata.claims_list, settings, "paper"))
counts = frame["PDF"].value_counts()
st.caption(
    f"{len(frame)} paper version(s) · "
    + " · ".join(f"{n} {status}" for status, n in counts.items())
    + " · select a row to open the paper"
)
event = st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    key="papers_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "title": st.column_config.TextColumn(width="large"),
        "claims": st.column_config.NumberColumn(help="Claims of the reviews that cite it"),
        "stated": st.column_config.NumberColumn(
            help="Claims it states itself: sentences and results-table values "
            "(`claimlab papers extract`)"
        ),
    },
)
appwidgets.open_selected(event, frame, "paper", "app_pages/paper.py", "key")
