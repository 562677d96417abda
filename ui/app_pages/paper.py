"""Paper page: metadata, PDF status, the claims made about it and its passages."""

import appdata
import appwidgets
import streamlit as st

from claimlab.present import frames
from claimlab.present.plain import literal

settings = appdata.settings()
key = appwidgets.query_param("key")
if key is None:
    st.title("Paper")
    found = appwidgets.load(appdata.papers_list, settings)
    if not found:
        st.info(
            "No papers yet: `claimlab ingest arxiv ID` or "
            "`claimlab ingest report --fetch-papers PATH`."
        )
        st.stop()
    key = st.selectbox(
        "Paper",
        [p.key for p in found],
        index=None,
        format_func=lambda k: f"{k}: {next(p.title or '' for p in found if p.key == k)[:100]}",
        placeholder="Pick a paper, or open one from the Papers page",
    )
    if key is None:
        st.stop()
    st.query_params["key"] = key
    st.rerun()

paper = appwidgets.load(appdata.paper, settings, key)
if paper is None:
    st.title("Paper")
    st.error(f"No paper {literal(key)}.")
    st.stop()

st.page_link("app_pages/papers.py", label="All papers", icon="⬅️")
st.title(literal(paper.title or paper.key))
st.caption(
    f"arXiv {paper.key} · "
    + (literal(", ".join(paper.authors)) or "authors unknown")
    + (f" · {literal(', '.join(paper.categories))}" if paper.categories else "")
    + (f" · published {paper.published:%Y-%m-%d}" if paper.published else "")
)
cols = st.columns(3)
cols[0].metric("PDF", paper.pdf_status)
cols[1].metric("Pages", paper.pages if paper.pages is not None else "–")
cols[2].metric("Passages", paper.passages_count)
if paper.pdf_error:
    st.error(f"PDF: {literal(paper.pdf_error)}")
elif not paper.passages:
    st.info(f"No passages yet: `claimlab ingest arxiv {paper.key}` downloads and reads the PDF.")

st.subheader("Claims")
claims = frames.claims_list_frame(appdata.paper_claims(settings, paper.id))
if claims.empty:
    st.info("No ingested review cites this paper.")
else:
    st.caption("Claims of the reviews that cite this paper · select a row to open the claim")
    event = st.dataframe(
        claims,
        hide_index=True,
        width="stretch",
        key="paper_claims",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "id": st.column_config.NumberColumn(width=50),
            "claim": st.column_config.TextColumn(width=420),
            "verdicts": st.column_config.TextColumn(width=360),
            "✓": st.column_config.NumberColumn(width=40),
            "×": st.column_config.NumberColumn(width=40),
            "confidence": st.column_config.ProgressColumn(
                width=110, min_value=0.0, max_value=1.0, format="%.2f"
            ),
        },
    )
    appwidgets.open_selected(event, claims, "id", "app_pages/claim.py", "id")

if paper.passages:
    with st.expander(f"Passages ({len(paper.passages)}, reading order)"):
        st.dataframe(
            frames.passages_frame(paper),
            hide_index=True,
            width="stretch",
            column_config={"text": st.column_config.TextColumn(width="large")},
        )
