"""claimlab's Streamlit app: `streamlit run ui/app.py`."""

from pathlib import Path

import appdata
import streamlit as st

from claimlab.errors import DatabaseUnavailableError, NotReadyError
from claimlab.services.access import database_label

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="claimlab", page_icon="🔎", layout="wide")
navigation = st.navigation(
    {
        "Browse": [
            st.Page(PAGES / "claims.py", title="Claims", icon=":material/checklist:", default=True),
            st.Page(PAGES / "papers.py", title="Papers", icon=":material/library_books:"),
            st.Page(PAGES / "reports.py", title="Reports", icon=":material/description:"),
            st.Page(PAGES / "questions.py", title="Research questions", icon=":material/quiz:"),
            st.Page(PAGES / "jobs.py", title="Jobs", icon=":material/pending_actions:"),
        ],
        "Detail": [
            st.Page(PAGES / "claim.py", title="Claim", icon=":material/fact_check:"),
            st.Page(PAGES / "paper.py", title="Paper", icon=":material/article:"),
        ],
    }
)
settings = appdata.settings()
with st.sidebar:
    if settings.ui_readonly:
        st.info("🔒 Read-only instance: nothing can be changed from here.")
    st.caption(f"Database: `{database_label(settings)}`")
    if st.button("Reload data", help="Forget cached reads and read the database again."):
        appdata.clear()
try:
    navigation.run()
except (DatabaseUnavailableError, NotReadyError) as exc:  # a read outside appwidgets.load
    st.error(str(exc))
