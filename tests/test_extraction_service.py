"""services.extraction: a paper's claim sentences and table values stored as paper mentions,
idempotent, per-paper transactions, review claims linked (merged) with their grounding and
the paper's numbers; the claims listing's source filter; `claimlab papers extract`."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select
from support.claim_paper import CLAIMS, write_claim_paper
from support.reviews import review_text
from typer.testing import CliRunner

from claimlab.claims.table_values import TableValue as Value
from claimlab.cli import app
from claimlab.errors import ReadOnlyError
from claimlab.services import extraction
from claimlab.services.claims import get_claim, list_claims
from claimlab.services.grounding import ground_claims
from claimlab.services.papers import get_paper, ingest_pdf
from claimlab.services.reports import ingest_reports
from claimlab.services.specs import parse_specs
from claimlab.store.engine import session_scope
from claimlab.store.models import Claim, ClaimMention, Evidence
from claimlab.store.tables import nearest_caption

REAL_READER = extraction.table_reader
ARXIV = "2106.01732v2"
SAME = "On zero-shot XNLI, mBERT is outperformed by mBERT+WEAM."
"""Says what the paper's "mBERT+WEAM outperforms mBERT on XNLI in the zero-shot setting."."""
NEGATED = "mBERT+WEAM does not outperform mBERT on XNLI in the zero-shot setting."
OTHER_NUMBER = "mBERT+WEAM reaches 71.5 accuracy on XNLI in the zero-shot setting."
SAME_NEGATION = "The mBERT+TLM model does not outperform mBERT in the translate-train setting."


def fake_reader(cells, caption):
    """A stand-in for claims.table_values.read_table on the test paper's table."""
    assert caption == "Table 1: Zero-shot accuracy on XNLI."
    header, *rows = cells
    return [
        Value(
            row[0].lower(),
            "xnli",
            "zero-shot",
            header[c],
            "accuracy",
            float(row[c]),
            None,
            False,
            r,
            c,
            row[c],
        )
        for r, row in enumerate(rows, 1)
        for c in (1, 2)
    ]


@pytest.fixture
def fake_tables(monkeypatch):
    monkeypatch.setattr(extraction, "table_reader", lambda: fake_reader)


@pytest.fixture
def paper(settings, tmp_path, fake_tables):
    """The two-column test paper under 2106.01732v2, after a review citing it."""
    review = tmp_path / "review.txt"
    review.write_text(review_text("A review", [SAME, NEGATED, OTHER_NUMBER, SAME_NEGATION]))
    (added,) = ingest_reports(settings, [review])
    assert added.status == "added"
    result = ingest_pdf(settings, write_claim_paper(tmp_path / "paper.pdf"), ARXIV)
    assert result.status == "added"
    return settings


