"""Canonical claims with their mentions, evidence, spec and verdicts."""

from __future__ import annotations

from claimlab.config import Settings
from claimlab.records import ClaimView
from claimlab.services.access import session
from claimlab.store import queries

SOURCES = ("review", "paper")


def list_claims(settings: Settings, source: str | None = None) -> list[ClaimView]:
    """Every canonical claim with its mention tallies; `source` "review" or "paper" keeps
    the claims with at least one mention from a review, or from a paper's own text."""
    if source is not None and source not in SOURCES:
        raise ValueError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    with session(settings) as s:
        return queries.list_claims(s, source=source)


def get_claim(settings: Settings, claim_id: int) -> ClaimView | None:
    """One claim with its mentions, or None."""
    with session(settings) as s:
        return queries.get_claim(s, claim_id)
