"""Tests for claimlab.ingest.pdf on PDFs built here and on real LaTeX articles."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from claimlab.ingest.pdf import (
    PassageData,
    PdfError,
    extract_passages,
    normalize_text,
    page_count,
    render_page_png,
)
from claimlab.ingest.pdf.coverage import word_coverage

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
FILLER = (
    "Cross-lingual transfer keeps improving when the encoder sees aligned word pairs "
    "during pre-training. "
)
TABLE = [["Model", "XNLI", "MLQA"], ["mBERT", "66.3", "57.6"], ["mBERT+WEAM", "70.1", "60.2"]]


def _box(page: pymupdf.Page, rect: tuple[float, float, float, float], text: str) -> None:
    assert page.insert_textbox(rect, text, fontname="helv", fontsize=10) >= 0


def _paper() -> bytes:
    """Three pages: a one-column start, a two-column page written right column first,
    and a page with a ruled table, its caption and a figure caption."""
    doc = pymupdf.open()
    p1 = doc.new_page(width=595, height=842)
    p1.insert_text((72, 80), "Alignment Signals for Transfer", fontname="hebo", fontsize=18)
    p1.insert_text((72, 120), "1 Introduction", fontname="hebo", fontsize=12)
    _box(p1, (72, 130, 523, 220), "ALPHA opens the first page. " + FILLER * 3)

    p2 = doc.new_page(width=595, height=842)
    p2.insert_text((310, 80), "3 Results", fontname="hebo", fontsize=11)
    _box(p2, (310, 90, 545, 200), "RIGHTTOP starts the right column. " + FILLER * 2)
    _box(p2, (310, 210, 545, 330), "RIGHTEND closes the right column. " + FILLER * 2)
    p2.insert_text((50, 80), "2 Method", fontname="hebo", fontsize=11)
    _box(p2, (50, 90, 285, 200), "LEFTTOP starts the left column. " + FILLER * 2)
    _box(
        p2,
        (50, 210, 285, 330),
        "LEFTEND closes the left column and we demon-\nstrate a state-of-\nthe-art result. "
        + FILLER,
    )

    p3 = doc.new_page(width=595, height=842)
    p3.insert_text((72, 80), "Table 1: Accuracy on XNLI and MLQA.", fontname="helv", fontsize=10)
    xs, ys = [72, 200, 300, 400], [90, 110, 130, 150]
    for x in xs:
        p3.draw_line((x, ys[0]), (x, ys[-1]))
    for y in ys:
        p3.draw_line((xs[0], y), (xs[-1], y))
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            p3.insert_text((xs[c] + 4, ys[r] + 14), cell, fontname="helv", fontsize=10)
    _box(p3, (72, 170, 523, 230), "The table above shows that WEAM helps on both tasks. " + FILLER)
    p3.draw_rect((72, 250, 300, 350))
    p3.insert_text((72, 365), "Figure 2. Overview of the grounding pipeline.", fontsize=10)
    return doc.tobytes()


@pytest.fixture(scope="module")
def paper() -> bytes:
    return _paper()


@pytest.fixture(scope="module")
def passages(paper: bytes) -> list[PassageData]:
    return extract_passages(paper)


def _find(passages: list[PassageData], needle: str) -> int:
    """Index of the one passage containing needle."""
    hits = [i for i, p in enumerate(passages) if needle in p.text]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_two_columns_come_out_column_by_column(paper: bytes, passages: list[PassageData]):
    with pymupdf.open(stream=paper) as doc:
        raw = doc[1].get_text()
    assert raw.index("RIGHTTOP") < raw.index("LEFTTOP"), "fixture must store right column first"
    order = [_find(passages, m) for m in ("ALPHA", "LEFTTOP", "LEFTEND", "RIGHTTOP", "RIGHTEND")]
    assert order == sorted(order)
    assert [passages[i].page for i in order] == [1, 2, 2, 2, 2]
    left = passages[order[1]]
    assert left.kind == "text" and left.bbox[2] < 300 and left.bbox[0] == pytest.approx(50, abs=2)


def test_sections_come_from_bold_and_larger_headings(passages: list[PassageData]):
    assert passages[_find(passages, "ALPHA")].section == "1 Introduction"
    assert passages[_find(passages, "LEFTEND")].section == "2 Method"
    assert passages[_find(passages, "RIGHTTOP")].section == "3 Results"
    headings = [(p.page, p.text, p.section) for p in passages if p.kind == "heading"]
    assert headings == [
        (1, "Alignment Signals for Transfer", "Alignment Signals for Transfer"),
        (1, "1 Introduction", "1 Introduction"),
        (2, "2 Method", "2 Method"),
        (2, "3 Results", "3 Results"),
    ]


def test_line_break_hyphens_removed_but_compounds_kept(passages: list[PassageData]):
    text = passages[_find(passages, "LEFTEND")].text
    assert "we demonstrate a state-of-the-art result." in text
    assert "\n" not in text and "  " not in text


def test_table_passage_with_cells_and_no_duplicate_text(passages: list[PassageData]):
    tables = [p for p in passages if p.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.cells == TABLE
    assert table.page == 3 and table.section == "3 Results"
    assert "mBERT+WEAM | 70.1 | 60.2" in table.text
    assert not any("66.3" in p.text for p in passages if p.kind != "table")
    caption = _find(passages, "Table 1:")
    assert passages[caption].kind == "caption"
    assert caption < passages.index(table) < _find(passages, "The table above shows")


def test_figure_caption_kind(passages: list[PassageData]):
    caption = passages[_find(passages, "Overview of the grounding pipeline")]
    assert caption.kind == "caption" and caption.text.startswith("Figure 2.")


def test_tables_off_keeps_table_text_as_text(paper: bytes):
    plain = extract_passages(paper, tables="off")
    assert not any(p.kind == "table" for p in plain)
    assert any("66.3" in p.text and p.kind == "text" for p in plain)


def test_ligatures_become_letters():
    doc = pymupdf.open()
    page = doc.new_page()
    writer = pymupdf.TextWriter(page.rect)
    writer.append((72, 100), "An e\ufb03cient \ufb01ne-tuning \ufb02ow.", font=pymupdf.Font("cjk"))
    writer.write_text(page)
    doc.subset_fonts()
    [passage] = extract_passages(doc.tobytes(garbage=3, deflate=True))
    assert passage.text == "An efficient fine-tuning flow."


def test_normalize_text():
    raw = "e\ufb03cient\u00a0 \ufb01t  of\tthe \ufb02ow\u00ad \x02 done\n"
    assert normalize_text(raw) == "efficient fit of the flow done"


def _encrypted() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret text")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")


def _blank() -> bytes:
    doc = pymupdf.open()
    doc.new_page()
    return doc.tobytes()


def _image_only() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 32, 32), False)
    pix.clear_with(180)
    page.insert_image(pymupdf.Rect(72, 72, 272, 272), pixmap=pix)
    return doc.tobytes()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n\x00\x13garbage that is not a PDF body\n" * 3, "corrupt"),
        (b"<html><body>Not a PDF at all</body></html>", "corrupt"),
        (b"", "empty"),
        ((FIXTURES / "apssamp.pdf").read_bytes()[:20_000], "corrupt"),
        (_encrypted(), "encrypted"),
        (_blank(), "empty"),
        (_image_only(), "image_only"),
    ],
    ids=["garbage", "html", "zero-bytes", "truncated", "encrypted", "blank-page", "image-only"],
)
def test_unusable_pdfs_raise_pdf_error(tmp_path: Path, data: bytes, reason: str):
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    with pytest.raises(PdfError) as err:
        extract_passages(path)
    assert err.value.reason == reason
    assert isinstance(err.value, ValueError) and str(err.value).startswith(reason)


def test_page_count_and_missing_file(paper: bytes, tmp_path: Path):
    assert page_count(paper) == 3
    with pytest.raises(FileNotFoundError):
        extract_passages(tmp_path / "missing.pdf")


def test_render_page_png_highlights_rectangle(paper: bytes):
    plain = render_page_png(paper, 2, zoom=1.0)
    marked = render_page_png(paper, 2, highlight=(50, 90, 285, 200), zoom=1.0)
    assert plain.startswith(b"\x89PNG") and marked.startswith(b"\x89PNG")
    before, after = pymupdf.Pixmap(plain), pymupdf.Pixmap(marked)
    assert (after.width, after.height) == (595, 842)
    # A blank spot inside the box turns from white to the yellow fill.
    assert before.pixel(280, 195) == (255, 255, 255)
    red, green, blue = after.pixel(280, 195)
    assert red > 200 and green > 200 and blue < 230
    assert after.pixel(400, 600) == (255, 255, 255)
    with pytest.raises(ValueError):
        render_page_png(paper, 4)


def test_real_elsevier_two_column_article():
    passages = extract_passages(FIXTURES / "elstest-5p.pdf")
    assert {p.page for p in passages} == {1, 2, 3, 4}
    # Page 2: the last paragraph of the left column, then the top of the right one.
    left_bottom = _find(passages, "The photon part of the polariton trapped inside the PMS")
    right_top = _find(passages, "by dielectric mismatch on the PMS surface")
    assert passages[left_bottom].page == passages[right_top].page == 2
    assert left_bottom < right_top
    assert passages[left_bottom].bbox[2] < 300 < passages[right_top].bbox[0]
    intro = passages[_find(passages, "cuprous oxide crystals are good candidates for BEC")]
    assert intro.section == "1. Introduction"  # "crys-\ntals" joined, ligatures split
    assert any("evanescent field penetration depth" in p.text for p in passages)
    assert not any(c in p.text for p in passages for c in "\ufb00\ufb01\ufb02\ufb03\ufb04")
    caption = passages[_find(passages, "Figure 1: The evanescent light")]
    assert caption.kind == "caption" and caption.page == 3
    sections = {p.section for p in passages}
    assert "2. Evanescent vs. conventional quadrupole light-matter coupling" in sections
    assert "References" in sections


def test_real_revtex_article_front_matter_then_columns():
    passages = extract_passages(FIXTURES / "apssamp.pdf")
    # Page 1 opens with centred full-width front matter, then two columns.
    abstract = _find(passages, "An article usually includes an abstract")
    left = _find(passages, "This sample document demonstrates proper use of REVTEX")
    right = _find(passages, "This file may be formatted in either the preprint or reprint")
    assert abstract < left < right
    assert passages[left].section.startswith("I. FIRST-LEVEL HEADING")
    assert passages[right].section == "A. Second-level heading: Formatting"
    caption = passages[_find(passages, "A table that fits into a single column")]
    assert caption.kind == "caption" and caption.text.startswith("TABLE I.")
    assert "II. MATH AND EQUATIONS" in {p.section for p in passages}
    numbers = [(p.page, p.text, p.section) for p in passages if p.text.isdigit()]
    assert numbers == [(n, str(n), "") for n in range(2, 8)]
    assert {p.kind for p in passages if p.text.isdigit()} == {"header"}


APS_TABLE = [
    ["Lefta", "Centeredb", "Decimal", "Right"],
    ["1", "2", "3.001", "4"],
    ["10", "20", "30", "40"],
    ["100", "200", "300.0", "400"],
]


def test_table_without_vertical_rules_found_by_lines_and_layout():
    doc = pymupdf.open(FIXTURES / "apssamp.pdf")
    single = pymupdf.open()
    single.insert_pdf(doc, from_page=3, to_page=3)  # page 4 holds TABLE I
    # REVTeX's rules are image masks drawn by Ghostscript: no vector drawing at all.
    assert not any(p["items"][0][0] == "l" for p in single[0].get_drawings())
    passages = extract_passages(single.tobytes())
    [table] = [p for p in passages if p.kind == "table"]
    assert table.cells == APS_TABLE
    assert table.text.splitlines()[1] == "1 | 2 | 3.001 | 4"
    caption = passages[_find(passages, "A table that fits into a single column")]
    assert caption.kind == "caption" and passages.index(caption) == passages.index(table) - 1
    assert not any("3.001" in p.text for p in passages if p.kind != "table")
    tables = [p for p in extract_passages(single.tobytes(), tables="layout") if p.kind == "table"]
    assert len(tables) == 1
    assert tables[0].cells is not None
    assert tables[0].cells[0] == ["Lefta", "Centeredb", "Decimal", "Right"]
    assert "3.001" in tables[0].text


@pytest.mark.parametrize("mode", ["lines", "layout", "off"])
def test_every_word_in_exactly_one_passage(paper: bytes, mode: str):
    passages = extract_passages(paper, tables=mode)
    coverage = word_coverage(paper, passages)
    assert (dict(coverage.lost), dict(coverage.duplicated)) == ({}, {})
    assert sum(p.kind == "table" for p in passages) == (0 if mode == "off" else 1)
