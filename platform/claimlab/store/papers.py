"""Write and read papers, their passages and claim evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from claimlab.records import EvidenceView, PaperView, PassageView
from claimlab.store.models import (
    Claim,
    ClaimMention,
    Evidence,
    Paper,
    Passage,
    ReportReference,
)


@dataclass(frozen=True)
class PaperFields:
    """Metadata of one paper version as ingestion knows it."""

    arxiv_id: str
    version: int | None
    title: str | None = None
    authors: Sequence[str] = ()
    abstract: str | None = None
    categories: Sequence[str] = ()
    published: datetime | None = None
    updated: datetime | None = None


def upsert_paper(session: Session, fields: PaperFields) -> tuple[int, bool]:
    """The id of the paper version, created or filled in; True when it is new."""
    paper = session.scalar(
        select(Paper).where(
            Paper.arxiv_id == fields.arxiv_id,
            Paper.version.is_(None) if fields.version is None else Paper.version == fields.version,
        )
    )
    created = paper is None
    if paper is None:
        paper = Paper(arxiv_id=fields.arxiv_id, version=fields.version)
        session.add(paper)
    for name in ("title", "abstract", "published", "updated"):
        if getattr(fields, name) is not None:
            setattr(paper, name, getattr(fields, name))
    if fields.authors:
        paper.authors = list(fields.authors)
    if fields.categories:
        paper.categories = list(fields.categories)
    session.flush()
    link_references(session)
    return paper.id, created


def find_paper(session: Session, arxiv_id: str, version: int | None) -> int | None:
    """The id of exactly this paper version, if stored."""
    return session.scalar(
        select(Paper.id).where(
            Paper.arxiv_id == arxiv_id,
            Paper.version.is_(None) if version is None else Paper.version == version,
        )
    )


def paper_pdf_state(session: Session, paper_id: int) -> tuple[str, str | None]:
    """The paper's pdf_status and sha256."""
    paper = session.get_one(Paper, paper_id)
    return paper.pdf_status, paper.sha256


def store_pdf(
    session: Session,
    paper_id: int,
    *,
    path: str,
    sha256: str,
    page_count: int,
    passages: Iterable[Any],
) -> list[int]:
    """Record an accepted PDF and replace the paper's passages (objects with PassageData
    fields); returns the claims whose evidence lay in the old passages.

    Their evidence is deleted and their grounding reset to pending in this transaction,
    so no claim says "found" about a passage that is gone.
    """
    paper = session.get_one(Paper, paper_id)
    paper.pdf_path, paper.sha256, paper.pdf_status = path, sha256, "ok"
    paper.pdf_error, paper.page_count = None, page_count
    old = select(Passage.id).where(Passage.paper_id == paper_id)
    reset = sorted(
        session.scalars(select(Evidence.claim_id).where(Evidence.passage_id.in_(old)).distinct())
    )
    session.execute(delete(Evidence).where(Evidence.passage_id.in_(old)))
    if reset:
        session.execute(update(Claim).where(Claim.id.in_(reset)).values(grounding_status="pending"))
    session.execute(delete(Passage).where(Passage.paper_id == paper_id))
    session.add_all(
        Passage(
            paper_id=paper_id,
            seq=seq,
            page=p.page,
            x0=p.bbox[0],
            y0=p.bbox[1],
            x1=p.bbox[2],
            y1=p.bbox[3],
            section=p.section or None,
            kind=p.kind,
            text=p.text,
            cells=p.cells,
        )
        for seq, p in enumerate(passages)
    )
    session.flush()
    return reset


def record_pdf_failure(session: Session, paper_id: int, error: str) -> bool:
    """Mark a paper without an accepted PDF as failed; a paper whose PDF is ok is left
    alone (returns False)."""
    paper = session.get_one(Paper, paper_id)
    if paper.pdf_status == "ok":
        return False
    paper.pdf_status, paper.pdf_error = "failed", error
    paper.pdf_path = paper.sha256 = paper.page_count = None
    session.flush()
    return True


