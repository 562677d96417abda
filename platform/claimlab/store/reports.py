"""Write parsed review files: report, references, mentions merged into claims."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from claimlab.errors import NotFoundError
from claimlab.records import IngestResult, ParsedReport
from claimlab.store.models import Claim, ClaimMention, Report, ReportReference


class ClaimMatcher(Protocol):
    """Finds the claim a mention belongs to (claims.canon.ClaimIndex)."""

    def find(self, text: str, truncated: bool) -> int | None:
        """The id of the claim `text` restates, or None."""

    def add(self, claim_id: int, text: str, truncated: bool) -> None:
        """Remember a mention of `claim_id`."""


Canonical = Callable[[Iterable[tuple[str, bool]]], tuple[str, bool]]
"""Picks a claim's canonical (text, truncated) from its mentions (claims.canon.canonical_text)."""

_REPORT_FIELDS = (
    "title",
    "report_date",
    "examined_title",
    "research_question",
    "papers_retrieved",
    "claims_extracted",
    "claims_verified",
    "quality_score",
)


CLAIMS_LOCK = 0x636C_636C_6169  # "clclai": the PostgreSQL advisory lock of claim merging


def save_report(
    session: Session,
    parsed: ParsedReport,
    new_index: Callable[[], ClaimMatcher],
    canonical: Canonical,
    *,
    replace_id: int | None = None,
    by_source: bool = True,
) -> IngestResult:
    """Store `parsed`: the same content is 'unchanged'; otherwise it replaces report
    `replace_id` when given, else (with `by_source`) the report of the same file path, else
    it is a new report. An upload passes by_source=False: a name a client sends replaces
    nothing.

    Mentions join the claim an index (`new_index()`, filled here with every other stored
    mention) finds for them, or a new claim. Merging is serialised: SQLite's write lock is
    taken at BEGIN, PostgreSQL takes a transaction-scoped advisory lock here, so two
    processes never both create the same new claim and the second of two identical files
    finds the first ('unchanged').
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIMS_LOCK})
    same = session.scalar(select(Report.id).where(Report.sha256 == parsed.sha256))
    if same is not None:
        if replace_id is not None and same != replace_id:
            raise ValueError(f"{parsed.source}: the same content is already report {same}")
        return IngestResult(parsed.source, "unchanged", same)
    if replace_id is not None:
        report = session.get(Report, replace_id)
        if report is None:
            raise NotFoundError(f"no report with id {replace_id}")
    elif by_source:
        report = session.scalar(select(Report).where(Report.source == parsed.source))
    else:
        report = None
    status = "updated" if report else "added"
    touched: set[int] = set()
    if report is None:
        report = Report(source=parsed.source, sha256=parsed.sha256)
        session.add(report)
    else:
        touched.update(m.claim_id for m in report.mentions)
        session.execute(delete(ClaimMention).where(ClaimMention.report_id == report.id))
        session.execute(delete(ReportReference).where(ReportReference.report_id == report.id))
        session.expire(report, ["mentions", "references"])
        report.sha256 = parsed.sha256
    for name in _REPORT_FIELDS:
        setattr(report, name, getattr(parsed, name))
    session.flush()

    index = mention_index(session, new_index)
    new: dict[int, Claim] = {}
    """New claims under negative placeholder ids: one flush at the end gives them real ones."""
    for row in parsed.claims:
        claim_id = index.find(row.text, row.truncated)
        if claim_id is None:
            claim_id = -(len(new) + 1)
            new[claim_id] = Claim(text=row.text, truncated=row.truncated)
            session.add(new[claim_id])
        index.add(claim_id, row.text, row.truncated)
        mention = ClaimMention(
            report_id=report.id,
            row=row.row,
            line=row.line,
            text=row.text,
            truncated=row.truncated,
            verified=row.verified,
            confidence=row.confidence,
        )
        if claim_id < 0:
            mention.claim = new[claim_id]
        else:
            mention.claim_id = claim_id
            touched.add(claim_id)
        session.add(mention)
    for position, ref in enumerate(parsed.references, 1):
        session.add(
            ReportReference(
                report_id=report.id, position=position, arxiv_id=ref.arxiv_id, version=ref.version
            )
        )
    session.flush()
    touched.update(claim.id for claim in new.values())
    refresh_claims(session, touched, canonical)
    return IngestResult(report.source, status, report.id, len(parsed.claims), len(new))


def refresh_claims(session: Session, claim_ids: set[int], canonical: Canonical) -> None:
    """After mentions were added, moved or removed: recompute these claims' canonical texts
    from their mentions and delete those left with none (unless their spec was set by hand)."""
    texts: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for claim_id, text, truncated in session.execute(
        select(ClaimMention.claim_id, ClaimMention.text, ClaimMention.truncated)
        .where(ClaimMention.claim_id.in_(claim_ids))
        .order_by(ClaimMention.id)
    ):
        texts[claim_id].append((text, bool(truncated)))
    for claim in session.scalars(select(Claim).where(Claim.id.in_(claim_ids))):
        if texts.get(claim.id):
            claim.text, claim.truncated = canonical(texts[claim.id])
        elif claim.spec_status != "manual":
            session.delete(claim)
    session.flush()


def count_rows(session: Session) -> dict[str, int]:
    """Row counts of the report and claim tables."""
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Report, ReportReference, Claim, ClaimMention)
    }


def mention_index(session: Session, new_index: Callable[[], ClaimMatcher]) -> ClaimMatcher:
    """A new claim index holding every stored mention, in the order they were made."""
    index = new_index()
    rows = select(ClaimMention.claim_id, ClaimMention.text, ClaimMention.truncated)
    for claim_id, text, truncated in session.execute(rows.order_by(ClaimMention.id)):
        index.add(claim_id, text, truncated)
    return index
