"""The Claims page's source filter and the Paper page's own claims and table values, through
AppTest, on the demo reviews and a paper PDF written here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pymupdf
import pytest
from support.app import open_page, rerun, use_app

from claimlab.claims.table_values import TableValue
from claimlab.present.paper_claims import stated_frame, values_frame
from claimlab.records import ClaimView, MentionView
from claimlab.services.claims import list_claims
from claimlab.services.extraction import extract
from claimlab.services.paper_claims import PaperTable, paper_tables
from claimlab.services.papers import ingest_pdf
from claimlab.services.reports import ingest_reports, list_reports
from conftest import EXAMPLE_REPORTS

KEY = "2106.01732v2"
LEFT = [
    "We propose a word-exchange alignment objective for multilingual encoders.",
    "mBERT+WEAM outperforms mBERT on XNLI in the zero-shot setting.",
    "The masking probability is set to 0.3 during pre-training.",
]
RIGHT = [
    "Table 1 lists the zero-shot accuracy per language.",
    "mBERT+WEAM reaches 71.8 accuracy on XNLI in the zero-shot setting.",
]
TABLE = [
    ["Model", "de", "fr", "Avg"],
    ["mBERT", "70.5", "73.1", "71.8"],
    ["mBERT+WEAM", "**73.3**", "**75.8**", "**74.6**"],
    ["BM25", "40.1", "41.0", "40.6"],
]
CAPTION = "Table 1: XNLI accuracy of zero-shot cross-lingual transfer."
VALUES = [
    # table, page, system, task, setting, language, metric, value, unit, best
    ("Table 1", 1, "mbert", "xnli", "zero-shot", "de", "accuracy", "70.5", "", False),
    ("Table 1", 1, "mbert", "xnli", "zero-shot", "fr", "accuracy", "73.1", "", False),
    ("Table 1", 1, "mbert", "xnli", "zero-shot", "avg", "accuracy", "71.8", "", False),
    ("Table 1", 1, "mbert+weam", "xnli", "zero-shot", "de", "accuracy", "73.3", "", True),
    ("Table 1", 1, "mbert+weam", "xnli", "zero-shot", "fr", "accuracy", "75.8", "", True),
    ("Table 1", 1, "mbert+weam", "xnli", "zero-shot", "avg", "accuracy", "74.6", "", True),
    ("Table 1", 1, "BM25", "xnli", "zero-shot", "de", "accuracy", "40.1", "", False),
    ("Table 1", 1, "BM25", "xnli", "zero-shot", "fr", "accuracy", "41.0", "", False),
    ("Table 1", 1, "BM25", "xnli", "zero-shot", "avg", "accuracy", "40.6", "", False),
]


def _paper(path: Path) -> Path:
    """One two-column page of claim sentences over a rule-only results table with bold
    best numbers."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((50, 80), "1 Method", fontname="hebo", fontsize=11)
    assert page.insert_textbox((50, 90, 285, 330), " ".join(LEFT), fontsize=10) >= 0
    page.insert_text((310, 80), "2 Results", fontname="hebo", fontsize=11)
    assert page.insert_textbox((310, 90, 545, 330), " ".join(RIGHT), fontsize=10) >= 0
    first, rest = CAPTION.split(" cross")
    page.insert_text((310, 360), first, fontsize=9)
    page.insert_text((310, 371), "cross" + rest, fontsize=9)
    for y in (380, 398, 380 + 18 * len(TABLE)):
        page.draw_line((310, y), (545, y), width=0.6)
    for r, row in enumerate(TABLE):
        for x, cell in zip((315, 410, 450, 490), row, strict=True):
            bold = cell.startswith("**")
            font = "hebo" if bold else "helv"
            page.insert_text((x, 393 + 18 * r), cell.strip("*"), fontsize=9, fontname=font)
    doc.save(path)
    return path


@pytest.fixture
def extracted(settings, tmp_path: Path):
    ingest_reports(settings, [EXAMPLE_REPORTS])
    assert ingest_pdf(settings, _paper(tmp_path / "weam.pdf"), KEY).status == "added"
    [result] = extract(settings)
    assert result.error is None
    return settings


def _ids(at) -> set[int]:
    return set(at.dataframe[0].value["id"])


