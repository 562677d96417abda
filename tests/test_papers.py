"""Papers end to end: arXiv ingestion into the store, passages, grounding, saved searches."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest
from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.services import watch
from claimlab.services.claims import get_claim, list_claims
from claimlab.services.grounding import ground_claims
from claimlab.services.papers import get_paper, ingest_arxiv, ingest_pdf, list_papers
from claimlab.services.reports import ingest_reports
from claimlab.services.specs import set_spec
from claimlab.services.verdicts import compute_verdicts
from conftest import EXAMPLE_REPORTS

FEEDS = Path(__file__).parent / "fixtures" / "arxiv"
LEFT = [
    "Word-exchange alignment pre-training swaps the representations of aligned words.",
    "The learning rate is set to 5e-5, the batch size to 32, and the maximum sequence length "
    "to 128 tokens during continued pre-training.",
]
RIGHT = ["The masking probability is set to 0.3 during the pre-training steps."]


def two_column_pdf() -> bytes:
    """A two-page, two-column paper whose text the demo reviews quote."""
    doc = pymupdf.open()
    for page_no in range(2):
        page = doc.new_page()
        page.insert_text((72, 60), f"{page_no + 1} Method", fontsize=14)
        left = " ".join(LEFT) if page_no == 0 else "Filler text about data sets and splits."
        right = " ".join(RIGHT) if page_no == 1 else "More filler about the evaluation."
        page.insert_textbox(pymupdf.Rect(72, 90, 290, 700), left, fontsize=10)
        page.insert_textbox(pymupdf.Rect(310, 90, 530, 700), right, fontsize=10)
    return doc.tobytes()


@pytest.fixture
def env(settings, arxiv_stub):
    """Settings pointed at the arXiv stub, with the demo reviews ingested."""
    ingest_reports(settings, [EXAMPLE_REPORTS])
    return replace(
        settings,
        arxiv_api_url=f"{arxiv_stub.base}/api/query",
        arxiv_pdf_base=f"{arxiv_stub.base}/pdf/",
        arxiv_delay=0.0,
    )


def feed(name: str):
    return 200, {"Content-Type": "application/atom+xml"}, (FEEDS / name).read_bytes()


def pdf(data: bytes):
    return 200, {"Content-Type": "application/pdf"}, data


def test_ingest_ground_and_judge_a_hyperparameter(env, arxiv_stub):
    arxiv_stub.script("/api/query", feed("id_list_2106.01732v2.xml"))
    arxiv_stub.script("/pdf/2106.01732v2", pdf(two_column_pdf()))
    (result,) = ingest_arxiv(env, ["2106.01732v2"])
    assert result.status == "added"
    paper = get_paper(env, "2106.01732v2")
    assert paper.pdf_status == "ok" and paper.pages == 2
    texts = [p.text for p in paper.passages]
    first_left = next(i for i, t in enumerate(texts) if t.startswith("Word-exchange"))
    first_right = next(i for i, t in enumerate(texts) if t.startswith("More filler"))
    assert first_left < first_right  # column by column
    assert (Path(env.home) / "papers" / "2106.01732v2.pdf").exists()

    again = ingest_arxiv(env, ["2106.01732v2"])
    assert again[0].status == "unchanged" and len(arxiv_stub.seen) == 3  # no second PDF download

    counts = ground_claims(env)
    assert counts["found"] >= 2
    claims = list_claims(env)
    cut = next(
        c for c in claims if c.text.startswith("The learning rate is set to 5e-5, the batch")
    )
    detail = get_claim(env, cut.id)
    assert detail.completed_text.endswith("during continued pre-training.")
    assert detail.evidence[0].page == 1 and detail.evidence[0].paper == "2106.01732v2"
    mask = next(c for c in claims if c.text.startswith("The masking probability"))
    assert get_claim(env, mask.id).evidence[0].page == 2

    spec = [{"kind": "hyperparameter", "recipe": "weam", "parameter": "mask_prob", "value": 0.3}]
    set_spec(env, mask.id, spec)
    compute_verdicts(env, "smoke", [mask.id])
    verdict = get_claim(env, mask.id).verdicts[0]
    assert verdict["state"] == "supported"
    assert verdict["predicates"][0]["measured"]["source"] == 0.3


def test_broken_pdf_is_recorded_and_the_next_paper_goes_on(env, arxiv_stub):
    arxiv_stub.script("/api/query", feed("id_list_two.xml"))
    arxiv_stub.script("/pdf/2106.01732v2", (500, {}, b"down"))
    arxiv_stub.script("/pdf/2305.05295v2", pdf(b"<html>not a pdf</html>"))
    results = ingest_arxiv(replace(env, arxiv_delay=0.0), ["2106.01732v2", "2305.05295v2"])
    assert {r.status for r in results} == {"pdf-failed"}
    papers = {p.key: p for p in list_papers(env)}
    assert papers["2106.01732v2"].pdf_status == "failed"
    assert "HTTP 500" in papers["2106.01732v2"].pdf_error
    assert "not_pdf" in papers["2305.05295v2"].pdf_error
    assert papers["2305.05295v2"].title.startswith("Boosting Zero-shot")
    assert not list((Path(env.home) / "papers").glob("*.part"))


def test_local_pdf_and_refused_ids(env, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(two_column_pdf())
    result = ingest_pdf(env, path, "2106.01732v2", title="WEAM")
    assert result.status == "added"
    assert ingest_pdf(env, path, "2106.01732v2").status == "unchanged"
    bad = ingest_pdf(env, path, "../../etc/passwd")
    assert bad.status == "failed" and "arXiv id" in bad.error
    assert sorted(p.name for p in (Path(env.home) / "papers").iterdir()) == ["2106.01732v2.pdf"]


def test_cli_papers_show_json(env, arxiv_stub):
    arxiv_stub.script("/api/query", feed("id_list_2106.01732v2.xml"))
    arxiv_stub.script("/pdf/2106.01732v2", pdf(two_column_pdf()))
    runner = CliRunner()
    envvars = {
        "CLAIMLAB_HOME": str(env.home),
        "CLAIMLAB_ARXIV_API_URL": env.arxiv_api_url,
        "CLAIMLAB_ARXIV_PDF_BASE": env.arxiv_pdf_base,
        "CLAIMLAB_ARXIV_DELAY": "0",
    }
    db = ["--db", env.database_url]
    out = runner.invoke(app, ["ingest", "arxiv", "2106.01732v2", *db], env=envvars)
    assert out.exit_code == 0, out.output
    shown = json.loads(
        runner.invoke(app, ["papers", "show", "2106.01732", "-f", "json", *db]).stdout
    )
    assert set(shown) >= {"id", "version", "title", "pages", "pdf_status", "pdf_error", "passages"}
    assert shown["version"] == 2 and shown["pdf_status"] == "ok"
    assert set(shown["passages"][0]) == {"page", "kind", "section", "bbox", "text"}
    assert runner.invoke(app, ["ground", *db]).exit_code == 0
    claims = json.loads(runner.invoke(app, ["claims", "list", "-f", "json", *db]).stdout)
    (lr,) = [c for c in claims if c["text"].startswith("The learning rate is set to 5e-5")]
    assert lr["grounding_status"] == "found"
    claim_text = runner.invoke(app, ["claims", "show", str(lr["id"]), *db]).stdout
    assert f"\nevidence: 2106.01732v2 p.1 score 1.00 (exact): {' '.join(LEFT)}\n" in claim_text
    missed = next(c for c in claims if c["grounding_status"] == "not-found")
    assert "evidence:" not in runner.invoke(app, ["claims", "show", str(missed["id"]), *db]).stdout


def test_watch_pass_resumes_without_duplicates(env, arxiv_stub, monkeypatch):
    arxiv_stub.script("/api/query", feed("search_since.xml"))
    arxiv_stub.script("/pdf/2106.01732v2", pdf(two_column_pdf()))
    arxiv_stub.script("/pdf/2305.05295v2", pdf(two_column_pdf()))
    watch.add(env, "cross-lingual transfer", "cs.CL", 10)
    assert watch.add(env, "cross-lingual transfer", "cs.CL", 10)[1] is False

    real = watch.ingest_meta
    calls = []

    def dies_on_second(settings, meta):
        calls.append(str(meta.id))
        if len(calls) == 2:
            raise RuntimeError("killed mid-pass")
        return real(settings, meta)

    monkeypatch.setattr(watch, "ingest_meta", dies_on_second)
    (first,) = watch.run_pass(env)
    assert first.error and first.new_papers == 1
    (search,) = watch.list_all(env)
    assert search.watermark.isoformat().startswith("2021-06-03T10:19:25")

    monkeypatch.setattr(watch, "ingest_meta", real)
    (second,) = watch.run_pass(env)
    assert second.error is None and second.new_papers == 1
    assert sorted(p.key for p in list_papers(env)) == ["2106.01732v2", "2305.05295v2"]
    (third,) = watch.run_pass(env)
    assert third.new_papers == 0
    assert watch.parse_every("6h") == 21600 and watch.parse_every("30m") == 1800


def _claim_states(env) -> dict[int, tuple[str, list[tuple[str, int, str]]]]:
    """Each claim's grounding status and evidence (paper, page, text)."""
    return {
        c.id: (
            c.grounding_status,
            [(e.paper, e.page, e.text) for e in get_claim(env, c.id).evidence],
        )
        for c in list_claims(env)
    }


