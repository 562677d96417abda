"""Cached reads for the app's pages, and the writes, which clear those caches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from claimlab.config import Settings
from claimlab.errors import DatabaseUnavailableError, NotReadyError
from claimlab.present.claims import claim_rows
from claimlab.present.frames import report_rows
from claimlab.records import ClaimView, EvidenceView, IngestResult, JobView, PaperView
from claimlab.services import (
    access,
    claims,
    extraction,
    jobs,
    papers,
    reports,
    reproduce,
    specs,
    studies,
)
from claimlab.services import paper_claims as stated
from claimlab.services.paper_claims import PaperTable
from claimlab.services.studies import BrokenStudy, Question, StudyResult, load_study

READ_TTL = 30
"""Seconds a read is cached: workers and the CLI write to the database too."""
JOB_TTL = 2
"""Jobs move while a worker runs, so their reads are cached briefly."""


def settings() -> Settings:
    """Settings from the environment (CLAIMLAB_*)."""
    return Settings.from_env()


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def ready(s: Settings) -> str | None:
    """None when the database is reachable and migrated, else what is wrong."""
    try:
        access.guard(s)
    except (DatabaseUnavailableError, NotReadyError) as exc:
        return str(exc)
    return None


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def claims_frame(s: Settings, source: str | None = None) -> pd.DataFrame:
    """The Claims table (only claims with a mention from `source`, "review" or "paper",
    when given), with each report's cited arXiv ids for the paper filter."""
    references = {r.id: r.references for r in reports.list_reports(s)}
    return claim_rows(claims_list(s, source), references)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def claims_list(s: Settings, source: str | None = None) -> list[ClaimView]:
    """Claim records (only those with a mention from `source` when given)."""
    return claims.list_claims(s, source=source)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def claim(s: Settings, claim_id: int) -> ClaimView | None:
    """One claim with its mentions, evidence, spec and verdicts."""
    return claims.get_claim(s, claim_id)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def claim_choices(s: Settings) -> dict[int, str]:
    """Claim id -> text, for the claim picker."""
    frame = claims_frame(s)
    return dict(zip(frame["id"], frame["claim"], strict=True))


@st.cache_data(ttl=READ_TTL, show_spinner="Planning runs…")
def measurements(s: Settings, claim_id: int, profile: str) -> list[dict[str, Any]]:
    """Per-seed numbers behind a claim's predicates at a profile."""
    return reproduce.claim_measurements(s, claim_id, profile)


@st.cache_data(max_entries=64, show_spinner=False)
def evidence_png(evidence: EvidenceView, zoom: float = 1.5) -> bytes | None:
    """The evidence's PDF page with the passage highlighted (the PDF does not change)."""
    return papers.evidence_png(evidence, zoom)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def reports_frame(s: Settings) -> pd.DataFrame:
    """The Reports table."""
    return report_rows(reports.list_reports(s))


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def papers_list(s: Settings) -> list[PaperView]:
    """Every paper version."""
    return papers.list_papers(s)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def paper(s: Settings, key: str) -> PaperView | None:
    """One paper with its passages."""
    return papers.get_paper(s, key)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def paper_claims(s: Settings, paper_id: int) -> list[ClaimView]:
    """Claims of the reports that cite a paper."""
    return papers.paper_claims(s, paper_id)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def stated_claims(s: Settings, paper_id: int) -> list[ClaimView]:
    """Claims the paper states itself: its sentences and its table values."""
    return stated.stated_claims(s, paper_id)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def extracted(s: Settings, paper_id: int) -> bool:
    """True when the paper's claims were extracted from its current PDF."""
    return paper_id not in extraction.pending(s, [paper_id])


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def paper_tables(s: Settings, paper_id: int) -> list[PaperTable]:
    """The paper's results tables read as numbers."""
    return stated.paper_tables(s, paper_id)


@st.cache_data(ttl=JOB_TTL, show_spinner=False)
def job_list(s: Settings, states: tuple[str, ...] | None = None) -> list[JobView]:
    """Jobs, newest first."""
    return jobs.list_jobs(s, states)


@st.cache_data(ttl=JOB_TTL, show_spinner=False)
def job_counts(s: Settings) -> dict[str, int]:
    """Jobs per state."""
    return jobs.job_counts(s)


@st.cache_data(ttl=READ_TTL, show_spinner="Reading studies…")
def research_questions(s: Settings) -> tuple[list[Question], list[BrokenStudy]]:
    """Research questions with their reviews and studies (each at its own profile)."""
    return studies.research_questions(s, s.studies_dir)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def study_result(s: Settings, path: str, profile: str) -> StudyResult:
    """One study at a profile (StudyError names the file and field at fault)."""
    return studies.study_result(s, load_study(Path(path), profile))


_READS = (
    ready,
    claims_list,
    claims_frame,
    claim,
    claim_choices,
    measurements,
    reports_frame,
    papers_list,
    paper,
    paper_claims,
    stated_claims,
    extracted,
    paper_tables,
    job_list,
    job_counts,
    research_questions,
    study_result,
)


def clear() -> None:
    """Forget every cached read (not the rendered PDF pages)."""
    for read in _READS:
        read.clear()


def save_spec(s: Settings, claim_id: int, spec: Any) -> list[dict[str, Any]]:
    """Validate and store a hand-written spec (SpecError names the field at fault)."""
    try:
        return specs.set_spec(s, claim_id, spec)
    finally:
        clear()


def queue_reproduction(s: Settings, claim_id: int, profile: str, seeds: int | None) -> tuple:
    """Queue the runs a claim needs at a profile; (new, already known)."""
    try:
        return reproduce.reproduce(s, [claim_id], profile, seeds)
    finally:
        clear()


def queue_study(s: Settings, path: str, profile: str) -> tuple[int, int]:
    """Queue a study's missing runs at a profile; (new, already known)."""
    try:
        return studies.enqueue_study(s, load_study(Path(path), profile))
    finally:
        clear()


def upload_report(s: Settings, data: bytes, name: str) -> IngestResult:
    """Ingest one uploaded review with the CLI's parser, as a new report."""
    try:
        return reports.ingest_report_bytes(s, data, name)
    finally:
        clear()


def replace_report(s: Settings, report_id: int, data: bytes, name: str) -> IngestResult:
    """Replace the chosen report with an uploaded review."""
    try:
        return reports.replace_report(s, report_id, data, name)
    finally:
        clear()


def cancel_job(s: Settings, job_id: int) -> str | None:
    """Cancel a queued job, or ask a running one to stop."""
    try:
        return jobs.cancel_job(s, job_id)
    finally:
        clear()


def retry_job(s: Settings, job_id: int) -> str | None:
    """Queue a failed or cancelled job again."""
    try:
        return jobs.retry_job(s, job_id)
    finally:
        clear()
