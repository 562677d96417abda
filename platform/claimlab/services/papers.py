"""Papers: arXiv and PDF ingestion, listing, and the evidence passage drawn on its page."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from claimlab.config import Settings
from claimlab.ingest import arxiv
from claimlab.ingest.pdf import PdfError, extract_passages, page_count, render_page_png
from claimlab.records import ClaimView, EvidenceView, PaperView
from claimlab.services.access import guard, session
from claimlab.store import papers as store_papers
from claimlab.store.queries import list_claims


@dataclass(frozen=True)
class PaperResult:
    """What happened to one paper in an ingest call."""

    key: str
    status: str
    """added, unchanged, failed (metadata or id), or pdf-failed (kept, with the reason)."""
    error: str | None = None


def arxiv_settings(settings: Settings) -> arxiv.ArxivSettings:
    """The arXiv client settings of this claimlab instance."""
    return arxiv.ArxivSettings(
        api_url=settings.arxiv_api_url, pdf_base=settings.arxiv_pdf_base, delay=settings.arxiv_delay
    )


def ingest_arxiv(settings: Settings, ids: list[str]) -> list[PaperResult]:
    """Fetch metadata and PDFs of arXiv ids; a failing paper does not stop the others."""
    guard(settings, write=True)
    results, valid = [], []
    for raw in ids:
        try:
            valid.append(str(arxiv.parse_arxiv_id(raw)))
        except arxiv.ArxivIdError as exc:
            results.append(PaperResult(raw, "failed", str(exc)))
    if not valid:
        return results
    try:
        metas = arxiv.fetch_metadata(valid, arxiv_settings(settings))
    except Exception as exc:  # the arxiv package raises its own HTTP and parse errors
        return results + [PaperResult(i, "failed", f"metadata: {exc}") for i in valid]
    found = {m.arxiv_id for m in metas} | {str(m.id) for m in metas}
    results += [
        PaperResult(i, "failed", "arXiv does not know this id") for i in valid if i not in found
    ]
    return results + [ingest_meta(settings, m) for m in metas]


def ingest_meta(settings: Settings, meta: arxiv.PaperMeta) -> PaperResult:
    """Store one paper's metadata, then fetch and parse its PDF unless already done."""
    fields = store_papers.PaperFields(
        meta.arxiv_id,
        meta.version,
        meta.title,
        meta.authors,
        meta.abstract,
        meta.categories,
        meta.published,
        meta.updated,
    )
    with session(settings, write=True) as s:
        paper_id, created = store_papers.upsert_paper(s, fields)
        status, _ = store_papers.paper_pdf_state(s, paper_id)
    key = str(meta.id)
    if status == "ok":
        return PaperResult(key, "added" if created else "unchanged")
    try:
        download = arxiv.download_pdf(meta, settings.papers_dir, arxiv_settings(settings))
    except arxiv.FetchError as exc:
        error = f"download failed ({exc.reason}): {exc}"
        _record_pdf(settings, paper_id, None, None, error)
        return PaperResult(key, "pdf-failed", error)
    return _parse_pdf(settings, paper_id, key, download.path, download.sha256)


def ingest_pdf(
    settings: Settings, path: Path, arxiv_id: str, title: str | None = None
) -> PaperResult:
    """Add a PDF the user already has under an arXiv id (metadata may follow later)."""
    guard(settings, write=True)
    try:
        aid = arxiv.parse_arxiv_id(arxiv_id)
    except arxiv.ArxivIdError as exc:
        return PaperResult(arxiv_id, "failed", str(exc))
    if not path.is_file():
        return PaperResult(str(aid), "failed", f"{path}: no such file")
    dest = settings.papers_dir / aid.filename
    digest = _copy_atomic(path, dest)
    with session(settings, write=True) as s:
        paper_id, _ = store_papers.upsert_paper(
            s, store_papers.PaperFields(aid.base, aid.version, title)
        )
        status, sha = store_papers.paper_pdf_state(s, paper_id)
    if status == "ok" and sha == digest:
        return PaperResult(str(aid), "unchanged")
    return _parse_pdf(settings, paper_id, str(aid), dest, digest)


def _copy_atomic(src: Path, dest: Path) -> str:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".part")
    with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
        shutil.copyfileobj(inp, out)
    os.replace(tmp, dest)
    return hashlib.sha256(dest.read_bytes()).hexdigest()


def _parse_pdf(settings: Settings, paper_id: int, key: str, path: Path, sha: str) -> PaperResult:
    try:
        passages = extract_passages(path)
        pages = page_count(path)
    except PdfError as exc:
        _record_pdf(settings, paper_id, str(path), sha, f"{exc.reason}: {exc}")
        return PaperResult(key, "pdf-failed", f"{exc.reason}: {exc}")
    with session(settings, write=True) as s:
        store_papers.store_pdf(
            s,
            paper_id,
            path=str(path),
            sha256=sha,
            status="ok",
            page_count=pages,
            passages=passages,
        )
    return PaperResult(key, "added")


def _record_pdf(settings: Settings, paper_id: int, path, sha, error: str) -> None:
    with session(settings, write=True) as s:
        store_papers.store_pdf(s, paper_id, path=path, sha256=sha, status="failed", error=error)


def referenced_ids(settings: Settings, report_ids: list[int] | None = None) -> list[str]:
    """arXiv ids (with the cited version) the given reports, or all reports, reference."""
    with session(settings) as s:
        pairs = {p for rid in (report_ids or [None]) for p in store_papers.referenced_ids(s, rid)}
    return sorted(f"{a}v{v}" if v else a for a, v in pairs)


def list_papers(settings: Settings) -> list[PaperView]:
    """Every paper version with its PDF status and passage and claim counts."""
    with session(settings) as s:
        return store_papers.list_papers(s)


def get_paper(settings: Settings, key: str) -> PaperView | None:
    """A paper by arXiv id (newest version) or id with version, with its passages."""
    with session(settings) as s:
        return store_papers.get_paper(s, key)


def paper_claims(settings: Settings, paper_id: int) -> list[ClaimView]:
    """Claims made by the reports that cite this paper."""
    with session(settings) as s:
        ids = store_papers.claims_citing(s, paper_id)
        return list_claims(s, ids) if ids else []


def evidence_png(evidence: EvidenceView, zoom: float = 1.5) -> bytes | None:
    """The evidence passage's page as PNG with the passage highlighted; None without a PDF."""
    if not evidence.pdf_path or not Path(evidence.pdf_path).exists():
        return None
    return render_page_png(evidence.pdf_path, evidence.page, highlight=evidence.bbox, zoom=zoom)
