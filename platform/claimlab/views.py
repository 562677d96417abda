"""Tables for the app's pages, built from claimlab.services records (plain pandas, no Streamlit)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import make_url

from claimlab import services
from claimlab.claims.parser import SpecError
from claimlab.config import Settings
from claimlab.records import PROFILES, VERDICT_STATES
from claimlab.store.entities import ClaimView, JobView, PaperView, ReportView

STATES = VERDICT_STATES
NO_VERDICT = "no verdict"
ICONS = {
    "supported": "✅",
    "refuted": "❌",
    "inconclusive": "❔",
    "not run": "⏳",
    "cannot run at this profile": "🚫",
}
PROFILE_NOTES = {
    "smoke": "smoke: a pipeline check on generated data; says nothing about the paper.",
    "mini": (
        "mini: evidence about the method's direction at small scale on a stand-in task, "
        "never “reproduced as published”."
    ),
    "paper": "paper: the paper's own model and data.",
}
SORTS = {
    "id": "id",
    "confidence": "confidence",
    "reports": "reports",
    "✓ marks": "✓",
    "× marks": "×",
    "grounding score": "score",
    "verdict": "_rank",
}
CLAIM_COLUMNS = [
    "id",
    "claim",
    *PROFILES,
    "reports",
    "✓",
    "×",
    "confidence",
    "conf. range",
    "grounding",
    "claimed vs measured",
    "kind",
    "cut off",
]


def badge(state: str | None) -> str:
    """A verdict state with its icon, e.g. '✅ supported'; '' for no verdict."""
    return f"{ICONS.get(state, '•')} {state}" if state else ""


def database_label(settings: Settings) -> str:
    """The database URL without its password."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


def claims_frame(settings: Settings) -> pd.DataFrame:
    """One row per canonical claim, with filter columns (prefixed `_`) next to the shown ones."""
    references = {r.id: r.references for r in services.list_reports(settings)}
    return claim_rows(services.list_claims(settings), references)


def claim_rows(claims: Iterable[ClaimView], references: dict[int, list[str]]) -> pd.DataFrame:
    """The Claims table from claim records and each report's cited arXiv ids."""
    rows = []
    for c in claims:
        best = c.evidence[0] if c.evidence else None
        states = {v["profile"]: v["state"] for v in c.verdicts}
        papers = {p for m in c.mention_list for p in references.get(m.report_id, [])}
        if best:
            papers.add(best.paper)
        rows.append(
            {
                "id": c.id,
                "claim": c.display_text,
                "reports": len(c.reports),
                "✓": c.verified,
                "×": c.unverified,
                "confidence": c.confidence_mean,
                "conf. range": confidence_range(c.confidence_min, c.confidence_max),
                "grounding": _grounding(c),
                "score": best.score if best else None,
                **{p: badge(states.get(p)) for p in PROFILES},
                "claimed vs measured": claimed_vs_measured(c.verdicts),
                "kind": c.kind or "unparsed",
                "cut off": c.truncated and not c.completed_text,
                "_reports": tuple(c.reports),
                "_papers": tuple(sorted(papers)),
                "_states": states,
                "_rank": min((STATES.index(s) for s in states.values()), default=len(STATES)),
            }
        )
    hidden = ["score", "_reports", "_papers", "_states", "_rank"]
    return pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, *hidden])


def confidence_range(lo: float | None, hi: float | None) -> str:
    """'0.70–0.90', or '' without mentions."""
    return f"{lo:.2f}–{hi:.2f}" if lo is not None and hi is not None else ""


def _grounding(c: ClaimView) -> str:
    if c.evidence:
        best = c.evidence[0]
        return f"{best.paper} p.{best.page} · {best.score:.2f}"
    return "not found in source" if c.grounding_status == "not-found" else ""


