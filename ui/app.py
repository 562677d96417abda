"""claimlab's Streamlit app: `streamlit run ui/app.py`."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="claimlab", page_icon="🔎", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES / "claims.py", title="Claims", icon="📋", default=True),
        st.Page(PAGES / "reports.py", title="Reports", icon="📄"),
    ]
)
navigation.run()
