"""Research questions page: the reviews that ask each question and the studies that answer it."""

from pathlib import Path

import altair as alt
import appdata
import appwidgets
import pandas as pd
import streamlit as st

from claimlab.errors import NotReadyError, ReadOnlyError
from claimlab.present.plain import literal
from claimlab.present.words import PROFILE_NOTES
from claimlab.records import PROFILES
from claimlab.services.studies import Question, StudyError, StudyResult
from claimlab.services.workers import worker_state

settings = appdata.settings()
WORKER = "claimlab worker --until-empty"


def shown_path(path: str) -> str:
    """A study file's path relative to the working directory when it is under it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def asked_by(question: Question) -> None:
    """The reviews whose research question this is, each linking to the Reports page."""
    if not question.reports:
        st.caption("No ingested review asks this question.")
        return
    st.markdown(f"**Asked by {len(question.reports)} review(s):**")
    for title in question.reports:
        st.page_link("app_pages/reports.py", label=literal(title), icon=":material/description:")


def describe(result: StudyResult) -> None:
    """What the study sweeps, on which task, at which profile."""
    s = result.study
    systems = "" if s.factor == "system" else f" · **systems** {', '.join(s.systems)}"
    levels = ", ".join(str(level) for level in s.levels)
    st.markdown(f"**Recipe** {s.recipe}{systems} · **factor** {s.label} (`{s.factor}`): {levels}")
    setting = f" ({s.setting})" if s.setting else ""
    pairs = ", ".join(p or "avg" for p in s.pairs)
    st.markdown(
        f"**Task** {s.task}{setting} · **metric** {s.metric} · **pairs** {pairs} · "
        f"**profile** {s.profile} · **seeds** {s.seeds}"
    )
    st.caption(f"**{result.label}** · {PROFILE_NOTES.get(s.profile, '')}")


def run_commands(result: StudyResult) -> list[str]:
    """The commands that run the study from a shell."""
    s = result.study
    return [f"claimlab study run {shown_path(s.path)} --profile {s.profile}", WORKER]


def status(result: StudyResult) -> bool:
    """Say how many runs finished and what is pending; True when some have finished."""
    counts = result.status
    others = ", ".join(
        f"{counts[k]} {k}" for k in ("running", "queued", "failed", "cancelled") if counts.get(k)
    )
    missing = counts.get("missing", 0)
    parts = [f"{result.finished} of {result.total} run(s) finished"]
    parts += [others] if others else []
    parts += [f"{missing} not queued"] if missing else []
    st.caption(" · ".join(parts))
    if result.finished == 0:
        st.info(
            f"Nothing has run yet for this study at the {result.study.profile} profile, so there "
            "are no numbers. Queue its runs and start a worker:"
        )
        st.code("\n".join(run_commands(result)), language="bash")
        return False
    if result.finished < result.total:
        st.caption(
            f"{result.total - result.finished} run(s) not finished; the numbers below use the "
            f"finished ones. To run the rest: `{' && '.join(run_commands(result))}`."
        )
    return True


def rows_frame(result: StudyResult) -> pd.DataFrame:
    """Mean ± 95% CI per level, system and pair, with n and pending counts."""
    s = result.study
    records = []
    for r in result.rows:
        half = r.ci_high - r.mean if r.ci_high is not None else None
        # With `system` as the factor, the level is the system.
        system = {} if s.factor == "system" else {"system": r.system}
        records.append(
            {
                s.label: str(r.level),
                **system,
                "pair": r.pair,
                "n": r.n,
                "pending": r.pending,
                "mean": r.mean,
                "± 95% CI": half,
                "95% CI": f"[{r.ci_low:.3f}, {r.ci_high:.3f}]" if half is not None else "–",
                "values": ", ".join(f"{v:.3f}" for v in r.values),
            }
        )
    return pd.DataFrame.from_records(records)


def shown_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: means and half-widths to 3 places, a dash where there is none."""
    shown = frame.copy()
    for column in ("mean", "± 95% CI"):
        shown[column] = [("–" if pd.isna(v) else f"{v:.3f}") for v in frame[column]]
    return shown


