"""Papers as services: listing, one paper with passages, evidence rendered on its page."""

from __future__ import annotations

from pathlib import Path

from claimlab import services
from claimlab.config import Settings
from claimlab.store import papers as store_papers
from claimlab.store.engine import session_scope
from claimlab.store.entities import ClaimView, EvidenceView, PaperView
from claimlab.store.models import ClaimMention, ReportReference
from claimlab.store.queries import list_claims


def list_papers(settings: Settings) -> list[PaperView]:
    """Every paper version with its PDF status and passage and claim counts."""
    services.ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return store_papers.list_papers(session)


def get_paper(settings: Settings, key: str) -> PaperView | None:
    """A paper by arXiv id (newest version) or id with version, with its passages."""
    services.ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        return store_papers.get_paper(session, key)


def paper_claims(settings: Settings, paper_id: int) -> list[ClaimView]:
    """Claims made by the reports that cite this paper."""
    from sqlalchemy import select

    with session_scope(settings.database_url) as session:
        ids = session.scalars(
            select(ClaimMention.claim_id)
            .join(ReportReference, ReportReference.report_id == ClaimMention.report_id)
            .where(ReportReference.paper_id == paper_id)
            .distinct()
        ).all()
        return list_claims(session, sorted(ids)) if ids else []


def evidence_png(evidence: EvidenceView, zoom: float = 1.5) -> bytes | None:
    """The evidence passage's page as PNG with the passage highlighted; None without a PDF."""
    from claimlab.ingest.pdf import render_page_png

    if not evidence.pdf_path or not Path(evidence.pdf_path).exists():
        return None
    return render_page_png(evidence.pdf_path, evidence.page, highlight=evidence.bbox, zoom=zoom)
