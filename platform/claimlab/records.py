"""Plain frozen records and the shared vocabularies; importable from every layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

PROFILES = ("smoke", "mini", "paper")
"""Run profiles, smallest first."""

SUPPORTED, REFUTED, INCONCLUSIVE = "supported", "refuted", "inconclusive"
NOT_RUN, CANNOT_RUN = "not run", "cannot run at this profile"
UNINFORMATIVE, INVALID = "uninformative", "invalid measurement"
VERDICT_STATES = (SUPPORTED, REFUTED, INCONCLUSIVE, UNINFORMATIVE, INVALID, NOT_RUN, CANNOT_RUN)
"""Every state a verdict or a predicate can be in."""


@dataclass(frozen=True)
class MentionView:
    """One report's mention of a claim, or a paper's own statement of it."""

    report: str
    """The report's title, or the paper's key (2106.01732v2) for a paper mention."""
    report_id: int | None
    row: int | None
    text: str
    truncated: bool
    verified: bool | None
    """The review's mark; None for a paper mention."""
    confidence: float | None
    source: str = "review"
    """review or paper."""
    paper_id: int | None = None
    passage_id: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    """The sentence's (or passage's) box on its page, for a paper mention."""


@dataclass(frozen=True)
class EvidenceView:
    """A passage that supports a claim."""

    paper: str
    paper_title: str | None
    pdf_path: str | None
    page: int
    bbox: tuple[float, float, float, float]
    section: str | None
    kind: str
    text: str
    score: float
    method: str


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
    grounding_status: str = "pending"
    spec: list[dict[str, Any]] | None = None
    spec_reason: str | None = None
    """Why the parser left it needs-spec or a description; None when parsed or set by hand."""
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """Where its mentions come from: "review", "paper" or both."""
    papers: list[str] = field(default_factory=list)
    """Keys of the papers that state it themselves."""
    mention_list: list[MentionView] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)

    @property
    def display_text(self) -> str:
        """The completed text where grounding recovered it, else the canonical text."""
        return self.completed_text or self.text

    def summary(self) -> dict[str, Any]:
        """Fields for `claims list`: tallies, no mention details."""
        data = asdict(self)
        data.pop("mention_list")
        data.pop("evidence")
        data.pop("spec")
        data["verdicts"] = {v["profile"]: v["state"] for v in self.verdicts}
        return data

    def detail(self) -> dict[str, Any]:
        """Fields for `claims show`: tallies plus every mention."""
        data = self.summary()
        data["mentions_count"] = data.pop("mentions")
        data["mentions"] = [_mention_detail(m) for m in self.mention_list]
        data["evidence"] = [asdict(e) for e in self.evidence]
        data["spec"] = self.spec
        data["verdicts"] = {
            v["profile"]: {
                "state": v["state"],
                "rule": v["rule"],
                "computed_at": v["computed_at"],
                "predicates": v["predicates"],
            }
            for v in self.verdicts
        }
        return data


def _mention_detail(m: MentionView) -> dict[str, Any]:
    """A mention for `claims show`: a review's row, or a paper's page and box."""
    data = asdict(m)
    drop = ["report_id", "row", "paper_id", "passage_id"]
    drop += ["page", "bbox"] if m.source == "review" else ["verified", "confidence"]
    return {k: v for k, v in data.items() if k not in drop}


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
    warnings: tuple[str, ...] = ()
    """Things the file says that do not add up (e.g. its stated claim count)."""


@dataclass(frozen=True)
class PassageView:
    """One passage of a paper."""

    id: int
    page: int
    kind: str
    section: str | None
    bbox: tuple[float, float, float, float]
    text: str


@dataclass(frozen=True)
class PaperView:
    """One paper version with its PDF state."""

    id: int
    arxiv_id: str
    version: int | None
    title: str | None
    authors: list[str]
    categories: list[str]
    published: Any
    pdf_path: str | None
    pdf_status: str
    pdf_error: str | None
    pages: int | None
    passages_count: int
    claims_count: int
    passages: list[PassageView] = field(default_factory=list)

    @property
    def key(self) -> str:
        """arXiv id with version, e.g. 2106.01732v2."""
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id

    def detail(self) -> dict[str, Any]:
        """Fields for `papers show --format json`."""
        return {
            "id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "authors": self.authors,
            "pages": self.pages,
            "pdf_status": self.pdf_status,
            "pdf_error": self.pdf_error,
            "passages": [
                {
                    "page": p.page,
                    "kind": p.kind,
                    "section": p.section,
                    "bbox": list(p.bbox),
                    "text": p.text,
                }
                for p in self.passages
            ],
        }


@dataclass(frozen=True)
class RunView:
    """A recipe run and what it measured."""

    id: int
    config_hash: str
    recipe: str
    profile: str
    seed: int
    config: dict[str, Any]
    status: str
    metrics: dict[str, Any]
    provenance: dict[str, Any] | None
    workdir: str | None


@dataclass(frozen=True)
class JobView:
    """A queued, running or finished job."""

    id: int
    run: RunView
    state: str
    attempts: int
    max_attempts: int
    lease_owner: str | None
    step: int | None
    total: int | None
    log_path: str | None
    error: str | None
    cancel_requested: bool
    created_at: Any
    started_at: Any
    finished_at: Any
    priority: int = 0
    """Higher runs first."""
    timeout_s: float | None = None
    """Seconds the worker lets it run; None: no limit."""
    gpus: float = 0.0
    """GPUs it asks the Ray executor for."""

    @property
    def progress(self) -> float | None:
        """Fraction of steps done, when the recipe reports them."""
        return min(1.0, self.step / self.total) if self.step is not None and self.total else None


@dataclass(frozen=True)
class RunRequest:
    """A run to make sure exists: resolved config and its hash from the recipe contract."""

    recipe: str
    profile: str
    seed: int
    config: dict[str, Any]
    config_hash: str
    timeout_s: float | None = None
    """Seconds a job may run before the worker stops it; None: no limit."""
    gpus: float = 0.0
    """GPUs the job asks the Ray executor for."""
    max_attempts: int = 3
    priority: int = 0
    """Higher runs first."""


@dataclass(frozen=True)
class ClaimRow:
    """One row of the claims table."""

    row: int
    line: int
    text: str
    truncated: bool
    verified: bool
    confidence: float


@dataclass(frozen=True)
class Reference:
    """An arXiv paper the report lists."""

    arxiv_id: str
    version: int | None


@dataclass
class ParsedReport:
    """Everything read from one review file."""

    source: str
    sha256: str
    title: str
    report_date: date | None = None
    examined_title: str | None = None
    research_question: str | None = None
    papers_retrieved: int | None = None
    claims_extracted: int | None = None
    claims_verified: int | None = None
    quality_score: float | None = None
    claims: list[ClaimRow] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Inconsistencies found while parsing, each naming the file."""
