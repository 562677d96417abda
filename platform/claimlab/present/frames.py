"""Tables (pandas DataFrames) of records for the app's pages; no Streamlit, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd

from claimlab.present.words import badge, measured_text, number, predicate_text, verdict_label
from claimlab.records import ClaimView, JobView, PaperView, ReportView


def mentions_frame(claim: ClaimView) -> pd.DataFrame:
    """Every mention of a claim: report (or paper), where in it, raw text, mark, confidence."""
    return pd.DataFrame(
        [
            {
                "report": m.report,
                "where": f"p. {m.page}" if m.source == "paper" else f"row {m.row}",
                "text": m.text,
                "mark": "paper" if m.source == "paper" else ("✓" if m.verified else "×"),
                "confidence": m.confidence,
                "cut off": m.truncated,
            }
            for m in claim.mention_list
        ],
        columns=["report", "where", "text", "mark", "confidence", "cut off"],
    )


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


def reading_frame(spec: list[dict[str, Any]] | None) -> pd.DataFrame:
    """How the claim was read: each predicate in words beside the claim words it came from."""
    return pd.DataFrame(
        [
            {"#": i, "predicate": predicate_text(p), "read from": p.get("source") or ""}
            for i, p in enumerate(spec or [])
        ],
        columns=["#", "predicate", "read from"],
    )


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
                "lhs mean": number(lhs.get("mean")),
                "lhs sd": number(lhs.get("sd")),
                "lhs values": _values(lhs.get("values")),
                "rhs mean": number(rhs.get("mean") if rhs else None),
                "rhs sd": number(rhs.get("sd") if rhs else None),
                "rhs values": _values(rhs.get("values")) if rhs else "–",
                "n": lhs.get("n"),
                "diff": number(m.get("diff")),
                "interval": f"[{number(ci[0])}, {number(ci[1])}]" if ci else "–",
                "p": number(m.get("p")),
                "test": m.get("test") or "–",
            }
        )
    return pd.DataFrame(rows)


def _values(values: list[float] | None) -> str:
    return ", ".join(number(v) for v in values or [])


def papers_frame(papers: Iterable[PaperView], stated: Iterable[ClaimView] = ()) -> pd.DataFrame:
    """One row per paper version with its PDF status and counts: claims of the reviews
    citing it, and claims it states itself (among `stated`, the claims from papers)."""
    own = Counter(key for c in stated for key in c.papers)
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
                "stated": own[p.key],
                "PDF error": p.pdf_error or "",
            }
            for p in papers
        ],
        columns=[
            "paper",
            "title",
            "authors",
            "PDF",
            "pages",
            "passages",
            "claims",
            "stated",
            "PDF error",
        ],
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
