"""Claim page: mentions, evidence on its PDF page, the spec, runs, verdicts and reproduce."""

import appdata
import appwidgets
import charts
import streamlit as st

from claimlab.errors import NotFoundError, ReadOnlyError
from claimlab.present import frames, words
from claimlab.present.plain import literal
from claimlab.records import PROFILES, ClaimView
from claimlab.services.specs import SpecError, check_spec
from claimlab.services.workers import worker_state

settings = appdata.settings()
SPEC_STATUS = {
    "manual": "set by hand",
    "parsed": "parsed from the text",
    "needs-spec": "needs a hand-written spec",
    "description": "a description, nothing to measure",
    "unparsed": "not parsed yet",
}


def pick_claim() -> int:
    """The claim named by ?id=, or one picked here."""
    raw = appwidgets.query_param("id")
    if raw and raw.isdigit():
        return int(raw)
    st.title("Claim")
    choices = appwidgets.load(appdata.claim_choices, settings)
    if not choices:
        st.info(
            "No claims yet. Ingest review files with `claimlab ingest report examples/reports`."
        )
        st.stop()
    picked = st.selectbox(
        "Claim",
        list(choices),
        index=None,
        format_func=lambda i: f"{i}: {' '.join(choices[i].split())[:120]}",
        placeholder="Pick a claim, or open one from the Claims page",
    )
    if picked is None:
        st.stop()
    st.query_params["id"] = str(picked)
    st.rerun()


def header(claim: ClaimView) -> None:
    """The claim's text, tallies and verdicts at a glance."""
    st.page_link("app_pages/claims.py", label="All claims", icon="⬅️")
    st.title(f"Claim {claim.id}")
    st.markdown(f"#### {literal(claim.display_text)}")
    if claim.completed_text:
        st.caption(f"Completed from the paper; the reviews cut it off: “{literal(claim.text)}”")
    elif claim.truncated:
        st.caption(
            f"Cut off in every review; not yet completed from the paper "
            f"(`claimlab ground --claim {claim.id}`)."
        )
    cols = st.columns(5)
    cols[0].metric("Mentions", claim.mentions)
    cols[1].metric("✓ / ×", f"{claim.verified} / {claim.unverified}")
    conf = f"{claim.confidence_mean:.2f}" if claim.confidence_mean is not None else "–"
    cols[2].metric(
        "Confidence",
        conf,
        words.confidence_range(claim.confidence_min, claim.confidence_max),
        delta_color="off",
        delta_arrow="off",
    )
    cols[3].metric("Grounding", claim.grounding_status)
    cols[4].metric("Spec", SPEC_STATUS.get(claim.spec_status, claim.spec_status))
    if claim.spec_reason:
        cols[4].caption(f"Why {claim.spec_status}: {literal(claim.spec_reason)}")
    if claim.verdicts:
        st.markdown(" · ".join(words.verdict_label(v) for v in claim.verdicts))


def mentions(claim: ClaimView) -> None:
    """Every mention: report, raw text, mark, confidence."""
    st.subheader("Mentions")
    st.dataframe(
        frames.mentions_frame(claim),
        hide_index=True,
        width="stretch",
        column_config={
            "text": st.column_config.TextColumn(width="large"),
            "confidence": st.column_config.ProgressColumn(
                min_value=0.0, max_value=1.0, format="%.2f"
            ),
        },
    )


