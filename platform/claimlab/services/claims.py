"""Canonical claims with their mentions, evidence, spec and verdicts."""

from __future__ import annotations

from claimlab.config import Settings
from claimlab.records import ClaimView
from claimlab.services.access import session
from claimlab.store import queries


def list_claims(settings: Settings) -> list[ClaimView]:
    """Every canonical claim with its mention tallies."""
    with session(settings) as s:
        return queries.list_claims(s)


def get_claim(settings: Settings, claim_id: int) -> ClaimView | None:
    """One claim with its mentions, or None."""
    with session(settings) as s:
        return queries.get_claim(s, claim_id)
