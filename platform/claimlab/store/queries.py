"""Read claims and reports as plain records."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from claimlab.records import ClaimView, EvidenceView, MentionView, ReportView
from claimlab.store.models import Claim, ClaimMention, Paper, Report, ReportReference
from claimlab.store.papers import evidence_for
from claimlab.store.specs import verdicts_for


def list_claims(
    session: Session, claim_ids: list[int] | None = None, source: str | None = None
) -> list[ClaimView]:
    """Every claim (or those in `claim_ids`) with its mentions, ordered by id; with `source`
    ("review" or "paper") only the claims with at least one mention from there."""
    # Plain columns, not ORM entities: listing 10,000 claims is three times faster.
    query = select(
        Claim.id,
        Claim.text,
        Claim.truncated,
        Claim.completed_text,
        Claim.kind,
        Claim.spec_status,
        Claim.grounding_status,
        Claim.spec,
        Claim.spec_reason,
    ).order_by(Claim.id)
    mention_query = (
        select(
            ClaimMention.claim_id,
            Report.title,
            Paper.arxiv_id,
            Paper.version,
            ClaimMention.report_id,
            ClaimMention.row,
            ClaimMention.text,
            ClaimMention.truncated,
            ClaimMention.verified,
            ClaimMention.confidence,
            ClaimMention.source,
            ClaimMention.paper_id,
            ClaimMention.passage_id,
            ClaimMention.page,
            ClaimMention.bbox,
        )
        .outerjoin(Report, Report.id == ClaimMention.report_id)
        .outerjoin(Paper, Paper.id == ClaimMention.paper_id)
        # review rows first, in report order; then paper mentions in the order read
        .order_by(ClaimMention.report_id.is_(None), ClaimMention.report_id, ClaimMention.row)
        .order_by(ClaimMention.id)
    )
    if claim_ids is not None:
        query = query.where(Claim.id.in_(claim_ids))
        mention_query = mention_query.where(ClaimMention.claim_id.in_(claim_ids))
    if source is not None:
        having = select(ClaimMention.claim_id).where(ClaimMention.source == source)
        query = query.where(Claim.id.in_(having))
    by_claim: dict[int, list[MentionView]] = defaultdict(list)
    for m in session.execute(mention_query):
        by_claim[m.claim_id].append(_mention_view(m))
    claims = session.execute(query).all()
    evidence = evidence_for(session, claim_ids, best_only=claim_ids is None)
    verdicts = verdicts_for(session, claim_ids)
    return [
        _claim_view(c, by_claim[c.id], evidence.get(c.id, []), verdicts.get(c.id, []))
        for c in claims
    ]


def _mention_view(m: Row) -> MentionView:
    paper = f"{m.arxiv_id}v{m.version}" if m.version else m.arxiv_id
    return MentionView(
        report=m.title if m.source == "review" else paper,
        report_id=m.report_id,
        row=m.row,
        text=m.text,
        truncated=m.truncated,
        verified=m.verified,
        confidence=m.confidence,
        source=m.source,
        paper_id=m.paper_id,
        passage_id=m.passage_id,
        page=m.page,
        bbox=tuple(m.bbox) if m.bbox else None,
    )


def get_claim(session: Session, claim_id: int) -> ClaimView | None:
    """One claim with its mentions, or None."""
    found = list_claims(session, [claim_id])
    return found[0] if found else None


def _claim_view(
    claim: Row,
    mentions: list[MentionView],
    evidence: list[EvidenceView],
    verdicts: list[dict],
) -> ClaimView:
    reviews = [m for m in mentions if m.source == "review"]
    conf = [m.confidence for m in reviews if m.confidence is not None]
    return ClaimView(
        id=claim.id,
        text=claim.text,
        truncated=claim.truncated,
        completed_text=claim.completed_text,
        kind=claim.kind,
        spec_status=claim.spec_status,
        mentions=len(mentions),
        verified=sum(bool(m.verified) for m in reviews),
        unverified=sum(not m.verified for m in reviews),
        confidence_mean=round(fmean(conf), 4) if conf else None,
        confidence_min=min(conf, default=None),
        confidence_max=max(conf, default=None),
        grounding_status=claim.grounding_status,
        spec=claim.spec,
        spec_reason=claim.spec_reason,
        verdicts=verdicts,
        reports=list(dict.fromkeys(m.report for m in reviews)),
        sources=sorted({m.source for m in mentions}, reverse=True),
        papers=list(dict.fromkeys(m.report for m in mentions if m.source == "paper")),
        mention_list=mentions,
        evidence=evidence,
    )


def list_reports(session: Session) -> list[ReportView]:
    """Every ingested report, newest first."""
    counts = dict(
        session.execute(
            select(ClaimMention.report_id, func.count())
            .where(ClaimMention.report_id.is_not(None))
            .group_by(ClaimMention.report_id)
        ).all()
    )
    refs: dict[int, list[str]] = defaultdict(list)
    for report_id, arxiv_id, version in session.execute(
        select(
            ReportReference.report_id, ReportReference.arxiv_id, ReportReference.version
        ).order_by(ReportReference.report_id, ReportReference.position)
    ):
        refs[report_id].append(f"{arxiv_id}v{version}" if version else arxiv_id)
    reports = session.scalars(select(Report).order_by(Report.report_date.desc(), Report.id))
    return [
        ReportView(
            id=r.id,
            source=r.source,
            title=r.title,
            report_date=r.report_date,
            examined_title=r.examined_title,
            research_question=r.research_question,
            papers_retrieved=r.papers_retrieved,
            claims_extracted=r.claims_extracted,
            claims_verified=r.claims_verified,
            quality_score=r.quality_score,
            mentions=counts.get(r.id, 0),
            references=refs[r.id],
        )
        for r in reports
    ]
