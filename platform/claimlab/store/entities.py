"""Plain records handed out by the store; callers never see ORM objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class MentionView:
    """One report's mention of a claim."""

    report: str
    report_id: int
    row: int
    text: str
    truncated: bool
    verified: bool
    confidence: float


@dataclass(frozen=True)
class ClaimView:
    """A canonical claim with the tallies of its mentions."""

    id: int
    text: str
    truncated: bool
    completed_text: str | None
    kind: str | None
    spec_status: str
    mentions: int
    verified: int
    unverified: int
    confidence_mean: float | None
    confidence_min: float | None
    confidence_max: float | None
    reports: list[str] = field(default_factory=list)
    mention_list: list[MentionView] = field(default_factory=list)

    @property
    def display_text(self) -> str:
        """The completed text where grounding recovered it, else the canonical text."""
        return self.completed_text or self.text

    def summary(self) -> dict[str, Any]:
        """Fields for `claims list`: tallies, no mention details."""
        data = asdict(self)
        data.pop("mention_list")
        return data

    def detail(self) -> dict[str, Any]:
        """Fields for `claims show`: tallies plus every mention."""
        data = self.summary()
        data["mentions_count"] = data.pop("mentions")
        data["mentions"] = [
            {k: v for k, v in asdict(m).items() if k not in ("report_id", "row")}
            for m in self.mention_list
        ]
        return data


@dataclass(frozen=True)
class ReportView:
    """An ingested review file."""

    id: int
    source: str
    title: str
    report_date: date | None
    examined_title: str | None
    research_question: str | None
    papers_retrieved: int | None
    claims_extracted: int | None
    claims_verified: int | None
    quality_score: float | None
    mentions: int
    references: list[str]


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file in an ingest call."""

    source: str
    status: str
    """added, updated, unchanged or failed."""
    report_id: int | None = None
    mentions: int = 0
    new_claims: int = 0
    error: str | None = None