def _truncated_pdf() -> bytes:
    data = two_column_pdf()
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [(b"<html>not a pdf</html>", "corrupt"), (_truncated_pdf(), "truncated")],
    ids=["not-a-pdf", "truncated"],
)
def test_refused_pdf_changes_nothing_that_was_there(env, tmp_path, bad, reason):
    good = tmp_path / "good.pdf"
    good.write_bytes(two_column_pdf())
    assert ingest_pdf(env, good, "2106.01732v2").status == "added"
    assert ground_claims(env)["found"] >= 2
    stored = Path(env.home) / "papers" / "2106.01732v2.pdf"
    before = (stored.read_bytes(), get_paper(env, "2106.01732v2"), _claim_states(env))

    path = tmp_path / "bad.pdf"
    path.write_bytes(bad)
    result = ingest_pdf(env, path, "2106.01732v2")
    assert result.status == "pdf-failed"
    assert result.error.startswith(f"{path}: {reason}: ")
    assert f"{reason}: {reason}" not in result.error
    assert (stored.read_bytes(), get_paper(env, "2106.01732v2"), _claim_states(env)) == before
    assert sorted(p.name for p in stored.parent.iterdir()) == ["2106.01732v2.pdf"]


def test_refused_pdf_of_a_new_paper_stores_nothing(env, tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(_truncated_pdf())
    assert ingest_pdf(env, path, "2106.01732v2").status == "pdf-failed"
    assert get_paper(env, "2106.01732v2") is None
    assert not (Path(env.home) / "papers").exists() or not any(
        (Path(env.home) / "papers").iterdir()
    )


def test_replaced_passages_never_leave_grounding_pointing_at_nothing(env, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(two_column_pdf())
    ingest_pdf(env, path, "2106.01732v2")
    ground_claims(env)
    claims = list_claims(env)
    lr = next(c for c in claims if c.text.startswith("The learning rate is set to 5e-5"))
    mask = next(c for c in claims if c.text.startswith("The masking probability"))
    assert lr.grounding_status == mask.grounding_status == "found"

    # A new file for the same paper that no longer holds the learning-rate sentence.
    doc = pymupdf.open()
    doc.new_page().insert_textbox(pymupdf.Rect(72, 90, 530, 700), RIGHT[0], fontsize=10)
    path.write_bytes(doc.tobytes())
    assert ingest_pdf(env, path, "2106.01732v2").status == "added"
    states = _claim_states(env)
    assert all(ev for status, ev in states.values() if status == "found")
    assert states[lr.id] == ("not-found", [])
    assert states[mask.id] == ("found", [("2106.01732v2", 1, RIGHT[0])])


def test_cut_off_downloads_fail_per_id_and_are_retried_next_run(env, arxiv_stub):
    arxiv_stub.script("/api/query", feed("id_list_two.xml"))
    whole = two_column_pdf()
    short = 200, {"Content-Type": "application/pdf", "X-Short-Read": "500"}, whole
    arxiv_stub.script("/pdf/2106.01732v2", short)
    unsized = 200, {"Content-Type": "application/pdf", "X-Unsized": "1"}, whole[:500]
    arxiv_stub.script("/pdf/2305.05295v2", unsized)
    results = ingest_arxiv(env, ["2106.01732v2", "2305.05295v2"])
    assert [(r.key, r.status) for r in results] == [
        ("2106.01732v2", "pdf-failed"),
        ("2305.05295v2", "pdf-failed"),
    ]
    assert all(r.error.startswith("download failed (truncated): ") for r in results)
    assert not any((Path(env.home) / "papers").iterdir())

    arxiv_stub.script("/pdf/2106.01732v2", pdf(whole))
    arxiv_stub.script("/pdf/2305.05295v2", pdf(whole))
    again = ingest_arxiv(env, ["2106.01732v2", "2305.05295v2"])
    assert [r.status for r in again] == ["added", "added"]
    assert get_paper(env, "2305.05295v2").pdf_status == "ok"


def test_cli_exit_code_counts_pdf_failures_and_reports_every_id(env, arxiv_stub, tmp_path):
    arxiv_stub.script("/api/query", feed("id_list_two.xml"))
    whole = two_column_pdf()
    arxiv_stub.script(
        "/pdf/2106.01732v2",
        (200, {"Content-Type": "application/pdf", "X-Short-Read": "500"}, whole),
    )
    arxiv_stub.script("/pdf/2305.05295v2", pdf(whole))
    runner = CliRunner()
    envvars = {
        "CLAIMLAB_HOME": str(env.home),
        "CLAIMLAB_ARXIV_API_URL": env.arxiv_api_url,
        "CLAIMLAB_ARXIV_PDF_BASE": env.arxiv_pdf_base,
        "CLAIMLAB_ARXIV_DELAY": "0",
    }
    db = ["--db", env.database_url]
    out = runner.invoke(app, ["ingest", "arxiv", "2106.01732v2", "2305.05295v2", *db], env=envvars)
    assert out.exit_code == 1, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)
    assert "pdf-failed 2106.01732v2: download failed (truncated)" in out.stderr
    assert "added     2305.05295v2" in out.stdout

    cut = tmp_path / "cut.pdf"
    cut.write_bytes(_truncated_pdf())
    out = runner.invoke(app, ["ingest", "pdf", str(cut), "--arxiv-id", "1910.07475v3", *db])
    assert out.exit_code == 1
    assert out.stderr.count("truncated") == 1 and "no startxref/%%EOF" in out.stderr
    assert ": truncated: no startxref" in out.stderr
    assert get_paper(env, "1910.07475v3") is None


def test_stored_pdfs_get_normal_permissions(env, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(two_column_pdf())
    old = os.umask(0o022)
    try:
        ingest_pdf(env, path, "2106.01732v2")
    finally:
        os.umask(old)
    assert (Path(env.home) / "papers" / "2106.01732v2.pdf").stat().st_mode & 0o777 == 0o644