def test_claims_page_filters_by_source(extracted, monkeypatch):
    use_app(monkeypatch, extracted)
    reviewed = {c.id for c in list_claims(extracted, source="review")}
    stated = {c.id for c in list_claims(extracted, source="paper")}
    everything = {c.id for c in list_claims(extracted)}
    masking = next(c.id for c in list_claims(extracted) if "masking probability" in c.text)
    assert masking in reviewed & stated  # a review claim the paper states too
    assert stated - reviewed and reviewed - stated

    at = open_page()
    assert at.radio(key="f_source").value == "all"
    assert _ids(at) == everything
    at.radio(key="f_source").set_value("papers")
    frame = rerun(at).dataframe[0].value
    assert set(frame["id"]) == stated
    assert frame.set_index("id").loc[masking, "source"] == "review + paper"
    assert set(frame["source"]) == {"paper", "review + paper"}
    at.radio(key="f_source").set_value("reviews")
    frame = rerun(at).dataframe[0].value
    assert set(frame["id"]) == reviewed
    assert set(frame["source"]) == {"review", "review + paper"}

    # the Paper filter offers the paper to claims only the paper states
    at.radio(key="f_source").set_value("papers")
    at = rerun(at)
    at.multiselect(key="f_papers").select(KEY)
    assert _ids(rerun(at)) == stated


def test_claims_page_without_paper_claims_says_what_to_run(settings, monkeypatch):
    ingest_reports(settings, [EXAMPLE_REPORTS])
    use_app(monkeypatch, settings)
    at = open_page()
    at.radio(key="f_source").set_value("papers")
    at = rerun(at)
    assert "claimlab papers extract" in at.info[0].value
    assert not at.dataframe


def test_paper_page_lists_its_sentences_and_table_values(extracted, monkeypatch):
    use_app(monkeypatch, extracted)
    at = open_page("app_pages/paper.py", key=KEY)
    headers = [h.value for h in at.subheader]
    assert headers == ["Claims of the reviews", "Claims the paper states", "Results tables"]
    _, sentences, values, passages = (d.value for d in at.dataframe)
    assert any(t.startswith("Model | de | fr | Avg\n") for t in passages["text"])

    by_text = sentences.set_index("sentence")
    assert set(LEFT[1:] + RIGHT[1:]) <= set(by_text.index)
    assert set(sentences["page"]) == {1}
    row = by_text.loc["mBERT+WEAM outperforms mBERT on XNLI in the zero-shot setting."]
    assert (row["kind"], row["read as"]) == (
        "comparison",
        "mbert+weam > mbert (accuracy, xnli, zero-shot)",
    )
    masking = by_text.loc["The masking probability is set to 0.3 during pre-training."]
    # a review claim the paper states too; the reviews' claims are not parsed here
    assert (masking["reviews"], masking["read as"]) == (2, "not parsed yet")

    shown = [tuple(r) for r in values.drop(columns=["claim", "verdicts"]).itertuples(index=False)]
    assert shown == VALUES
    # every number of a recipe's system is a value claim of that number; BM25's are not
    claims = {c.id: c for c in list_claims(extracted, source="paper")}
    for row in values.itertuples(index=False):
        if row.system == "BM25":
            assert pd.isna(row.claim)
            continue
        [p] = [p for p in claims[row.claim].spec if p["kind"] == "value"]
        assert (p["lhs"], p["value"]) == (row.system, round(float(row.value) / 100, 4))
    assert values["claim"].notna().sum() == 6

    # selecting a value opens its claim
    position = 3  # mbert+weam, de
    at.session_state["table_values"] = {"selection": {"rows": [position], "columns": []}}
    at.switch_page("app_pages/paper.py")
    assert rerun(at).title[0].value == f"Claim {values['claim'][position]}"


def test_paper_page_before_extraction_says_what_to_run(settings, monkeypatch, tmp_path):
    assert ingest_pdf(settings, _paper(tmp_path / "weam.pdf"), KEY).status == "added"
    use_app(monkeypatch, settings)
    at = open_page("app_pages/paper.py", key=KEY)
    assert any(f"claimlab papers extract {KEY}" in i.value for i in at.info)
    values = at.dataframe[0].value  # no review cites it: the table values come first
    assert len(values) == 9 and values["claim"].isna().all()


