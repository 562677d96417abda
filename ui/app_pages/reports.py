"""Reports page: the ingested reviews and their research questions."""

import streamlit as st

from claimlab import views
from claimlab.config import Settings
from claimlab.services import NotReadyError

st.title("Reports")
try:
    frame = st.cache_data(ttl=30, show_spinner=False)(views.reports_frame)(Settings.from_env())
except NotReadyError as exc:
    st.error(str(exc))
    st.stop()

if frame.empty:
    st.info("No reports yet. Run `claimlab ingest report PATH` with review files.")
    st.stop()

st.dataframe(frame, hide_index=True, width="stretch")