def claimed_vs_measured(verdicts: list[dict[str, Any]], profile: str | None = None) -> str:
    """'claimed X; measured Y' for the verdict at `profile` (default: the largest profile run)."""
    by_profile = {v["profile"]: v for v in verdicts}
    order = [profile] if profile else list(reversed(PROFILES))
    verdict = next((by_profile[p] for p in order if p in by_profile), None)
    if verdict is None or not verdict.get("predicates"):
        return ""
    parts = [f"{_claimed_text(rec)} → {measured_text(rec)}" for rec in verdict["predicates"][:2]]
    more = len(verdict["predicates"]) - 2
    stand_in = ", ".join(stand_ins(verdict))
    label = verdict["profile"] + (f", stand-in: {stand_in}" if stand_in else "")
    return f"[{label}] " + "; ".join(parts) + (f"; +{more} more" if more > 0 else "")


def verdict_label(verdict: dict[str, Any]) -> str:
    """'mini ✅ supported (stand-in: ...)': a verdict named with its profile and stand-in."""
    stand_in = ", ".join(stand_ins(verdict))
    text = f"{verdict['profile']} {badge(verdict['state'])}"
    return text + (f" (stand-in: {stand_in})" if stand_in else "")


def _claimed_text(rec: dict[str, Any]) -> str:
    claimed = rec.get("claimed")
    return f"claimed {claimed}" if claimed is not None else "claimed ?"


def measured_text(rec: dict[str, Any]) -> str:
    """A predicate record's measured numbers in a few words."""
    m = rec.get("measured")
    if not m:
        return rec.get("state", "")
    if "paper_config" in m:
        return hyperparameter_text(m)
    if "mean" in m:
        return _num(m["mean"]) + f" (n={m['n']})"
    checks = list(m.items())
    label, first = checks[0]
    if "lhs" in first:
        text = f"{_num(first['lhs']['mean'])} vs {_num(first['rhs']['mean'])}"
        text += f" (n={first['lhs']['n']}"
    elif first.get("mean") is not None:
        text = f"{_num(first['mean'])} (n={first['n']}"
    else:
        return first.get("state", "")
    text += f", {label})" if len(checks) == 1 else f", {label}; {len(checks)} checks)"
    return text


def hyperparameter_text(m: dict[str, Any]) -> str:
    """What the paper's passages and the recipe's paper config say of a claimed setting."""
    source = "not in the grounded passages" if m["source"] is None else f"source {m['source']}"
    return f"{source}; recipe paper config {m['paper_config']}"


def _num(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, int | float) else "–"


@dataclass(frozen=True)
class ClaimFilter:
    """What the Claims page shows: filters, search and sort."""

    search: str = ""
    reports: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    """Verdict states (or NO_VERDICT) at `profile`, or at any profile when it is None."""
    kinds: tuple[str, ...] = ()
    profile: str | None = None
    sort: str = "id"
    descending: bool = False


