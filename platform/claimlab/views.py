"""Tables for the app's pages, built from claimlab.services records."""

from __future__ import annotations

import pandas as pd

from claimlab import services
from claimlab.config import Settings


def claims_frame(settings: Settings) -> pd.DataFrame:
    """One row per canonical claim with its mention tallies."""
    claims = services.list_claims(settings)
    rows = [
        {
            "id": c.id,
            "claim": c.display_text,
            "reports": len(c.reports),
            "✓": c.verified,
            "×": c.unverified,
            "confidence": c.confidence_mean,
            "conf. range": f"{c.confidence_min:.2f}–{c.confidence_max:.2f}" if c.mentions else "",
            "cut off": c.truncated and not c.completed_text,
            "report titles": ", ".join(c.reports),
        }
        for c in claims
    ]
    return pd.DataFrame(rows, columns=_CLAIM_COLUMNS)


_CLAIM_COLUMNS = [
    "id",
    "claim",
    "reports",
    "✓",
    "×",
    "confidence",
    "conf. range",
    "cut off",
    "report titles",
]


def reports_frame(settings: Settings) -> pd.DataFrame:
    """One row per ingested review."""
    reports = services.list_reports(settings)
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "date": r.report_date,
                "title": r.title,
                "research question": r.research_question,
                "claims": r.mentions,
                "verified": r.claims_verified,
                "quality": r.quality_score,
                "arXiv": ", ".join(r.references),
            }
            for r in reports
        ],
        columns=[
            "id",
            "date",
            "title",
            "research question",
            "claims",
            "verified",
            "quality",
            "arXiv",
        ],
    )
