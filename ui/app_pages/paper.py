"""Paper page: metadata, PDF status, the claims made about it, the claims and results-table
values it states itself, and its passages."""

import appdata
import appwidgets
import streamlit as st

from claimlab.present import frames
from claimlab.present import paper_claims as stated
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

st.subheader("Claims of the reviews")
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

own = appdata.stated_claims(settings, paper.id)
tables = appdata.paper_tables(settings, paper.id)
done = paper.pdf_status == "ok" and appdata.extracted(settings, paper.id)
extract_hint = f"`claimlab papers extract {paper.key}` reads them from the PDF."

st.subheader("Claims the paper states")
sentences = stated.stated_frame(own, paper.key, [t.passage_id for t in tables])
if sentences.empty:
    if done:
        st.caption("No sentence of this paper states a claim the parser recognises.")
    elif paper.pdf_status == "ok":
        st.info(f"Claims not extracted from this paper yet: {extract_hint}")
    else:
        st.caption("No PDF, no sentences.")
else:
    st.caption(
        f"{len(sentences)} sentence(s) of the paper's own text, as the parser read them · "
        "reviews: how many reviews mention the same claim · select a row to open the claim"
    )
    event = st.dataframe(
        sentences,
        hide_index=True,
        width="stretch",
        key="stated_claims",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "id": st.column_config.NumberColumn(width=50),
            "sentence": st.column_config.TextColumn(width=320),
            "page": st.column_config.NumberColumn(width=45),
            "kind": st.column_config.TextColumn(width=110),
            "read as": st.column_config.TextColumn(width=220),
            "verdicts": st.column_config.TextColumn(width=200),
            "reviews": st.column_config.NumberColumn(
                width=65, help="Reviews that mention the same claim"
            ),
        },
    )
    appwidgets.open_selected(event, sentences, "id", "app_pages/claim.py", "id")

st.subheader("Results tables")
values = stated.values_frame(tables, own, paper.key)
if values.empty:
    unread = len(tables)
    if unread:
        st.caption(f"{unread} table(s) with no number that could be read.")
    elif paper.pdf_status == "ok":
        st.caption("No table passages in this paper.")
else:
    claimed = int(values["claim"].notna().sum())
    st.caption(
        f"{len(values)} number(s) from {values['table'].nunique()} table(s) · {claimed} are "
        "value claims (a recipe's system and metric), with their verdicts · "
        + (
            "select a row with a claim to open it"
            if claimed
            else "none names a recipe's system and metric"
            if done
            else extract_hint
        )
    )
    event = st.dataframe(
        values,
        hide_index=True,
        width="stretch",
        key="table_values",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "table": st.column_config.TextColumn(width=70),
            "page": st.column_config.NumberColumn(width=50),
            "value": st.column_config.TextColumn(width=70, help="As the table prints it"),
            "unit": st.column_config.TextColumn(width=40),
            "best": st.column_config.CheckboxColumn(width=50, help="Set in bold in the table"),
            "claim": st.column_config.NumberColumn(width=60),
            "verdicts": st.column_config.TextColumn(width=260),
        },
    )
    appwidgets.open_selected(event, values, "claim", "app_pages/claim.py", "id")

if paper.passages:
    with st.expander(f"Passages ({len(paper.passages)}, reading order)"):
        st.dataframe(
            frames.passages_frame(paper),
            hide_index=True,
            width="stretch",
            column_config={"text": st.column_config.TextColumn(width="large")},
        )
