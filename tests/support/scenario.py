"""The app tests' database: demo reviews, a grounded claim, runs, verdicts and jobs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from claimlab.config import Settings
from claimlab.ingest.pdf import extract_passages
from claimlab.records import RunRequest
from claimlab.services import jobs
from claimlab.services.claims import list_claims
from claimlab.services.papers import get_paper
from claimlab.services.reports import ingest_reports
from claimlab.services.reproduce import reproduce
from claimlab.services.specs import set_spec
from claimlab.services.verdicts import compute_verdicts
from claimlab.store import papers as store_papers
from claimlab.store import queue
from claimlab.store.engine import session_scope
from conftest import EXAMPLE_REPORTS

CLAIM_TEXT = "Multilingual code-switching (ML-CS) outperforms the zero-shot re-ranker in MLIR."
OTHER_TEXT = "Fine-tuning on target-language data outperforms the zero-shot re-ranker in MoIR."
PASSAGE = (
    "In the MLIR setting, ML-CS outperforms the zero-shot re-ranker on every language pair, "
    "with an average gain of 2.1 MRR@10 points."
)
PAPER = ("2305.05295", 2)
FAILED_PAPER = ("2108.13897", 4)
SPEC = [
    {
        "recipe": "codeswitch",
        "kind": "comparison",
        "lhs": "ml-cs",
        "op": ">",
        "rhs": "zero-shot",
        "metric": "mrr@10",
        "task": "passage-reranking",
        "setting": "mlir",
    }
]
# Per-seed MRR@10 by profile and system: clearly better at mini, a wash at smoke.
MEASURED = {
    "mini": {"ml-cs": [0.421, 0.437, 0.429], "zero-shot": [0.301, 0.312, 0.296]},
    "smoke": {"ml-cs": [0.20, 0.26], "zero-shot": [0.22, 0.21]},
}
RANDOM_ORDER = 0.1
"""The MRR@10 of a random order of the candidates (the runs' ref/chance level)."""
FAILURE = "RuntimeError: loss became NaN at step 12"
OWNER = "test-worker"


@dataclass(frozen=True)
class Scenario:
    """Ids of what build() created."""

    claim_id: int
    other_id: int
    failed_job: int
    running_job: int
    queued_job: int
    log_path: Path


def claim_id(settings: Settings, text: str) -> int:
    """The id of the demo claim with this text."""
    return next(c.id for c in list_claims(settings) if c.text == text)


def paper_pdf(path: Path) -> Path:
    """A two-page PDF whose second page holds PASSAGE."""
    doc = pymupdf.open()
    first = doc.new_page(width=595, height=842)
    first.insert_text((72, 80), "Boosting Zero-shot Cross-lingual Retrieval", fontsize=16)
    first.insert_textbox((72, 110, 523, 300), "We train re-rankers on code-switched data. " * 6)
    second = doc.new_page(width=595, height=842)
    second.insert_text((72, 80), "4 Results", fontsize=12)
    second.insert_textbox((72, 100, 523, 180), "Table 2 lists every pair. " * 5)
    second.insert_textbox((72, 200, 523, 260), PASSAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def add_papers(settings: Settings, claim: int) -> None:
    """The cited paper with its PDF and passages, evidence for `claim`, and a failed PDF."""
    pdf = paper_pdf(settings.papers_dir / f"{PAPER[0]}v{PAPER[1]}.pdf")
    passages = extract_passages(pdf)
    with session_scope(settings.database_url) as session:
        fields = store_papers.PaperFields(
            PAPER[0],
            PAPER[1],
            title="Boosting Zero-shot Cross-lingual Retrieval",
            authors=["A. B."],
        )
        paper_id, _ = store_papers.upsert_paper(session, fields)
        sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
        store_papers.store_pdf(
            session,
            paper_id,
            path=str(pdf),
            sha256=sha,
            page_count=2,
            passages=passages,
        )
        failed_id, _ = store_papers.upsert_paper(session, store_papers.PaperFields(*FAILED_PAPER))
        store_papers.record_pdf_failure(
            session, failed_id, "image_only: the pages hold images but no text (needs OCR)"
        )
    stored = get_paper(settings, f"{PAPER[0]}v{PAPER[1]}").passages
    best = next(p for p in stored if "ML-CS outperforms" in p.text)
    with session_scope(settings.database_url) as session:
        store_papers.save_evidence(session, claim, [(best.id, 0.91, "bm25+fuzzy")], None, True)


def run_jobs(settings: Settings) -> None:
    """Act as a worker for every queued job: record the MEASURED numbers as its metrics."""
    while (job := queue.claim(settings.database_url, OWNER, 3600)) is not None:
        profile, system = job.config["profile"], job.config["system"]
        value = MEASURED[profile][system][job.config["seed"] - 1]
        metrics = {"mlir/avg/mrr@10": value, "ref/chance/mlir/avg/mrr@10": RANDOM_ORDER}
        state = queue.finish(settings.database_url, job.job_id, OWNER, ok=True, metrics=metrics)
        assert state == "succeeded"


def extra_job(settings: Settings, seed: int) -> int:
    """Queue one more run (a bl-cs smoke run) that fails at once; returns its job id."""
    config = {"recipe": "codeswitch", "profile": "smoke", "seed": seed, "system": "bl-cs"}
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    request = RunRequest("codeswitch", "smoke", seed, config, digest, max_attempts=1)
    jobs.enqueue_runs(settings, [request])
    return max(j.id for j in jobs.list_jobs(settings))


def build(settings: Settings) -> Scenario:
    """Demo reviews, a claim grounded and judged at smoke and mini, failed, running, queued jobs."""
    ingest_reports(settings, [EXAMPLE_REPORTS])
    claim, other = claim_id(settings, CLAIM_TEXT), claim_id(settings, OTHER_TEXT)
    add_papers(settings, claim)
    set_spec(settings, claim, SPEC)
    set_spec(settings, other, [{**SPEC[0], "lhs": "fine-tuning", "setting": "moir"}])
    for profile in MEASURED:
        reproduce(settings, [claim], profile)
    run_jobs(settings)
    for profile in MEASURED:
        compute_verdicts(settings, profile, [claim, other])

    log_path = settings.home / "logs" / "failed.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("".join(f"step {i} loss {1 / i:.3f}\n" for i in range(1, 12)) + FAILURE)
    url = settings.database_url
    failed, running, queued = extra_job(settings, 7), extra_job(settings, 8), extra_job(settings, 9)
    job = queue.claim(url, OWNER, 3600)
    assert job is not None and job.job_id == failed
    queue.heartbeat(url, failed, OWNER, 3600, step=12, total=120, log_path=str(log_path))
    assert queue.finish(url, failed, OWNER, ok=False, error=f"Traceback ...\n{FAILURE}") == "failed"
    job = queue.claim(url, OWNER, 3600)
    assert job is not None and job.job_id == running
    queue.heartbeat(url, running, OWNER, 3600, step=30, total=120)
    return Scenario(claim, other, failed, running, queued, log_path)
