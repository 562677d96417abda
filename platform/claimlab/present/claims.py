"""The Claims table: one row per claim with filter columns, its filters and sorts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from claimlab.present.words import badge, claimed_vs_measured, confidence_range
from claimlab.records import PROFILES, VERDICT_STATES, ClaimView

NO_VERDICT = "no verdict"

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
    "source",
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


def claim_rows(claims: Iterable[ClaimView], references: dict[int, list[str]]) -> pd.DataFrame:
    """The Claims table from claim records and each report's cited arXiv ids."""
    rows = []
    for c in claims:
        best = c.evidence[0] if c.evidence else None
        states = {v["profile"]: v["state"] for v in c.verdicts}
        papers = {p for m in c.mention_list for p in references.get(m.report_id, [])}
        papers.update(c.papers)  # the papers that state the claim themselves
        if best:
            papers.add(best.paper)
        rows.append(
            {
                "id": c.id,
                "claim": c.display_text,
                "source": " + ".join(c.sources),
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
                "_rank": min(
                    (VERDICT_STATES.index(s) for s in states.values()), default=len(VERDICT_STATES)
                ),
            }
        )
    hidden = ["score", "_reports", "_papers", "_states", "_rank"]
    return pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, *hidden])


def _grounding(c: ClaimView) -> str:
    if c.evidence:
        best = c.evidence[0]
        return f"{best.paper} p.{best.page} · {best.score:.2f}"
    return "not found in source" if c.grounding_status == "not-found" else ""


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
        "states": [*VERDICT_STATES, NO_VERDICT],
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