def link_references(session: Session) -> None:
    """Point report references at ingested papers: the cited version, else the newest one."""
    newest = (
        select(Paper.arxiv_id, func.max(Paper.id).label("pid")).group_by(Paper.arxiv_id).subquery()
    )
    for ref_id, arxiv_id, version in session.execute(
        select(ReportReference.id, ReportReference.arxiv_id, ReportReference.version).where(
            ReportReference.paper_id.is_(None)
        )
    ):
        exact = session.scalar(
            select(Paper.id).where(Paper.arxiv_id == arxiv_id, Paper.version == version)
        )
        pid = exact or session.scalar(select(newest.c.pid).where(newest.c.arxiv_id == arxiv_id))
        if pid:
            session.execute(
                update(ReportReference).where(ReportReference.id == ref_id).values(paper_id=pid)
            )


def referenced_ids(session: Session, report_id: int | None = None) -> list[tuple[str, int | None]]:
    """(arxiv id, version) of the references of one report or of all reports."""
    query = select(ReportReference.arxiv_id, ReportReference.version).distinct()
    if report_id is not None:
        query = query.where(ReportReference.report_id == report_id)
    return [tuple(row) for row in session.execute(query.order_by(ReportReference.arxiv_id))]


def claims_citing(session: Session, paper_id: int) -> list[int]:
    """Ids of the claims mentioned by the reports that cite this paper, ascending."""
    ids = session.scalars(
        select(ClaimMention.claim_id)
        .join(ReportReference, ReportReference.report_id == ClaimMention.report_id)
        .where(ReportReference.paper_id == paper_id)
        .distinct()
    ).all()
    return sorted(ids)


def list_papers(session: Session) -> list[PaperView]:
    """Every paper version with its passage and claim counts."""
    passages = dict(
        session.execute(select(Passage.paper_id, func.count()).group_by(Passage.paper_id)).all()
    )
    claims = dict(
        session.execute(
            select(ReportReference.paper_id, func.count(func.distinct(ClaimMention.claim_id)))
            .join(ClaimMention, ClaimMention.report_id == ReportReference.report_id)
            .where(ReportReference.paper_id.is_not(None))
            .group_by(ReportReference.paper_id)
        ).all()
    )
    papers = session.scalars(select(Paper).order_by(Paper.arxiv_id, Paper.version))
    return [_paper_view(p, passages.get(p.id, 0), claims.get(p.id, 0)) for p in papers]


def get_paper(session: Session, key: str) -> PaperView | None:
    """A paper by arXiv id (newest version) or id with version, with its passages."""
    arxiv_id, _, version = key.rpartition("v") if _has_version(key) else (key, "", "")
    query = select(Paper).where(Paper.arxiv_id == arxiv_id)
    if version:
        query = query.where(Paper.version == int(version))
    paper = session.scalars(query.order_by(Paper.version.desc().nulls_last())).first()
    if paper is None:
        return None
    rows = session.scalars(
        select(Passage).where(Passage.paper_id == paper.id).order_by(Passage.seq)
    ).all()
    return _paper_view(paper, len(rows), 0, [_passage_view(r) for r in rows])


def _has_version(key: str) -> bool:
    head, sep, tail = key.rpartition("v")
    return bool(sep and head and tail.isdigit() and head[-1].isdigit())


def _paper_view(
    p: Paper, n_passages: int, n_claims: int, passages: list[PassageView] | None = None
) -> PaperView:
    return PaperView(
        id=p.id,
        arxiv_id=p.arxiv_id,
        version=p.version,
        title=p.title,
        authors=list(p.authors or []),
        categories=list(p.categories or []),
        published=p.published,
        pdf_path=p.pdf_path,
        pdf_status=p.pdf_status,
        pdf_error=p.pdf_error,
        pages=p.page_count,
        passages_count=n_passages,
        claims_count=n_claims,
        passages=passages or [],
    )


def _passage_view(p: Passage) -> PassageView:
    return PassageView(
        id=p.id,
        page=p.page,
        kind=p.kind,
        section=p.section,
        bbox=(p.x0, p.y0, p.x1, p.y1),
        text=p.text,
    )


@dataclass(frozen=True)
class GroundingInput:
    """A claim to ground and the passages of the papers its reports cite."""

    claim_id: int
    text: str
    truncated: bool
    passage_ids: list[int]