def evidence(claim: ClaimView) -> None:
    """The best passages, each on its rendered PDF page with the passage highlighted."""
    st.subheader("Evidence")
    if not claim.evidence:
        if claim.grounding_status == "not-found":
            st.info("Not found in source: no passage of the cited papers scored above threshold.")
        else:
            st.info(
                "Not grounded yet. Fetch the papers the reviews cite "
                "(`claimlab ingest report --fetch-papers PATH` or `claimlab ingest arxiv ID`), "
                f"then run `claimlab ground --claim {claim.id}`."
            )
        return
    for rank, ev in enumerate(claim.evidence[:3], 1):
        with st.container(border=True):
            text_col, image_col = st.columns([2, 3])
            text_col.markdown(f"**#{rank} · {literal(ev.paper)}, page {ev.page}**")
            if ev.paper_title:
                text_col.caption(literal(ev.paper_title))
            text_col.caption(
                f"score {ev.score:.2f} · {ev.method} · {ev.kind}"
                + (f" · section “{literal(ev.section)}”" if ev.section else "")
            )
            text_col.markdown(f"> {literal(ev.text)}")
            png = appdata.evidence_png(ev)
            if png:
                image_col.image(
                    png, caption=f"{ev.paper} p.{ev.page}, passage highlighted", output_format="PNG"
                )
            else:
                image_col.info(
                    f"No PDF on disk for {ev.paper}: `claimlab ingest arxiv {ev.paper}`."
                )
    if len(claim.evidence) > 3:
        with st.expander(f"{len(claim.evidence) - 3} more passage(s)"):
            for ev in claim.evidence[3:]:
                head = f"**{literal(ev.paper)} p.{ev.page}** · score {ev.score:.2f}"
                st.markdown(f"{head}: {literal(ev.text)}")


def spec(claim: ClaimView) -> None:
    """The spec as JSON: shown, or edited, validated and saved as hand-set."""
    st.subheader("Spec")
    status = SPEC_STATUS.get(claim.spec_status, claim.spec_status)
    st.caption(f"Predicates that make the claim measurable ({status}).")
    if claim.spec_status == "unparsed":
        st.caption(f"Not parsed yet: `claimlab claims parse {claim.id}` (or write one here).")
    if claim.spec:
        st.dataframe(frames.reading_frame(claim.spec), hide_index=True, width="stretch")
    if appwidgets.readonly_note(settings, "editing the spec"):
        st.code(words.spec_text(claim.spec), language="json")
        return
    appwidgets.show_flash("spec")
    with st.form(f"spec_form_{claim.id}"):
        text = st.text_area(
            "Spec (a JSON list of predicates)",
            words.spec_text(claim.spec),
            height=220,
            key=f"spec_text_{claim.id}",  # per claim: never save one claim's text on another
        )
        check_col, save_col = st.columns(2)
        check = check_col.form_submit_button("Validate")
        save = save_col.form_submit_button("Save", type="primary")
    if not (check or save):
        return
    try:
        predicates = check_spec(text)
        if save:
            appdata.save_spec(settings, claim.id, predicates)
    except SpecError as exc:
        st.error(f"Not saved: {exc}" if save else f"Invalid: {exc}")
    except ReadOnlyError as exc:
        st.error(str(exc))
    else:
        if save:
            appwidgets.flash("spec", f"Saved as a hand-set spec ({len(predicates)} predicate(s)).")
        st.success(f"Valid: {len(predicates)} predicate(s).")


def runs(claim: ClaimView) -> None:
    """Per-seed numbers of the runs behind the spec at a profile, and their chart."""
    st.subheader("Runs")
    ran = [v["profile"] for v in claim.verdicts if v["profile"] in PROFILES]
    default = max(ran, key=PROFILES.index) if ran else "mini"
    profile = st.radio("Profile", PROFILES, index=PROFILES.index(default), horizontal=True)
    st.caption(words.PROFILE_NOTES[profile])
    if not claim.spec:
        st.info(
            "No spec, so nothing to run: write one above or run "
            f"`claimlab claims parse {claim.id}`."
        )
        return
    try:
        rows = appdata.measurements(settings, claim.id, profile)
    except (NotFoundError, ValueError, ImportError) as exc:
        st.warning(f"Cannot plan runs at {profile}: {exc}")
        return
    frame = frames.measurements_frame(rows)
    if frame.empty:
        st.info(f"Nothing to run at {profile}: no predicate can be measured at this profile.")
        return
    done = int((frame["status"] == "succeeded").sum())
    st.caption(f"{len(frame)} measurement(s) planned, {done} done.")
    if done < len(frame):
        st.info(
            f"{len(frame) - done} of {len(frame)} measurement(s) not run yet at {profile}: "
            f"queue the runs below or with `claimlab reproduce {claim.id} --profile {profile}`; "
            f"{worker_state(settings).queue_note}."
        )
    st.dataframe(
        frame.dropna(axis="columns", how="all"),
        hide_index=True,
        width="stretch",
        column_config={"value": st.column_config.NumberColumn(format="%.4f")},
    )
    for index, part in frame.groupby("predicate", sort=True):
        predicate = claim.spec[index] if index < len(claim.spec) else {}
        title = f"predicate {index}: claimed {words.predicate_text(predicate)}"
        chart = charts.measured_vs_claimed(part, title)
        if chart is not None:
            st.altair_chart(chart, width="stretch")


