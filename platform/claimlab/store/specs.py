"""Claim specs and verdicts in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimlab.errors import NotFoundError
from claimlab.store.models import Claim, Evidence, Passage, Verdict


@dataclass(frozen=True)
class SpecRow:
    """A claim's text and spec."""

    id: int
    text: str
    truncated: bool
    kind: str | None
    spec: list[dict[str, Any]] | None
    spec_status: str
    spec_reason: str | None = None


def claim_specs(session: Session, claim_ids: list[int] | None = None) -> list[SpecRow]:
    """Claims with their specs, ordered by id."""
    query = select(Claim).order_by(Claim.id)
    if claim_ids is not None:
        query = query.where(Claim.id.in_(claim_ids))
    return [
        SpecRow(
            c.id,
            c.completed_text or c.text,
            c.truncated and not c.completed_text,
            c.kind,
            c.spec,
            c.spec_status,
            c.spec_reason,
        )
        for c in session.scalars(query)
    ]


def set_spec(
    session: Session,
    claim_id: int,
    kind: str,
    spec: list[dict[str, Any]],
    status: str,
    reason: str | None = None,
) -> bool:
    """Store a spec and the parser's reason (None clears it); a hand-set ('manual') spec is
    only replaced by another hand-set one."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    if claim.spec_status == "manual" and status != "manual":
        return False
    claim.kind, claim.spec, claim.spec_status = kind, spec, status
    claim.spec_reason = reason or None
    return True


def save_verdict(
    session: Session,
    claim_id: int,
    profile: str,
    state: str,
    predicates: list[dict[str, Any]],
    rule: str,
) -> None:
    """Insert or replace the claim's verdict at `profile`."""
    verdict = session.scalar(
        select(Verdict).where(Verdict.claim_id == claim_id, Verdict.profile == profile)
    )
    if verdict is None:
        verdict = Verdict(claim_id=claim_id, profile=profile)
        session.add(verdict)
    verdict.state, verdict.predicates, verdict.rule = state, predicates, rule
    verdict.computed_at = datetime.now(UTC)


def verdicts_for(
    session: Session, claim_ids: list[int] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Verdicts per claim (all claims when None), as plain dicts."""
    query = select(
        Verdict.claim_id,
        Verdict.profile,
        Verdict.state,
        Verdict.rule,
        Verdict.predicates,
        Verdict.computed_at,
    ).order_by(Verdict.claim_id, Verdict.profile)
    if claim_ids is not None:
        query = query.where(Verdict.claim_id.in_(claim_ids))
    out: dict[int, list[dict[str, Any]]] = {}
    for v in session.execute(query):
        out.setdefault(v.claim_id, []).append(
            {
                "profile": v.profile,
                "state": v.state,
                "rule": v.rule,
                "predicates": v.predicates,
                "computed_at": v.computed_at,
            }
        )
    return out


def evidence_texts(session: Session, claim_id: int) -> list[str]:
    """Texts of the claim's evidence passages, best first."""
    rows = session.scalars(
        select(Passage.text)
        .join(Evidence, Evidence.passage_id == Passage.id)
        .where(Evidence.claim_id == claim_id)
        .order_by(Evidence.rank)
    )
    return list(rows)
