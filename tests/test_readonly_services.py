"""Every writing service refuses on a read-only instance, before doing anything, and the
database is left exactly as it was."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from support.reviews import review_text, write_review
from support.scenario import SPEC, build
from test_queue import request

from claimlab.errors import ReadOnlyError
from claimlab.ingest import arxiv
from claimlab.runs.worker import Worker, WorkerOptions
from claimlab.services import (
    access,
    bundle,
    grounding,
    jobs,
    papers,
    reports,
    reproduce,
    specs,
    studies,
    verdicts,
    watch,
)
from claimlab.store.engine import session_scope
from claimlab.store.models import Base
from conftest import ROOT

STUDY = ROOT / "examples" / "studies" / "q1_codeswitch_vs_parallel.yaml"


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table, as text."""
    with session_scope(url) as s:
        return {
            name: sorted(repr(tuple(row)) for row in s.execute(select(table)))
            for name, table in Base.metadata.tables.items()
        }


def tree(home: Path) -> list[tuple[str, int, int]]:
    """Every file under `home` with its size and modification time."""
    return sorted(
        (str(p.relative_to(home)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in home.rglob("*")
        if p.is_file()
    )


@pytest.fixture
def readonly(settings, tmp_path, monkeypatch):
    """A read-only view of a database holding claims, specs, evidence, runs, jobs and verdicts."""
    scenario = build(settings)
    watch.add(settings, "code-switching", None, 5)
    asked: list[str] = []
    monkeypatch.setattr(arxiv, "search", lambda *a, **k: asked.append("search") or [])
    ro = replace(settings, ui_readonly=True)
    return ro, scenario, asked


def writes(ro, scenario, tmp_path: Path):
    """(name, call) for every service that writes."""
    review = write_review(tmp_path / "new", "new.txt", "New review", ["X beats Y on XNLI."])
    data = review_text("Uploaded", ["Z beats Y on XNLI."]).encode()
    workdir = tmp_path / "finished"
    workdir.mkdir()
    config = {"recipe": "fake", "profile": "smoke", "seed": 1}
    result = {"metrics": {"score": 1.0}, "provenance": {"config": config, "config_hash": "f" * 64}}
    (workdir / "result.json").write_text(json.dumps(result))
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    study = studies.load_study(STUDY)
    return {
        "ingest_reports": lambda: reports.ingest_reports(ro, [review]),
        "ingest_report_bytes": lambda: reports.ingest_report_bytes(ro, data, "up.txt"),
        "replace_report": lambda: reports.replace_report(ro, 1, data, "up.txt"),
        "parse_specs": lambda: specs.parse_specs(ro),
        "set_spec": lambda: specs.set_spec(ro, scenario.claim_id, SPEC),
        "compute_verdicts": lambda: verdicts.compute_verdicts(ro, "mini"),
        "ground_claims": lambda: grounding.ground_claims(ro),
        "reproduce": lambda: reproduce.reproduce(ro, [scenario.claim_id], "smoke"),
        "enqueue_runs": lambda: jobs.enqueue_runs(ro, [request(77)]),
        "import_results": lambda: jobs.import_results(ro, [workdir]),
        "cancel_job": lambda: jobs.cancel_job(ro, scenario.queued_job),
        "retry_job": lambda: jobs.retry_job(ro, scenario.failed_job),
        "jobs.worker": lambda: jobs.worker(ro, WorkerOptions(until_empty=True)),
        "Worker": lambda: Worker(ro, WorkerOptions(until_empty=True)),
        "enqueue_study": lambda: studies.enqueue_study(ro, study),
        "write_outputs": lambda: studies.write_outputs(ro, study, []),
        "watch.add": lambda: watch.add(ro, "new query", None, 5),
        "watch.run_pass": lambda: watch.run_pass(ro),
        "watch.serve": lambda: watch.serve(ro, 0.01, max_passes=1),
        "ingest_arxiv": lambda: papers.ingest_arxiv(ro, ["2106.01732"]),
        "ingest_pdf": lambda: papers.ingest_pdf(ro, pdf, "2106.01732"),
        "import_bundle": lambda: bundle.import_bundle(ro, tmp_path / "bundle.json"),
        "upgrade_db": lambda: access.upgrade_db(ro),
    }


NAMES = [
    "ingest_reports",
    "ingest_report_bytes",
    "replace_report",
    "parse_specs",
    "set_spec",
    "compute_verdicts",
    "ground_claims",
    "reproduce",
    "enqueue_runs",
    "import_results",
    "cancel_job",
    "retry_job",
    "jobs.worker",
    "Worker",
    "enqueue_study",
    "write_outputs",
    "watch.add",
    "watch.run_pass",
    "watch.serve",
    "ingest_arxiv",
    "ingest_pdf",
    "import_bundle",
    "upgrade_db",
]


@pytest.mark.parametrize("name", NAMES)
def test_writing_service_refuses_on_a_read_only_instance(readonly, tmp_path, name):
    ro, scenario, asked = readonly
    call = writes(ro, scenario, tmp_path)[name]
    before, files = snapshot(ro.database_url), tree(ro.home)
    with pytest.raises(ReadOnlyError, match=r"read-only \(CLAIMLAB_UI_READONLY=1\)"):
        call()
    assert snapshot(ro.database_url) == before
    assert tree(ro.home) == files
    assert asked == [], "arXiv was asked before the refusal"


def test_every_writing_service_is_listed(readonly, tmp_path):
    ro, scenario, _ = readonly
    assert sorted(writes(ro, scenario, tmp_path)) == sorted(NAMES)