def _claim(cid: int, spec: list[dict], mentions: list[MentionView]) -> ClaimView:
    return ClaimView(
        cid, "text", False, None, "value", "parsed", len(mentions), 0, 0, None, None, None,
        spec=spec, mention_list=mentions,
    )  # fmt: skip


def _mention(text: str, passage_id: int, page: int = 2) -> MentionView:
    return MentionView(KEY, None, None, text, False, None, None, "paper", 1, passage_id, page)


def test_value_claims_found_by_cell_or_by_their_value():
    value = {"kind": "value", "recipe": "weam", "lhs": "mbert", "metric": "accuracy"}
    by_cell = _claim(7, [{**value, "value": 0.705, "pair": "de", "cell": [1, 1]}], [])
    by_cell.mention_list.append(_mention("mbert reaches 70.5 ...", 40))
    # a sentence the table's number merged into keeps the sentence's spec, with no cell
    merged = _claim(8, [{**value, "value": 0.731}], [_mention("mBERT reaches 73.1.", 39)])
    merged.mention_list.append(_mention("mbert reaches 73.1 ...", 40))
    cells = [
        TableValue("mbert", "xnli", None, "de", "accuracy", 70.5, None, False, 1, 1, "70.5"),
        TableValue("mbert", "xnli", None, "fr", "accuracy", 73.1, None, False, 1, 2, "73.1"),
        TableValue("BM25", "xnli", None, "fr", "accuracy", 41.0, None, False, 2, 2, "41"),
    ]
    frame = values_frame([PaperTable(40, 2, "Tab. 3. Accuracy.", cells)], [by_cell, merged], KEY)
    assert list(frame["claim"].astype(object).where(frame["claim"].notna(), None)) == [7, 8, None]
    assert list(frame["table"]) == ["Tab. 3"] * 3
    assert list(frame["value"]) == ["70.5", "73.1", "41"]
    sentences = stated_frame([by_cell, merged], KEY, [40])
    assert sentences[["id", "sentence", "page"]].values.tolist() == [[8, "mBERT reaches 73.1.", 2]]


def test_paper_tables_service_reads_the_stored_cells(extracted):
    from claimlab.services.papers import get_paper

    paper = get_paper(extracted, KEY)
    [table] = paper_tables(extracted, paper.id)
    assert table.caption == CAPTION
    assert [(v.system, v.language, v.value, v.best) for v in table.values][:4] == [
        ("mbert", "de", 70.5, False),
        ("mbert", "fr", 73.1, False),
        ("mbert", "avg", 71.8, False),
        ("mbert+weam", "de", 73.3, True),
    ]


def test_paper_page_of_a_real_latex_pdf_after_extraction(settings, monkeypatch):
    fixture = Path(__file__).parent / "fixtures" / "pdf" / "sample-sigconf.pdf"
    assert ingest_pdf(settings, fixture, "2001.00001v1").status == "added"
    [result] = extract(settings)
    assert (result.sentences, result.values, result.error) == (0, 0, None)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/paper.py", key="2001.00001v1")
    captions = [c.value for c in at.caption]
    assert "No sentence of this paper states a claim the parser recognises." in captions
    assert any("none names a recipe's system and metric" in c for c in captions)
    assert not any("claimlab papers extract" in i.value for i in at.info)
    values = at.dataframe[0].value
    shown = values[["table", "page", "system", "metric", "value"]].values.tolist()
    assert shown == [
        ["Table 2", 4, "\\author", "A Number", "100"],
        ["Table 2", 4, "\\table", "A Number", "300"],
        ["Table 2", 4, "\\table*", "A Number", "400"],
    ]
    assert values["claim"].isna().all()


def test_papers_page_counts_the_claims_each_paper_states(extracted, monkeypatch):
    use_app(monkeypatch, extracted)
    papers = open_page("app_pages/papers.py").dataframe[0].value.set_index("paper")
    stated = list_claims(extracted, source="paper")
    assert papers.loc[KEY, "stated"] == len(stated) > 0
    citing = {r.title for r in list_reports(extracted) if KEY in r.references}
    cited = [c for c in list_claims(extracted, source="review") if citing & set(c.reports)]
    assert papers.loc[KEY, "claims"] == len(cited) == 12
