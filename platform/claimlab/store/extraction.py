"""Write a paper's own claims: mentions by anchor, merged into claims, with evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from claimlab.store.models import Claim, ClaimMention, Evidence, Paper, Passage, ReportReference
from claimlab.store.reports import (
    CLAIMS_LOCK,
    Canonical,
    ClaimMatcher,
    mention_index,
    refresh_claims,
)

PAPER_CLAIM = "paper-claim"
"""Evidence method of the passage a paper states a claim in."""
PAPER_NUMBER = "paper-number"
"""Evidence method of a passage (a results table, mostly) giving a claim's systems numbers."""
PAPER_METHODS = (PAPER_CLAIM, PAPER_NUMBER)


@dataclass(frozen=True)
class PaperRef:
    """A paper to extract claims from."""

    id: int
    arxiv_id: str
    version: int | None
    pdf_status: str
    pdf_error: str | None
    pdf_path: str | None
    sha256: str | None
    extracted_sha256: str | None

    @property
    def key(self) -> str:
        """arXiv id with version."""
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


@dataclass(frozen=True)
class PassageRow:
    """A passage as extraction reads it."""

    id: int
    seq: int
    page: int
    bbox: tuple[float, float, float, float]
    kind: str
    section: str | None
    text: str
    cells: list[list[str]] | None


@dataclass(frozen=True)
class PaperMentionData:
    """A claim sentence or table value of a paper, ready to store."""

    anchor: str
    text: str
    passage_id: int
    page: int
    bbox: Sequence[float]
    kind: str
    spec: list[dict[str, Any]]
    status: str
    reason: str | None


@dataclass(frozen=True)
class Saved:
    """What storing a paper's mentions did."""

    claim_ids: tuple[int, ...]
    new_claims: int
    linked: tuple[int, ...]
    """Claims that reviews mention too."""


def papers(session: Session, paper_ids: Sequence[int] | None = None) -> list[PaperRef]:
    """Papers by id (every paper with an accepted PDF when None), by id."""
    query = select(
        Paper.id,
        Paper.arxiv_id,
        Paper.version,
        Paper.pdf_status,
        Paper.pdf_error,
        Paper.pdf_path,
        Paper.sha256,
        Paper.extracted_sha256,
    ).order_by(Paper.id)
    if paper_ids is None:
        query = query.where(Paper.pdf_status == "ok")
    else:
        query = query.where(Paper.id.in_(paper_ids))
    return [PaperRef(*row) for row in session.execute(query)]


def paper_ids_for(session: Session, keys: Sequence[str]) -> tuple[list[int], list[str]]:
    """Ids of the papers named by arXiv id (newest version) or id with version, and the keys
    matching none."""
    found, missing = [], []
    for key in keys:
        head, sep, tail = key.rpartition("v")
        query = select(Paper.id)
        if sep and head and tail.isdigit() and head[-1].isdigit():
            query = query.where(Paper.arxiv_id == head, Paper.version == int(tail))
        else:
            query = query.where(Paper.arxiv_id == key)
        pid = session.scalars(query.order_by(Paper.version.desc().nulls_last())).first()
        (found.append(pid) if pid is not None else missing.append(key))
    return found, missing


def passages(session: Session, paper_id: int) -> list[PassageRow]:
    """A paper's passages in reading order."""
    rows = session.scalars(
        select(Passage).where(Passage.paper_id == paper_id).order_by(Passage.seq)
    )
    return [
        PassageRow(
            p.id, p.seq, p.page, (p.x0, p.y0, p.x1, p.y1), p.kind, p.section, p.text, p.cells
        )
        for p in rows
    ]