def filter_options(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Choices for the filter widgets: reports, papers and kinds present in the table."""
    return {
        "reports": sorted({r for rs in frame["_reports"] for r in rs}),
        "papers": sorted({p for ps in frame["_papers"] for p in ps}),
        "kinds": sorted(frame["kind"].unique()),
        "states": [*STATES, NO_VERDICT],
    }


def filter_claims(frame: pd.DataFrame, f: ClaimFilter) -> pd.DataFrame:
    """The rows of the Claims table matching `f`, sorted."""
    keep = pd.Series(True, index=frame.index)
    if f.search:
        keep &= frame["claim"].str.contains(f.search, case=False, regex=False)
    if f.reports:
        wanted = set(f.reports)
        keep &= frame["_reports"].map(lambda rs: not wanted.isdisjoint(rs))
    if f.papers:
        wanted_papers = set(f.papers)
        keep &= frame["_papers"].map(lambda ps: not wanted_papers.isdisjoint(ps))
    if f.kinds:
        keep &= frame["kind"].isin(f.kinds)
    if f.states:
        keep &= frame["_states"].map(lambda s: _state_match(s, set(f.states), f.profile))
    out = frame[keep]
    column = SORTS.get(f.sort, "id")
    if column != "id" or f.descending:
        out = out.sort_values(column, ascending=not f.descending, kind="stable", na_position="last")
    return out


def _state_match(states: dict[str, str], wanted: set[str], profile: str | None) -> bool:
    if profile:
        return states.get(profile, NO_VERDICT) in wanted
    return (not states and NO_VERDICT in wanted) or not wanted.isdisjoint(states.values())


def mentions_frame(claim: ClaimView) -> pd.DataFrame:
    """Every mention of a claim: report, raw text, mark, confidence."""
    return pd.DataFrame(
        [
            {
                "report": m.report,
                "row": m.row,
                "text": m.text,
                "mark": "✓" if m.verified else "×",
                "confidence": m.confidence,
                "cut off": m.truncated,
            }
            for m in claim.mention_list
        ],
        columns=["report", "row", "text", "mark", "confidence", "cut off"],
    )


def spec_text(spec: list[dict[str, Any]] | None) -> str:
    """A spec as the JSON the editor shows."""
    return json.dumps(spec or [], indent=2, ensure_ascii=False)


def parse_spec_json(text: str) -> Any:
    """The editor's text as JSON; a syntax error becomes a SpecError naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def check_spec(text: str) -> list[dict[str, Any]]:
    """Parse and validate a spec against the recipes' capabilities, saving nothing."""
    from claimlab.claims.parser import validate
    from claimlab.runs.recipes import capabilities

    return validate(parse_spec_json(text), capabilities())


def predicate_text(p: dict[str, Any]) -> str:
    """A spec predicate in words, e.g. 'bl-cs > zero-shot (mrr@10, clir), large margin'."""
    kind = p.get("kind", "comparison")
    if kind == "hyperparameter":
        return f"{p.get('recipe')} {p.get('parameter')} = {p.get('value')}"
    if kind == "description":
        return "a description (nothing to measure)"
    where = ", ".join(str(p[k]) for k in ("metric", "task", "setting") if p.get(k))
    if kind == "value":
        return f"{p.get('lhs')} {where} = {p.get('value')}"
    text = f"{_side(p, 'lhs')} {p.get('op')} {_side(p, 'rhs')} ({where})"
    return text + (f", {p['qualifier']}" if p.get("qualifier") else "")


def _side(p: dict[str, Any], side: str) -> str:
    """A side's system, with the task or setting it is measured on when it has its own."""
    own = [str(p[k]) for k in (f"{side}_task", f"{side}_setting") if p.get(k)]
    return f"{p.get(side)} [{', '.join(own)}]" if own else str(p.get(side))


def measurements_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Per-seed numbers behind a claim (rows of reproduce.claim_measurements)."""
    columns = [
        "predicate",
        "check",
        "side",
        "system",
        "metric",
        "seed",
        "value",
        "status",
        "claimed",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["claimed"] = pd.to_numeric(frame["claimed"], errors="coerce")
    return frame


def predicates_frame(verdict: dict[str, Any]) -> pd.DataFrame:
    """One row per predicate of a verdict: claimed, state, measured, seeds, stand-in."""
    return pd.DataFrame(
        [
            {
                "#": i,
                "claimed": str(rec.get("claimed")),
                "state": badge(rec.get("state")),
                "measured": measured_text(rec),
                "seeds": rec.get("n_seeds", 0),
                "stand-in": rec.get("stand_in") or "",
            }
            for i, rec in enumerate(verdict.get("predicates") or [])
        ],
        columns=["#", "claimed", "state", "measured", "seeds", "stand-in"],
    )


def checks_frame(rec: dict[str, Any]) -> pd.DataFrame:
    """Per check of one predicate record: both sides' mean, sd, n and values, the test."""
    measured = rec.get("measured") or {}
    if not measured or "paper_config" in measured:
        return pd.DataFrame()
    if "mean" in measured:
        measured = {"value": measured}
    rows = []
    for label, m in measured.items():
        lhs, rhs = (m["lhs"], m.get("rhs")) if "lhs" in m else (m, None)
        ci = m.get("ci") or m.get("interval")
        rows.append(
            {
                "check": label,
                "state": badge(m.get("state", rec.get("state"))),
                "lhs mean": lhs.get("mean"),
                "lhs sd": lhs.get("sd"),
                "lhs values": _values(lhs.get("values")),
                "rhs mean": rhs.get("mean") if rhs else None,
                "rhs sd": rhs.get("sd") if rhs else None,
                "rhs values": _values(rhs.get("values")) if rhs else "",
                "n": lhs.get("n"),
                "diff": m.get("diff"),
                "interval": f"[{_num(ci[0])}, {_num(ci[1])}]" if ci else "",
                "p": m.get("p"),
                "test": m.get("test", ""),
            }
        )
    return pd.DataFrame(rows)


def _values(values: list[float] | None) -> str:
    return ", ".join(_num(v) for v in values or [])


def stand_ins(verdict: dict[str, Any]) -> list[str]:
    """The stand-in tasks a verdict's predicates were measured on."""
    return sorted(
        {rec["stand_in"] for rec in verdict.get("predicates") or [] if rec.get("stand_in")}
    )


def papers_frame(papers: Iterable[PaperView]) -> pd.DataFrame:
    """One row per paper version with its PDF status and counts."""
    return pd.DataFrame(
        [
            {
                "paper": p.key,
                "title": p.title or "",
                "authors": ", ".join(p.authors[:3]) + (" et al." if len(p.authors) > 3 else ""),
                "PDF": p.pdf_status,
                "pages": p.pages,
                "passages": p.passages_count,
                "claims": p.claims_count,
                "PDF error": p.pdf_error or "",
            }
            for p in papers
        ],
        columns=["paper", "title", "authors", "PDF", "pages", "passages", "claims", "PDF error"],
    )


def passages_frame(paper: PaperView) -> pd.DataFrame:
    """A paper's passages in reading order."""
    return pd.DataFrame(
        [
            {"page": p.page, "kind": p.kind, "section": p.section or "", "text": p.text}
            for p in paper.passages
        ],
        columns=["page", "kind", "section", "text"],
    )


def claims_list_frame(claims: Iterable[ClaimView]) -> pd.DataFrame:
    """A short claims table (id, text, tallies, verdicts) for a paper's page."""
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "claim": c.display_text,
                "verdicts": " · ".join(verdict_label(v) for v in c.verdicts),
                "✓": c.verified,
                "×": c.unverified,
                "confidence": c.confidence_mean,
            }
            for c in claims
        ],
        columns=["id", "claim", "verdicts", "✓", "×", "confidence"],
    )


