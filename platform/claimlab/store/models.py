"""ORM models; nothing outside claimlab.store sees these classes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with named constraints."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Paper(Base):
    """One version of an arXiv paper."""

    __tablename__ = "papers"
    __table_args__ = (UniqueConstraint("arxiv_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[Any]] = mapped_column(default=list)
    abstract: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    published: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pdf_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_status: Mapped[str] = mapped_column(String(16), default="missing")
    pdf_error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    extracted_sha256: Mapped[str | None] = mapped_column(String(64))
    """The sha256 of the PDF its claims were last extracted from (None: never extracted)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Base):
    """One review file as ingested."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    report_date: Mapped[date | None] = mapped_column(Date)
    examined_title: Mapped[str | None] = mapped_column(Text)
    research_question: Mapped[str | None] = mapped_column(Text)
    papers_retrieved: Mapped[int | None] = mapped_column(Integer)
    claims_extracted: Mapped[int | None] = mapped_column(Integer)
    claims_verified: Mapped[int | None] = mapped_column(Integer)
    quality_score: Mapped[float | None] = mapped_column(Float)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mentions: Mapped[list[ClaimMention]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )
    references: Mapped[list[ReportReference]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )


class ReportReference(Base):
    """An arXiv paper a report cites, linked to the paper once it is ingested."""

    __tablename__ = "report_references"
    __table_args__ = (UniqueConstraint("report_id", "arxiv_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    arxiv_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="SET NULL"), index=True
    )

    report: Mapped[Report] = relationship(back_populates="references")


class Claim(Base):
    """A canonical claim, merged from the mentions of one or more reports."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_text: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    spec: Mapped[list[Any] | None] = mapped_column(JSON)
    spec_status: Mapped[str] = mapped_column(String(16), default="unparsed")
    spec_reason: Mapped[str | None] = mapped_column(Text)
    """Why the parser left the claim as needs-spec or a description (None once set by hand)."""
    grounding_status: Mapped[str] = mapped_column(
        String(16), default="pending", server_default="pending"
    )
    """pending (not yet grounded), found, or not-found (no passage above threshold)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mentions: Mapped[list[ClaimMention]] = relationship(back_populates="claim")


class ClaimMention(Base):
    """One row of one report's claims table, or one claim sentence or table value of a paper."""

    __tablename__ = "claim_mentions"
    __table_args__ = (
        UniqueConstraint("report_id", "row"),
        UniqueConstraint("paper_id", "anchor"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        CheckConstraint(
            "(source = 'review' AND report_id IS NOT NULL) OR "
            "(source = 'paper' AND paper_id IS NOT NULL AND anchor IS NOT NULL)",
            name="source_fields",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="review", server_default="review")
    """review (a row of a report's table) or paper (a sentence or table value of a paper)."""
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)
    line: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    verified: Mapped[bool | None] = mapped_column(Boolean)
    """The review's mark; None for a paper's own claim."""
    confidence: Mapped[float | None] = mapped_column(Float)
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), index=True
    )
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="SET NULL"))
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column(JSON)
    """[x0, y0, x1, y1] of the sentence on its page, or of its passage."""
    anchor: Mapped[str | None] = mapped_column(String(64))
    """Where in the paper it was read (sentence text hash, or table cell); unique per paper,
    so extracting a paper again finds its mentions instead of adding new ones."""

    claim: Mapped[Claim] = relationship(back_populates="mentions")
    report: Mapped[Report | None] = relationship(back_populates="mentions")


class Passage(Base):
    """A block of a paper's text, table or caption, in reading order."""

    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("paper_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    x0: Mapped[float] = mapped_column(Float)
    y0: Mapped[float] = mapped_column(Float)
    x1: Mapped[float] = mapped_column(Float)
    y1: Mapped[float] = mapped_column(Float)
    section: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    cells: Mapped[list[Any] | None] = mapped_column(JSON)


class Evidence(Base):
    """A passage that supports a claim, with the grounding score."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("claim_id", "passage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    passage_id: Mapped[int] = mapped_column(
        ForeignKey("passages.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedSearch(Base):
    """An arXiv query that `claimlab watch run` polls for new papers."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("query", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="")
    max_results: Mapped[int] = mapped_column(Integer, default=50)
    watermark: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Submission time of the newest paper already ingested by this search."""
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    reproduce_profile: Mapped[str | None] = mapped_column(String(16))
    """After each pass, queue the runs of its papers' runnable claims at this profile."""
    reproduce_seeds: Mapped[int | None] = mapped_column(Integer)
    reproduce_max_runs: Mapped[int | None] = mapped_column(Integer)
    """Runs queued per pass at most (None: no bound)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchPaper(Base):
    """A paper a saved search brought in."""

    __tablename__ = "search_papers"
    __table_args__ = (UniqueConstraint("search_id", "paper_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Run(Base):
    """One recipe run (recipe, resolved config, seed, profile), shared by every claim needing it."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    config_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recipe: Mapped[str] = mapped_column(String(32), index=True)
    profile: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """queued, running, succeeded, failed or cancelled (mirrors its latest job)."""
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    workdir: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Job(Base):
    """An attempt to execute a run through the queue, with its lease."""

    __tablename__ = "jobs"
    __table_args__ = (Index(None, "state", "priority", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    """queued, running, succeeded, failed or cancelled."""
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    timeout_s: Mapped[float | None] = mapped_column(Float)
    gpus: Mapped[float] = mapped_column(Float, default=0.0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    step: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    log_path: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Verdict(Base):
    """A claim's verdict at one profile, with the numbers and rules behind it."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("claim_id", "profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    profile: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32))
    predicates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Per predicate: the predicate, claimed, measured, state and rule."""
    rule: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