def save_paper_mentions(
    session: Session,
    paper_id: int,
    items: Sequence[PaperMentionData],
    new_index: Callable[[], ClaimMatcher],
    canonical: Canonical,
    sha256: str | None,
) -> Saved:
    """Store a paper's mentions: one per anchor (found again on a later extraction, not
    added twice), merged into the claim a review or another paper states (claims.canon
    rules), else a new claim with the parser's spec; mentions the paper no longer yields
    go. Each claim gets its paper passage as evidence (method paper-claim)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIMS_LOCK})
    old = {
        m.anchor: m
        for m in session.scalars(select(ClaimMention).where(ClaimMention.paper_id == paper_id))
    }
    keep = {item.anchor for item in items}
    touched = {m.claim_id for a, m in old.items() if a not in keep}
    for anchor, mention in old.items():
        if anchor not in keep:
            session.delete(mention)
    session.flush()
    index = mention_index(session, new_index)
    new: list[Claim] = []
    mine: dict[str, ClaimMention] = {}
    for item in items:
        mention = old.get(item.anchor)
        if mention is None:
            claim_id = index.find(item.text, False)
            mention = ClaimMention(source="paper", paper_id=paper_id, anchor=item.anchor)
            if claim_id is None:
                claim = Claim(
                    text=item.text,
                    truncated=False,
                    kind=item.kind,
                    spec=item.spec,
                    spec_status=item.status,
                    spec_reason=item.reason or None,
                )
                session.add(claim)
                new.append(claim)
                mention.claim = claim
            else:
                mention.claim_id = claim_id
            session.add(mention)
        mention.text, mention.truncated = item.text, False
        mention.passage_id, mention.page, mention.bbox = item.passage_id, item.page, list(item.bbox)
        mine[item.anchor] = mention
        session.flush()
        index.add(mention.claim_id, item.text, False)
    session.flush()
    claim_ids = {m.claim_id for m in mine.values()}
    for item in items:
        _evidence(session, mine[item.anchor].claim_id, item.passage_id, PAPER_CLAIM)
    touched |= claim_ids
    refresh_claims(session, touched, canonical)
    reviewed = set(
        session.scalars(
            select(ClaimMention.claim_id)
            .where(ClaimMention.claim_id.in_(claim_ids), ClaimMention.source == "review")
            .distinct()
        )
    )
    paper = session.get_one(Paper, paper_id)
    paper.extracted_sha256 = sha256
    session.flush()
    return Saved(tuple(sorted(claim_ids)), len(new), tuple(sorted(reviewed)))


def _evidence(session: Session, claim_id: int, passage_id: int, method: str) -> None:
    """Make `passage_id` evidence of the claim: first for paper-claim, after the rest for
    paper-number; a passage grounding already found keeps its row."""
    found = session.scalar(
        select(Evidence).where(Evidence.claim_id == claim_id, Evidence.passage_id == passage_id)
    )
    if found is not None:
        return
    ranks = list(session.scalars(select(Evidence.rank).where(Evidence.claim_id == claim_id)))
    if method == PAPER_CLAIM:
        session.execute(
            update(Evidence).where(Evidence.claim_id == claim_id).values(rank=Evidence.rank + 1)
        )
        rank = 1
    else:
        rank = max(ranks, default=0) + 1
    session.add(
        Evidence(claim_id=claim_id, passage_id=passage_id, rank=rank, score=1.0, method=method)
    )
    session.execute(update(Claim).where(Claim.id == claim_id).values(grounding_status="found"))
    session.flush()


def add_table_evidence(session: Session, claim_id: int, passage_ids: Sequence[int]) -> None:
    """Make results tables evidence of a claim (method paper-number)."""
    for pid in passage_ids:
        _evidence(session, claim_id, pid, PAPER_NUMBER)


def drop_stale_table_evidence(session: Session, claim_id: int, keep: Sequence[int]) -> None:
    """Remove paper-number evidence of a claim not in `keep`."""
    session.execute(
        delete(Evidence).where(
            Evidence.claim_id == claim_id,
            Evidence.method == PAPER_NUMBER,
            Evidence.passage_id.not_in(list(keep)),
        )
    )


@dataclass(frozen=True)
class ValueRow:
    """A value claim a paper states (a sentence or a table cell)."""

    claim_id: int
    paper_id: int
    paper: str
    passage_id: int | None
    page: int | None
    text: str
    predicate: dict[str, Any]


def paper_values(session: Session, paper_ids: Sequence[int]) -> list[ValueRow]:
    """The value predicates of the claims these papers state, one row per predicate."""
    rows = session.execute(
        select(
            Claim.id,
            ClaimMention.paper_id,
            Paper.arxiv_id,
            Paper.version,
            ClaimMention.passage_id,
            ClaimMention.page,
            ClaimMention.text,
            Claim.spec,
        )
        .join(ClaimMention, ClaimMention.claim_id == Claim.id)
        .join(Paper, Paper.id == ClaimMention.paper_id)
        .where(ClaimMention.paper_id.in_(list(paper_ids)), Claim.kind == "value")
        .order_by(ClaimMention.paper_id, ClaimMention.id)
    )
    out = []
    for cid, pid, arxiv_id, version, passage_id, page, text, spec in rows:
        key = f"{arxiv_id}v{version}" if version else arxiv_id
        for p in spec or []:
            if p.get("kind") == "value":
                out.append(ValueRow(cid, pid, key, passage_id, page, text, p))
    return out


def claim_papers(session: Session, claim_id: int) -> list[int]:
    """Papers that state the claim themselves or that its reports cite."""
    stated = select(ClaimMention.paper_id).where(
        ClaimMention.claim_id == claim_id, ClaimMention.paper_id.is_not(None)
    )
    cited = (
        select(ReportReference.paper_id)
        .join(ClaimMention, ClaimMention.report_id == ReportReference.report_id)
        .where(ClaimMention.claim_id == claim_id, ReportReference.paper_id.is_not(None))
    )
    return sorted(set(session.scalars(stated)) | set(session.scalars(cited)))


def claim_reading(session: Session, claim_id: int) -> tuple[str, bool, list[dict[str, Any]], str]:
    """A claim's (text, truncated, spec, spec status)."""
    claim = session.get_one(Claim, claim_id)
    text = claim.completed_text or claim.text
    return (
        text,
        claim.truncated and not claim.completed_text,
        list(claim.spec or []),
        (claim.spec_status),
    )


def reviewed_claims_citing(session: Session, paper_id: int) -> list[int]:
    """Claims a review mentions that cite this paper or that the paper states too."""
    cited = (
        select(ClaimMention.claim_id)
        .join(ReportReference, ReportReference.report_id == ClaimMention.report_id)
        .where(ReportReference.paper_id == paper_id)
    )
    stated = select(ClaimMention.claim_id).where(ClaimMention.paper_id == paper_id)
    reviewed = select(ClaimMention.claim_id).where(ClaimMention.source == "review")
    ids = set(session.scalars(cited)) | set(session.scalars(stated))
    return sorted(ids & set(session.scalars(reviewed.where(ClaimMention.claim_id.in_(ids)))))


def claims_stated_by(session: Session, paper_ids: Sequence[int]) -> list[int]:
    """Claims with a mention from one of these papers, ascending."""
    return sorted(
        set(
            session.scalars(
                select(ClaimMention.claim_id).where(ClaimMention.paper_id.in_(list(paper_ids)))
            )
        )
    )
