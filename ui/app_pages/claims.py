"""Claims page: one row per canonical claim, filters, search and sort; a row opens its page."""

import appdata
import appwidgets
import streamlit as st

from claimlab.present import claims as table
from claimlab.present.words import PROFILE_NOTES
from claimlab.records import PROFILES, VERDICT_STATES

LABELS = {"smoke": "Pipeline check", "mini": "Stand-in evidence", "paper": "The paper's setup"}
NEXT_STEP = {
    "smoke": "For evidence, run at **mini**: `claimlab reproduce --all --profile mini`.",
    "mini": (
        "For more, run at **paper** on a GPU machine: `claimlab reproduce --all --profile "
        "paper` and `claimlab worker` there on this database (or `claimlab results import` "
        "the bundle it exports), or more seeds with `--seeds`."
    ),
}

SOURCES = {"all": None, "reviews": "review", "papers": "paper"}

st.title("Claims")
settings = appdata.settings()
appwidgets.keep(("f_source",), {})
source = st.radio(
    "Source",
    list(SOURCES),
    horizontal=True,
    key="f_source",
    help="Claims a review mentions, claims a paper states in its own text (sentences and "
    "results-table values), or both",
)
frame = appwidgets.load(appdata.claims_frame, settings, SOURCES[source])

if frame.empty:
    upload = "" if settings.ui_readonly else " (or upload one on the Reports page)"
    if source == "papers":
        st.info(
            "No claims from the papers' own text yet: `claimlab papers extract` reads them "
            "from the ingested PDFs."
        )
    else:
        st.info(
            "No claims yet. Ingest review files with `claimlab ingest report examples/reports`"
            f"{upload} and reload this page."
        )
    appwidgets.remember(("f_source",))
    st.stop()

FILTERS = (
    "f_source",
    "search",
    "sort",
    "descending",
    "f_reports",
    "f_papers",
    "f_states",
    "f_profile",
    "f_kinds",
)
options = table.filter_options(frame)
appwidgets.keep(
    FILTERS,
    {
        "f_reports": options["reports"],
        "f_papers": options["papers"],
        "f_states": options["states"],
        "f_kinds": options["kinds"],
    },
)
search_col, sort_col, order_col = st.columns([4, 2, 1], vertical_alignment="bottom")
search = search_col.text_input("Search claims", placeholder="e.g. translate-train", key="search")
sort = sort_col.selectbox("Sort by", list(table.SORTS), key="sort")
descending = order_col.toggle("Descending", key="descending")
report_col, paper_col, state_col, profile_col, kind_col = st.columns([3, 2, 2, 1, 2])
reports = report_col.multiselect("Report", options["reports"], key="f_reports")
paper_keys = paper_col.multiselect("Paper", options["papers"], key="f_papers")
states = state_col.multiselect("Verdict", options["states"], key="f_states")
profile = profile_col.selectbox("at profile", ["any", *PROFILES], key="f_profile")
kinds = kind_col.multiselect("Kind", options["kinds"], key="f_kinds")

appwidgets.remember(FILTERS)
shown = table.filter_claims(
    frame,
    table.ClaimFilter(
        search=search,
        reports=tuple(reports),
        papers=tuple(paper_keys),
        states=tuple(states),
        kinds=tuple(kinds),
        profile=None if profile == "any" else profile,
        sort=sort,
        descending=descending,
    ),
)
verdicts = int((frame["_rank"] < len(VERDICT_STATES)).sum())
st.caption(
    f"{len(shown)} of {len(frame)} claim(s) · {verdicts} with a verdict · "
    "select a row to open the claim"
)
judged = [p for p in PROFILES if any(p in states for states in frame["_states"])]
if judged:
    top = judged[-1]
    notes = " ".join(f"**{LABELS[p]}**, verdicts at {PROFILE_NOTES[p]}" for p in judged)
    more = NEXT_STEP.get(top, "")
    if more and not settings.ui_readonly:
        more += " Open a claim and press **Queue runs**: a running worker picks them up."
    st.info(f"{notes} {more}".strip())
elif settings.ui_readonly:
    st.caption("No verdicts yet: no runs have finished on this instance.")
else:
    st.caption(
        "No verdicts yet: open a claim and press **Queue runs** (the worker that `claimlab "
        "serve` starts runs them), or load finished runs with `claimlab results import FILE`."
    )
event = st.dataframe(
    shown[table.CLAIM_COLUMNS],
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * max(len(shown), 1), 640),
    key="claims_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "id": st.column_config.NumberColumn(width=50),
        "claim": st.column_config.TextColumn(width=420),
        "source": st.column_config.TextColumn(
            width=110, help="Mentioned by a review, stated in a paper's own text, or both"
        ),
        **{
            p: st.column_config.TextColumn(f"verdict {p}", width=125, help=PROFILE_NOTES[p])
            for p in PROFILES
        },
        "reports": st.column_config.NumberColumn(width=65, help="Reports that mention the claim"),
        "✓": st.column_config.NumberColumn(width=40, help="Mentions marked verified"),
        "×": st.column_config.NumberColumn(width=40, help="Mentions marked not verified"),
        "confidence": st.column_config.ProgressColumn(
            width=100, min_value=0.0, max_value=1.0, format="%.2f", help="Mean over mentions"
        ),
        "conf. range": st.column_config.TextColumn(width=85),
        "grounding": st.column_config.TextColumn(
            width=170, help="Best evidence passage: paper, page and grounding score"
        ),
        "claimed vs measured": st.column_config.TextColumn(width=380),
        "cut off": st.column_config.CheckboxColumn(width=60, help="Cut off in every review"),
    },
)
appwidgets.open_selected(event, shown, "id", "app_pages/claim.py", "id")