def reports_frame(settings: Settings) -> pd.DataFrame:
    """One row per ingested review."""
    return report_rows(services.list_reports(settings))


def report_rows(reports: Iterable[ReportView]) -> pd.DataFrame:
    """The Reports table from report records: counts first, long texts last."""
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "date": r.report_date,
                "title": r.title,
                "claims": r.mentions,
                "extracted": r.claims_extracted,
                "verified": r.claims_verified,
                "papers retrieved": r.papers_retrieved,
                "quality": r.quality_score,
                "research question": r.research_question,
                "examined paper": r.examined_title,
                "arXiv": ", ".join(r.references),
            }
            for r in reports
        ],
        columns=[
            "id",
            "date",
            "title",
            "claims",
            "extracted",
            "verified",
            "papers retrieved",
            "quality",
            "research question",
            "examined paper",
            "arXiv",
        ],
    )


def jobs_frame(jobs: Iterable[JobView]) -> pd.DataFrame:
    """One row per job: state, run, progress, attempts, first line of the error."""
    return pd.DataFrame(
        [
            {
                "job": j.id,
                "state": j.state + (" (cancel asked)" if j.cancel_requested else ""),
                "recipe": j.run.recipe,
                "system": j.run.config.get("system", ""),
                "profile": j.run.profile,
                "seed": j.run.seed,
                "progress": j.progress,
                "steps": f"{j.step}/{j.total}" if j.total else "",
                "attempts": f"{j.attempts}/{j.max_attempts}",
                "worker": j.lease_owner or "",
                "error": j.error.strip().splitlines()[-1] if j.error and j.error.strip() else "",
                "created": j.created_at,
                "finished": j.finished_at,
            }
            for j in jobs
        ],
        columns=[
            "job",
            "state",
            "recipe",
            "system",
            "profile",
            "seed",
            "progress",
            "steps",
            "attempts",
            "worker",
            "error",
            "created",
            "finished",
        ],
    )


def job_label(job: JobView) -> str:
    """A job in one line for pickers."""
    run = job.run
    system = run.config.get("system", "")
    return f"job {job.id} · {job.state} · {run.recipe} {system} {run.profile} seed {run.seed}"
