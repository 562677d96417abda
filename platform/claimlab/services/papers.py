"""Papers: arXiv and PDF ingestion, listing, and the evidence passage drawn on its page."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claimlab.config import Settings
from claimlab.errors import NotReadyError, ReadOnlyError
from claimlab.ingest import arxiv
from claimlab.ingest.download import download_pdf
from claimlab.ingest.files import copy_to_temp, publish, sha256_of
from claimlab.ingest.pdf import (
    PassageData,
    PdfError,
    extract_passages,
    page_count,
    render_page_png,
)
from claimlab.records import ClaimView, EvidenceView, PaperView
from claimlab.services.access import guard, session
from claimlab.services.grounding import ground_claims
from claimlab.store import papers as store_papers
from claimlab.store.queries import list_claims


@dataclass(frozen=True)
class PaperResult:
    """What happened to one paper in an ingest call."""

    key: str
    status: str
    """added, unchanged, failed (metadata, id or an unexpected error), or pdf-failed
    (metadata kept, PDF refused, with the reason)."""
    error: str | None = None


@dataclass(frozen=True)
class _Pdf:
    """A PDF read and accepted, before it is stored."""

    passages: list[PassageData]
    pages: int


def arxiv_settings(settings: Settings) -> arxiv.ArxivSettings:
    """The arXiv client settings of this claimlab instance."""
    return arxiv.ArxivSettings(
        api_url=settings.arxiv_api_url,
        pdf_base=settings.arxiv_pdf_base,
        delay=settings.arxiv_delay,
        deadline=settings.arxiv_deadline,
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
    return results + ingest_metas(settings, metas)


def ingest_metas(settings: Settings, metas: Iterable[arxiv.PaperMeta]) -> list[PaperResult]:
    """ingest_meta for each paper; an unexpected error fails that paper only."""
    results = []
    for meta in metas:
        try:
            results.append(ingest_meta(settings, meta))
        except (NotReadyError, ReadOnlyError):
            raise
        except Exception as exc:  # reported per paper, so every id gets an answer
            results.append(PaperResult(str(meta.id), "failed", f"{type(exc).__name__}: {exc}"))
    return results


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
    read: list[_Pdf] = []
    try:
        download = download_pdf(
            meta,
            settings.papers_dir,
            arxiv_settings(settings),
            check=lambda path: read.append(_read_pdf(path)),
        )
    except arxiv.FetchError as exc:
        return _failed(settings, paper_id, key, f"download failed ({exc.reason}): {exc}")
    except PdfError as exc:
        return _failed(settings, paper_id, key, str(exc))
    with session(settings, write=True) as s:
        reset = store_papers.store_pdf(
            s,
            paper_id,
            path=str(download.path),
            sha256=download.sha256,
            page_count=read[-1].pages,
            passages=read[-1].passages,
        )
    _reground(settings, reset)
    return PaperResult(key, "added")


def ingest_pdf(
    settings: Settings, path: Path, arxiv_id: str, title: str | None = None
) -> PaperResult:
    """Add a PDF the user already has under an arXiv id (metadata may follow later).

    The file is read and checked before anything is replaced: a refused file changes
    nothing (stored PDF, passages, evidence) and is not copied into the papers folder.
    Claims grounded in the passages it replaces are grounded again in the new ones.
    """
    guard(settings, write=True)
    try:
        aid = arxiv.parse_arxiv_id(arxiv_id)
    except arxiv.ArxivIdError as exc:
        return PaperResult(arxiv_id, "failed", str(exc))
    key = str(aid)
    if not path.is_file():
        return PaperResult(key, "failed", f"{path}: no such file")
    limit = arxiv.ArxivSettings.max_bytes
    if (size := path.stat().st_size) > limit:
        return PaperResult(key, "pdf-failed", f"too_large: {path} is {size} bytes, over {limit}")
    dest = settings.papers_dir / aid.filename
    tmp = copy_to_temp(path, dest)  # read once: the file may change while we work
    try:
        digest, _ = sha256_of(tmp)
        with session(settings) as s:
            known = store_papers.find_paper(s, aid.base, aid.version)
            state = store_papers.paper_pdf_state(s, known) if known else None
        if state == ("ok", digest) and dest.is_file():
            return PaperResult(key, "unchanged")
        try:
            pdf = _read_pdf(tmp)
        except PdfError as exc:
            return PaperResult(key, "pdf-failed", f"{path}: {exc}")
        reset = _store_local(settings, aid, title, tmp, dest, digest, pdf)
    finally:
        tmp.unlink(missing_ok=True)
    _reground(settings, reset)
    return PaperResult(key, "added")


def _store_local(
    settings: Settings,
    aid: arxiv.ArxivId,
    title: str | None,
    tmp: Path,
    dest: Path,
    digest: str,
    pdf: _Pdf,
) -> list[int]:
    """Store an accepted local PDF; the file is renamed in last, and put back on failure."""
    backup = dest.with_name(f".{dest.name}.old")
    backup.unlink(missing_ok=True)
    had_old = dest.is_file()
    if had_old:
        os.link(dest, backup)
    renamed = False
    try:
        with session(settings, write=True) as s:
            paper_id, _ = store_papers.upsert_paper(
                s, store_papers.PaperFields(aid.base, aid.version, title)
            )
            reset = store_papers.store_pdf(
                s,
                paper_id,
                path=str(dest),
                sha256=digest,
                page_count=pdf.pages,
                passages=pdf.passages,
            )
            publish(tmp, dest)
            renamed = True
    except BaseException:
        if renamed and had_old:
            os.replace(backup, dest)
        elif renamed:
            dest.unlink(missing_ok=True)
        raise
    finally:
        backup.unlink(missing_ok=True)
    return reset


def _read_pdf(path: Path) -> _Pdf:
    """Passages and page count of a PDF, or PdfError: the check before anything is stored."""
    return _Pdf(extract_passages(path), page_count(path))


def _failed(settings: Settings, paper_id: int, key: str, error: str) -> PaperResult:
    with session(settings, write=True) as s:
        store_papers.record_pdf_failure(s, paper_id, error)
    return PaperResult(key, "pdf-failed", error)


def _reground(settings: Settings, claim_ids: list[int]) -> None:
    """Ground again the claims whose evidence lay in replaced passages."""
    if claim_ids:
        ground_claims(settings, claim_ids)


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