def verdicts(claim: ClaimView) -> None:
    """Each profile's verdict with its stand-in, the rules in words and the numbers."""
    st.subheader("Verdicts")
    if not claim.verdicts:
        st.info(
            "No verdict yet: when the runs have finished, `claimlab serve` judges them, or "
            f"`claimlab verdicts compute --profile mini {claim.id}`."
        )
        return
    # Largest profile first: it says the most about the paper.
    order = {p: -i for i, p in enumerate(PROFILES)}
    for verdict in sorted(claim.verdicts, key=lambda v: order.get(v["profile"], 1)):
        with st.container(border=True):
            st.markdown(f"**{words.badge(verdict['state'])}** at profile **{verdict['profile']}**")
            stand_in = ", ".join(words.stand_ins(verdict))
            note = words.PROFILE_NOTES.get(verdict["profile"], "")
            st.caption(note + (f" Stand-in task: {stand_in}." if stand_in else ""))
            st.markdown(f"**Rule:** {verdict['rule']}")
            st.dataframe(frames.predicates_frame(verdict), hide_index=True, width="stretch")
            for i, rec in enumerate(verdict.get("predicates") or []):
                st.markdown(f"Predicate {i}, claimed `{rec.get('claimed')}`: {rec.get('rule')}")
                checks = frames.checks_frame(rec)
                if not checks.empty:
                    st.dataframe(checks, hide_index=True, width="stretch")
            if verdict.get("computed_at"):
                st.caption(f"computed {verdict['computed_at']:%Y-%m-%d %H:%M}")


def reproduce(claim: ClaimView) -> None:
    """Queue the runs the claim needs at a chosen profile."""
    st.subheader("Reproduce")
    if appwidgets.readonly_note(settings, "queueing runs"):
        return
    profile_col, seeds_col, button_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    profile = profile_col.selectbox("Profile", PROFILES, index=1, key="repro_profile")
    seeds = seeds_col.number_input(
        "Seeds", min_value=1, max_value=20, value=None, placeholder="profile default"
    )
    if not button_col.button("Queue runs", type="primary", key="reproduce"):
        return
    try:
        new, known = appdata.queue_reproduction(settings, claim.id, profile, seeds)
    except (NotFoundError, ValueError, ReadOnlyError) as exc:
        st.error(f"Nothing queued: {exc}")
        return
    if new + known == 0:
        st.warning(f"Nothing to run at {profile}: the claim has no predicate measurable there.")
    else:
        st.success(
            f"{new} run(s) queued, {known} already known; "
            f"{worker_state(settings).queue_note}; progress is on the Jobs page."
        )


claim_id = pick_claim()
found = appwidgets.load(appdata.claim, settings, claim_id)
if found is None:
    st.title("Claim")
    st.error(f"No claim with id {claim_id}.")
    st.stop()
header(found)
mentions(found)
evidence(found)
spec(found)
runs(found)
verdicts(found)
reproduce(found)