def interval_chart(result: StudyResult, frame: pd.DataFrame) -> alt.FacetChart | None:
    """Means (dots) with their 95% CIs (bars) per level and system, one panel per pair."""
    s = result.study
    data = frame.dropna(subset=["mean"])
    if data.empty:
        return None
    half = data["± 95% CI"].fillna(0.0)
    data = pd.DataFrame(
        {
            "level": data[s.label],
            "series": data.get("system", s.label),
            "pair": data["pair"],
            "n": data["n"],
            "mean": data["mean"],
            "low": data["mean"] - half,
            "high": data["mean"] + half,
            "ci": data["95% CI"],
        }
    )
    x = alt.X("level:N", sort=[str(v) for v in s.levels], title=s.label)
    y_title = f"{s.metric} (mean ± 95% CI)"
    base = alt.Chart().encode(x=x, color=alt.Color("series:N", title="system"))
    bars = base.mark_rule(size=2).encode(
        y=alt.Y("low:Q", title=y_title, scale=alt.Scale(zero=False)), y2="high:Q"
    )
    dots = base.mark_point(filled=True, size=70).encode(
        y=alt.Y("mean:Q", title=y_title),
        tooltip=["level", "series", "pair", "n", alt.Tooltip("mean:Q", format=".3f"), "ci"],
    )
    return (
        alt.layer(bars, dots, data=data)
        .properties(height=240, width=280)
        .facet(column=alt.Column("pair:N", title=None))
        .properties(title=f"{s.name} · {result.label}")
    )


def numbers(result: StudyResult) -> None:
    """The table, the chart and the answer in words, each labelled with profile and stand-in."""
    frame = rows_frame(result)
    st.caption(f"{result.study.metric}, mean ± 95% CI over seeds · {result.label}")
    st.dataframe(shown_numbers(frame), hide_index=True, width="stretch")
    chart = interval_chart(result, frame)
    if chart is not None:
        st.altair_chart(chart)
        st.caption("Bars: 95% confidence interval of the mean (none where only one seed ran).")
    st.markdown(f"**Answer** ({result.label}, not the paper's result): {result.answer}")


def run_button(result: StudyResult) -> None:
    """Queue the study's missing runs at the chosen profile."""
    s = result.study
    if appwidgets.readonly_note(settings, "running studies"):
        return
    if not st.button("Run study", type="primary", key=f"run_{s.name}"):
        return
    try:
        new, known = appdata.queue_study(settings, s.path, s.profile)
    except (StudyError, ValueError, ReadOnlyError, NotReadyError) as exc:
        st.error(f"Nothing queued: {exc}")
        return
    appwidgets.flash(
        f"study_{s.name}",
        f"{new} run(s) queued, {known} already known at the {s.profile} profile; "
        f"{worker_state(settings).queue_note}; progress is on the Jobs page.",
    )


def study(own: StudyResult) -> None:
    """One study: its design, a profile choice, its status, numbers, answer and Run button."""
    name, path = own.study.name, own.study.path
    st.markdown(f"##### Study `{Path(path).name}`")
    profile = st.radio(
        "Profile",
        PROFILES,
        index=PROFILES.index(own.study.profile),
        horizontal=True,
        key=f"profile_{name}",
        help="Default: the study file's own profile.",
    )
    result = own
    if profile != own.study.profile:
        try:
            result = appwidgets.load(appdata.study_result, settings, path, profile)
        except StudyError as exc:
            st.error(str(exc))
            return
    describe(result)
    appwidgets.show_flash(f"study_{name}")
    if status(result):
        numbers(result)
    run_button(result)


def question(q: Question) -> None:
    """A research question, who asks it, and its studies (or that there is none)."""
    with st.container(border=True):
        st.subheader(literal(q.text), anchor=False)
        asked_by(q)
        if not q.studies:
            st.info(
                "No study yet. A study file in "
                f"`{shown_path(str(settings.studies_dir))}` with this question answers it here "
                "(see `examples/studies`; check it with `claimlab study plan FILE`)."
            )
        for result in q.studies:
            study(result)


st.title("Research questions")
st.caption(
    "Each review states a research question; a study file answers it with a sweep over one "
    "factor. Numbers come from the study's profile and stand-in task: evidence about the "
    "direction of an effect, never the paper's own result."
)
found, broken = appwidgets.load(appdata.research_questions, settings)
for bad in broken:
    st.error(
        f"Study file {literal(Path(bad.path).name)} not used: {literal(bad.error, keep_lines=True)}"
    )
if not found:
    st.info(
        "No research questions yet. Ingest reviews with "
        "`claimlab ingest report examples/reports`, and put study files (YAML) in "
        f"`{shown_path(str(settings.studies_dir))}` (CLAIMLAB_STUDIES)."
    )
    st.stop()
studied = sum(1 for q in found if q.studies)
st.caption(f"{len(found)} question(s) · {studied} with a study · {len(found) - studied} without")
for q in found:
    question(q)
