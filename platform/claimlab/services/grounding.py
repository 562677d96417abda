"""Ground claims in the papers their reports cite: store evidence and completed texts."""

from __future__ import annotations

from collections.abc import Sequence

from claimlab.claims.grounding import ClaimText, PassageText, ground
from claimlab.config import Settings
from claimlab.services.access import guard, session
from claimlab.store import papers as store_papers


def ground_claims(
    settings: Settings, claim_ids: Sequence[int] | None = None, top_k: int = 3
) -> dict[str, int]:
    """Find and store supporting passages; returns counts of found, not-found and pending."""
    guard(settings, write=True)  # before the work, not only at the write
    with session(settings) as s:
        inputs, passages = store_papers.grounding_inputs(s, list(claim_ids) if claim_ids else None)
    paper_of = {pid: paper for pid, (paper, _, _) in passages.items()}
    claims = [
        ClaimText(c.claim_id, c.text, c.truncated, frozenset(paper_of[p] for p in c.passage_ids))
        for c in inputs
    ]
    candidates = [
        PassageText(pid, paper, page, text) for pid, (paper, page, text) in passages.items()
    ]
    results = {
        g.claim_id: g for g in ground([c for c in claims if c.paper_ids], candidates, top_k=top_k)
    }
    counts = {"found": 0, "not-found": 0, "pending": 0}
    with session(settings, write=True) as s:
        for claim in claims:
            g = results.get(claim.id)
            matches = [(m.passage_id, m.score, m.method) for m in g.matches] if g else []
            store_papers.save_evidence(
                s, claim.id, matches, g.completed_text if g else None, searched=g is not None
            )
            state = "found" if matches else ("not-found" if g else "pending")
            counts[state] += 1
    return counts