def _count(settings, model) -> int:
    with session_scope(settings.database_url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_extract_stores_paper_mentions_once(paper):
    (result,) = extraction.extract(paper)
    assert result.error is None
    assert (result.arxiv_id, result.sentences, result.values) == (ARXIV, 10, 4)
    assert result.linked == 2
    rows = (_count(paper, Claim), _count(paper, ClaimMention), _count(paper, Evidence))
    # 10 sentences + 4 cells, two of which merge with review claims and one (70.1 on
    # average) with the sentence saying the same: 13 claims, 11 of them new
    assert len(result.claim_ids) == 13
    assert rows[:2] == (4 + 11, 4 + 14)
    (again,) = extraction.extract(paper)
    assert again == result
    assert (_count(paper, Claim), _count(paper, ClaimMention), _count(paper, Evidence)) == rows
    assert extraction.pending(paper) == []


def test_paper_mentions_carry_page_bbox_passage_and_parser_reading(paper):
    extraction.extract(paper)
    claims = {c.text: c for c in list_claims(paper, source="paper")}
    passages = {p.id: p for p in get_paper(paper, ARXIV).passages}
    for text, (kind, status, _) in CLAIMS.items():
        claim = next(c for c in claims.values() if any(m.text == text for m in c.mention_list))
        (mention,) = [m for m in claim.mention_list if m.text == text]
        assert (mention.source, mention.report) == ("paper", ARXIV)
        assert mention.verified is None and mention.confidence is None
        passage = passages[mention.passage_id]
        assert mention.page == passage.page and passage.kind == "text"
        x0, y0, x1, y1 = mention.bbox
        px0, py0, px1, py1 = passage.bbox
        assert px0 - 1 <= x0 < x1 <= px1 + 1 and py0 - 1 <= y0 < y1 <= py1 + 1
        assert (x1 - x0) * (y1 - y0) < (px1 - px0) * (py1 - py0)  # the sentence, not all
        if "review" not in claim.sources:  # the parser's reading, kept as it read it
            assert claim.spec_status == status, text
            assert claim.kind == (kind if status == "parsed" else claim.kind), text
        assert claim.evidence[0].method == "paper-claim"
    unread = claims["ML-CS is better than BL-CS unless the queries are short."]
    assert unread.spec_status == "needs-spec" and "unless" in unread.spec_reason
    table = [c for c in claims.values() if c.text.startswith("mbert")]
    assert sorted((c.text, c.spec[0]["value"], c.spec[0].get("pair")) for c in table) == [
        ("mbert reaches 66.3 accuracy on xnli (zero-shot, average).", 0.663, None),
        ("mbert reaches 70.0 accuracy on xnli (zero-shot, German).", 0.7, "de"),
        ("mbert+weam reaches 72.4 accuracy on xnli (zero-shot, German).", 0.724, "de"),
    ]
    assert all(c.mention_list[0].bbox == passages[c.mention_list[0].passage_id].bbox for c in table)
    assert {passages[c.mention_list[0].passage_id].kind for c in table} == {"table"}


def test_review_claims_link_only_when_they_say_the_same(paper):
    (result,) = extraction.extract(paper)
    by_text = {c.text: c for c in list_claims(paper)}
    linked = [c for c in list_claims(paper) if c.sources == ["review", "paper"]]
    assert sorted(c.id for c in linked) == sorted({by_text[SAME].id, by_text[SAME_NEGATION].id})
    assert set(result.claim_ids) >= {c.id for c in linked}
    same = get_claim(paper, by_text[SAME].id)
    assert [m.source for m in same.mention_list] == ["review", "paper"]
    assert same.mention_list[1].text == (
        "mBERT+WEAM outperforms mBERT on XNLI in the zero-shot setting."
    )
    assert same.grounding_status == "found"
    assert [e.method for e in same.evidence] == ["paper-claim", "paper-number", "paper-number"]
    assert same.papers == [ARXIV] and same.reports == ["A review"]
    # opposite direction and another number stay apart: not stated by the paper, only
    # the passages with the paper's numbers for their systems
    for text in (NEGATED, OTHER_NUMBER):
        claim = get_claim(paper, by_text[text].id)
        assert claim.sources == ["review"]
        assert {e.method for e in claim.evidence} == {"paper-number"}
    numbers = extraction.paper_numbers(paper, by_text[SAME].id)
    assert sorted((n.system, n.value, n.pair) for n in numbers) == [
        ("mbert", 0.663, None),
        ("mbert+weam", 0.701, None),
    ]
    assert {n.setting for n in numbers} == {"zero-shot"}
    other = extraction.paper_numbers(paper, by_text[OTHER_NUMBER].id)
    assert [(n.system, n.value) for n in other] == [("mbert+weam", 0.701)]
    contested = extraction.paper_numbers(paper, by_text[NEGATED].id)
    assert sorted((n.system, n.value) for n in contested) == [
        ("mbert", 0.663),
        ("mbert+weam", 0.701),
    ]


def test_grounding_and_parsing_keep_what_extraction_stored(paper):
    extraction.extract(paper)
    table_claim = next(c for c in list_claims(paper) if c.text.startswith("mbert reaches 70.0"))
    ground_claims(paper)
    parse_specs(paper)
    claim = get_claim(paper, table_claim.id)
    assert claim.spec[0]["pair"] == "de" and claim.spec[0]["cell"] == [1, 2]
    assert claim.evidence[0].method == "paper-claim"
    same = next(c for c in list_claims(paper) if c.text == SAME)
    assert get_claim(paper, same.id).evidence[0].method == "paper-claim"


def test_source_filter(paper):
    extraction.extract(paper)
    everything = list_claims(paper)
    review = list_claims(paper, source="review")
    from_paper = list_claims(paper, source="paper")
    assert {c.id for c in review} | {c.id for c in from_paper} == {c.id for c in everything}
    assert len(review) == 4 and len(from_paper) == 13
    assert len({c.id for c in review} & {c.id for c in from_paper}) == 2
    with pytest.raises(ValueError, match="source 'blog'"):
        list_claims(paper, source="blog")


def test_reingested_pdf_is_extracted_again_in_place(paper, tmp_path):
    (first,) = extraction.extract(paper)
    doc = pymupdf.open(tmp_path / "paper.pdf")
    doc[0].insert_text((50, 760), "A new closing remark.", fontname="helv", fontsize=10)
    changed = tmp_path / "changed.pdf"
    doc.save(changed)
    assert ingest_pdf(paper, changed, ARXIV).status in ("updated", "added", "replaced")
    assert extraction.pending(paper) == [first.paper_id]
    (second,) = extraction.extract(paper)
    assert second.claim_ids == first.claim_ids
    mentions = [m for c in list_claims(paper, "paper") for m in c.mention_list]
    assert all(m.passage_id is not None for m in mentions if m.source == "paper")
    assert extraction.pending(paper) == []


def test_a_failing_paper_does_not_stop_the_others(paper, tmp_path, monkeypatch):
    pdf = tmp_path / "second.pdf"
    pdf.write_bytes((tmp_path / "paper.pdf").read_bytes())
    assert ingest_pdf(paper, pdf, "2305.05295v1").status == "added"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    ingest_pdf(paper, broken, "2401.00001v1")
    calls = []

    def reader(cells, caption):
        calls.append(caption)
        if len(calls) == 1:
            raise RuntimeError("a table that breaks the reader")
        return fake_reader(cells, caption)

    monkeypatch.setattr(extraction, "table_reader", lambda: reader)
    results = {r.arxiv_id: r for r in extraction.extract(paper)}
    assert results[ARXIV].error == (
        f"{ARXIV}: ValueError: passage 12 (page 2, table): "
        "RuntimeError: a table that breaks the reader"
    )
    assert results[ARXIV].claim_ids == ()
    assert results["2305.05295v1"].error is None and results["2305.05295v1"].values == 4
    assert all(
        m.report != ARXIV for c in list_claims(paper, "paper") for m in c.mention_list
    )  # nothing of the failed paper was written
    missing = extraction.extract(paper, [999])
    assert [r.error for r in missing] == ["no paper with id 999"]


def test_cli_papers_extract(paper):
    runner = CliRunner()
    db = ["--db", paper.database_url]
    env = {"CLAIMLAB_HOME": str(paper.home)}
    out = runner.invoke(app, ["papers", "extract", *db], env=env)
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == (
        f"{ARXIV}: 10 claim sentence(s), 4 table value(s), 13 claim(s), 2 mentioned by reviews"
    )
    out = runner.invoke(app, ["papers", "extract", "2106.01732", "9999.99999", *db], env=env)
    assert out.exit_code == 1
    assert "no paper 9999.99999" in out.stderr
    assert f"{ARXIV}: 10 claim sentence(s)" in out.stdout


def test_a_review_ingested_after_extraction_links_the_same_way(paper, tmp_path):
    (first,) = extraction.extract(paper)
    stated = {
        m.text: c.id
        for c in list_claims(paper, "paper")
        for m in c.mention_list
        if m.source == "paper"
    }
    later = tmp_path / "later.txt"
    opposite = "mBERT outperforms mBERT+WEAM on XNLI in the zero-shot setting."
    reworded = "Word-aligned mBERT is outperformed by mBERT+WEAM in translate-train."
    later.write_text(review_text("A later review", [opposite, reworded]))
    (added,) = ingest_reports(paper, [later])
    assert (added.status, added.new_claims) == ("added", 1)
    by_text = {m.text: c for c in list_claims(paper) for m in c.mention_list}
    assert (
        by_text[reworded].id
        == stated["Word-aligned mBERT is surpassed by mBERT+WEAM in the translate-train setting."]
    )
    assert by_text[reworded].sources == ["review", "paper"]
    assert by_text[opposite].sources == ["review"]
    assert by_text[opposite].id not in first.claim_ids
    (again,) = extraction.extract(paper, [first.paper_id])
    assert again.claim_ids == first.claim_ids and again.linked == 3


def test_the_real_table_reader_gives_the_same_value_claims(paper, monkeypatch):
    monkeypatch.setattr(extraction, "table_reader", REAL_READER)
    assert REAL_READER() is not None  # claims.table_values is there
    (result,) = extraction.extract(paper)
    assert (result.sentences, result.values, result.error) == (10, 4, None)
    values = sorted(
        (p["lhs"], p["task"], p["setting"], p.get("pair", ""), p["value"])
        for c in list_claims(paper, "paper")
        for p in c.spec or []
        if "cell" in p
    )
    assert values == [
        ("mbert", "xnli", "zero-shot", "", 0.663),
        ("mbert", "xnli", "zero-shot", "de", 0.7),
        ("mbert+weam", "xnli", "zero-shot", "de", 0.724),
    ]  # the fourth, 70.1 on average, joined the paper's sentence saying the same


def test_read_only_refuses_and_cli_lists_by_source(paper):
    with pytest.raises(ReadOnlyError):
        extraction.extract(replace(paper, ui_readonly=True))
    extraction.extract(paper)
    runner = CliRunner()
    db = ["--db", paper.database_url]
    env = {"CLAIMLAB_HOME": str(paper.home)}
    out = runner.invoke(app, ["claims", "list", "--source", "review", "-f", "json", *db], env=env)
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert sorted(tuple(r["sources"]) for r in rows) == [
        ("review",),
        ("review",),
        ("review", "paper"),
        ("review", "paper"),
    ]
    out = runner.invoke(app, ["claims", "list", "--source", "blog", *db], env=env)
    assert out.exit_code == 1 and "source 'blog'" in out.stderr
    paper_claim = next(c for c in list_claims(paper, "paper") if c.sources == ["paper"])
    out = runner.invoke(app, ["claims", "show", str(paper_claim.id), *db], env=env)
    assert out.exit_code == 0, out.output
    (mention,) = paper_claim.mention_list
    assert f"  paper p.{mention.page}  [{ARXIV}] {mention.text}" in out.stdout


def test_real_latex_papers_sentences_get_their_own_boxes(settings):
    fixtures = Path(__file__).parent / "fixtures" / "pdf"
    for i, name in enumerate(("apssamp.pdf", "elstest-5p.pdf", "sample-sigconf.pdf")):
        assert ingest_pdf(settings, fixtures / name, f"2401.0000{i}v1").status == "added"
    results = extraction.extract(settings)
    assert [(r.arxiv_id, r.sentences, r.values, r.error) for r in results] == [
        ("2401.00000v1", 1, 0, None),
        ("2401.00001v1", 23, 0, None),  # 24 claim sentences, one repeated word for word
        ("2401.00002v1", 0, 0, None),
    ]
    boxes = {p.id: p.bbox for r in results for p in get_paper(settings, r.arxiv_id).passages}
    mentions = [m for c in list_claims(settings, "paper") for m in c.mention_list]
    own = [m for m in mentions if m.bbox != boxes[m.passage_id]]
    assert (len(own), len(mentions)) == (20, 24)  # math the PDF spells otherwise: passage box


@dataclass(frozen=True)
class Placed:
    seq: int
    page: int
    kind: str
    text: str | None


def test_nearest_caption_is_the_closest_table_caption_on_the_page_before_on_a_tie():
    rows = [
        Placed(0, 1, "caption", "Table 1: on page one."),
        Placed(1, 2, "caption", "Figure 2: not a table."),
        Placed(2, 2, "caption", "  TAB. 3: before."),
        Placed(3, 2, "table", None),
        Placed(4, 2, "caption", "Table 4: after."),
        Placed(5, 2, "table", None),
        Placed(6, 2, "text", "Table 5 in running text."),
        Placed(7, 2, "table", None),
        Placed(8, 3, "table", None),
    ]
    assert [nearest_caption(r, rows) for r in rows if r.kind == "table"] == [
        "  TAB. 3: before.",
        "Table 4: after.",
        "Table 4: after.",
        None,
    ]
