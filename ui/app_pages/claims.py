"""Claims page: one row per canonical claim."""

import streamlit as st

from claimlab import views
from claimlab.config import Settings
from claimlab.services import NotReadyError

st.title("Claims")
try:
    frame = st.cache_data(ttl=30, show_spinner=False)(views.claims_frame)(Settings.from_env())
except NotReadyError as exc:
    st.error(str(exc))
    st.stop()

if frame.empty:
    st.info(
        "No claims yet. Ingest review files with `claimlab ingest report examples/reports` "
        "and reload this page."
    )
    st.stop()

query = st.text_input("Search claims", placeholder="e.g. translate-train")
if query:
    frame = frame[frame["claim"].str.contains(query, case=False, regex=False)]
st.caption(f"{len(frame)} claim(s)")
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        "claim": st.column_config.TextColumn(width="large"),
        "confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f"),
    },
)