def grounding_inputs(
    session: Session, claim_ids: list[int] | None = None
) -> tuple[list[GroundingInput], dict[int, tuple[int, int, str]]]:
    """Claims with candidate passage ids, and every candidate as id -> (paper, page, text)."""
    pairs = select(ClaimMention.claim_id, ReportReference.paper_id).join(
        ReportReference, ReportReference.report_id == ClaimMention.report_id
    )
    pairs = pairs.where(ReportReference.paper_id.is_not(None)).distinct()
    if claim_ids is not None:
        pairs = pairs.where(ClaimMention.claim_id.in_(claim_ids))
    papers_of: dict[int, set[int]] = defaultdict(set)
    for claim_id, paper_id in session.execute(pairs):
        papers_of[claim_id].add(paper_id)
    paper_ids = set().union(*papers_of.values()) if papers_of else set()
    passages: dict[int, tuple[int, int, str]] = {}
    by_paper: dict[int, list[int]] = defaultdict(list)
    for pid, paper_id, page, text in session.execute(
        select(Passage.id, Passage.paper_id, Passage.page, Passage.text)
        .where(Passage.paper_id.in_(paper_ids))
        .where(Passage.kind.not_in(("header", "footer")))  # running heads ground nothing
        .order_by(Passage.paper_id, Passage.seq)
    ):
        passages[pid] = (paper_id, page, text)
        by_paper[paper_id].append(pid)
    query = select(Claim.id, Claim.text, Claim.truncated).order_by(Claim.id)
    if claim_ids is not None:
        query = query.where(Claim.id.in_(claim_ids))
    inputs = [
        GroundingInput(cid, text, truncated, [p for pap in papers_of[cid] for p in by_paper[pap]])
        for cid, text, truncated in session.execute(query)
    ]
    return inputs, passages


def save_evidence(
    session: Session,
    claim_id: int,
    matches: Sequence[tuple[int, float, str]],
    completed_text: str | None,
    searched: bool,
) -> None:
    """Replace a claim's evidence with (passage id, score, method) rows, best first; the
    passages a paper states the claim in (claim extraction's evidence) stay first."""
    own = Evidence.method.in_(("paper-claim", "paper-number"))
    session.execute(delete(Evidence).where(Evidence.claim_id == claim_id, ~own))
    kept = dict(
        session.execute(
            select(Evidence.passage_id, Evidence.rank).where(Evidence.claim_id == claim_id)
        ).all()
    )
    start = max(kept.values(), default=0)
    fresh = [m for m in matches if m[0] not in kept]
    session.add_all(
        Evidence(claim_id=claim_id, passage_id=pid, rank=rank, score=score, method=method)
        for rank, (pid, score, method) in enumerate(fresh, start + 1)
    )
    claim = session.get_one(Claim, claim_id)
    found = bool(matches or kept)
    claim.grounding_status = "found" if found else ("not-found" if searched else "pending")
    if completed_text:
        claim.completed_text = completed_text
    session.flush()


def evidence_for(
    session: Session, claim_ids: Sequence[int] | None = None, best_only: bool = False
) -> dict[int, list[EvidenceView]]:
    """Evidence rows per claim (all claims when None), best first, with passage details."""
    query = (
        select(
            Evidence.claim_id,
            Paper.arxiv_id,
            Paper.version,
            Paper.title,
            Paper.pdf_path,
            Passage.page,
            Passage.x0,
            Passage.y0,
            Passage.x1,
            Passage.y1,
            Passage.section,
            Passage.kind,
            Passage.text,
            Evidence.score,
            Evidence.method,
        )
        .join(Passage, Passage.id == Evidence.passage_id)
        .join(Paper, Paper.id == Passage.paper_id)
        .order_by(Evidence.claim_id, Evidence.rank)
    )
    if claim_ids is not None:
        query = query.where(Evidence.claim_id.in_(claim_ids))
    if best_only:
        query = query.where(Evidence.rank == 1)
    rows = session.execute(query)
    out: dict[int, list[EvidenceView]] = defaultdict(list)
    for r in rows:
        out[r.claim_id].append(
            EvidenceView(
                paper=f"{r.arxiv_id}v{r.version}" if r.version else r.arxiv_id,
                paper_title=r.title,
                pdf_path=r.pdf_path,
                page=r.page,
                bbox=(r.x0, r.y0, r.x1, r.y1),
                section=r.section,
                kind=r.kind,
                text=r.text,
                score=r.score,
                method=r.method,
            )
        )
    return out
