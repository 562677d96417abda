"""Every word PyMuPDF reads lands in exactly one passage; margins and rule-only tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from claimlab.ingest.pdf import PassageData, extract_passages
from claimlab.ingest.pdf import document as pdf_document
from claimlab.ingest.pdf.coverage import word_coverage

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
TEXLIVE = Path("/usr/share/doc/texlive-doc/latex")
# Real LaTeX-made samples from Debian's texlive-publishers-doc (no ACL class is packaged);
# the test skips the ones not installed. Expected tables: first row of each, in order.
SAMPLES = {
    "acm-sigconf": ("acmart/samples/sample-sigconf.pdf", 2),
    "acm-acmsmall": ("acmart/samples/sample-acmsmall.pdf", 2),
    "elsarticle-5p": ("elsarticle/elstest-5p.pdf", 0),
    "elsarticle-1p": ("elsarticle/elstest-1p.pdf", 0),
    "revtex4-1-aps": ("revtex4-1/sample/aps/apssamp.pdf", 4),
    "revtex4-2-aps": ("revtex/sample/aps/apssamp.pdf", 4),
    "ieeetran": ("ieeetran/testflow_doc.pdf", 0),
    "llncs-doc": ("llncs/llncsdoc.pdf", 0),
    "llncs-example": ("llncsconf/example/example_llncs_nocrop.pdf", 0),
}
ACM_TABLES = [
    [
        ["Non-English or Math", "Frequency", "Comments"],
        ["Ø", "1 in 1,000", "For Swedish names"],
        ["𝜋", "1 in 5", "Common in math"],
        ["$", "4 in 5", "Used in business"],
        ["Ψ2 1", "1 in 40,000", "Unexplained usage"],
    ],
    [
        ["Command", "A Number", "Comments"],
        ["\\author", "100", "Author"],
        ["\\table", "300", "For tables"],
        ["\\table*", "400", "For wider tables"],
    ],
]


def _sample(name: str) -> Path:
    path = TEXLIVE / SAMPLES[name][0]
    if not path.exists():
        pytest.skip(f"{path} absent (apt-get install texlive-publishers-doc)")
    return path


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.pdf")), ids=lambda p: p.name)
def test_no_word_lost_or_duplicated_in_fixtures(path: Path):
    coverage = word_coverage(path, extract_passages(path))
    assert coverage.words > 1000
    assert dict(coverage.lost) == {}
    assert dict(coverage.duplicated) == {}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_no_word_lost_or_duplicated_in_texlive_samples(name: str):
    path = _sample(name)
    passages = extract_passages(path)
    coverage = word_coverage(path, passages)
    assert (dict(coverage.lost), dict(coverage.duplicated)) == ({}, {})
    tables = [p for p in passages if p.kind == "table"]
    assert len(tables) == SAMPLES[name][1]
    assert all(t.cells and len(t.cells) >= 4 for t in tables)


def test_acm_sigconf_last_sentence_and_booktabs_tables():
    path = FIXTURES / "sample-sigconf.pdf"
    passages = extract_passages(path)
    # Set in bold right before "4 TYPEFACES": it was taken for a heading and lost.
    sentence = "Your document will be returned to you for revision if modifications are discovered."
    [i] = [i for i, p in enumerate(passages) if p.text == sentence]
    assert (passages[i].kind, passages[i].section, passages[i].page) == (
        "text",
        "3 MODIFICATIONS",
        2,
    )
    assert (passages[i + 1].kind, passages[i + 1].text) == ("heading", "4 TYPEFACES")
    tables = [p for p in passages if p.kind == "table"]
    assert [t.cells for t in tables] == ACM_TABLES
    assert [t.page for t in tables] == [3, 4]
    before = passages[passages.index(tables[0]) - 1]
    assert before.kind == "caption" and before.text == "Table 1: Frequency of Special Characters"
    assert not any("40,000" in p.text for p in passages if p.kind != "table")
    headers = [p for p in passages if p.kind == "header"]
    assert [p.page for p in headers] == [2, 3, 4, 5, 6]
    assert all(p.section == "" and "Woodstock, NY" in p.text for p in headers)
    assert not any("Woodstock, NY" in p.text for p in passages if p.kind == "text" and p.page > 1)


def test_llncs_running_heads():
    passages = extract_passages(FIXTURES / "example_llncs_nocrop.pdf")
    heads = [(p.page, p.text) for p in passages if p.kind == "header"]
    assert heads == [
        (2, "A Simple Example of the llncsconf Package for LATEX 43"),
        (3, "44 Achim D. Brucker"),
        (4, "A Simple Example of the llncsconf Package for LATEX 45"),
    ]
    assert [(p.page, p.text) for p in passages if p.kind == "heading"] == [
        (1, "A Simple Example of the llncsconf Package for LATEX"),
        (1, "1 Introduction"),
        (2, "2 Contribution"),
        (3, "3 Conclusion"),
    ]


CELLS = [
    ["System", "XNLI", "MLQA dev"],
    ["mBERT", "66.3", "57.6"],
    ["mBERT+WEAM", "70.1", "60.2"],
    ["XLM-R base", "74.9", "64.0"],
]
LEFT = "Leftcol{n} alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo."
RIGHT = "Rightcol{n} lima mike november oscar papa quebec romeo sierra tango uniform."


def _two_column_paper(table_rows: list[list[str]] = CELLS) -> bytes:
    """Two pages, two columns, a running header, a page-number footer; page 2 holds a
    table drawn with three horizontal rules only."""
    doc = pymupdf.open()
    for n in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((50, 40), "Proceedings of the Test Workshop 2025", fontsize=8)
        page.insert_text((292, 810), str(n), fontsize=9)
        for k, y in enumerate((80, 200, 320)):
            for x, text in ((50, LEFT), (310, RIGHT)):
                body = " ".join([text.format(n=f"{n}{k}")] * 3)
                assert page.insert_textbox((x, y, x + 235, y + 100), body, fontsize=9) > 0
    page = doc[1]
    page.insert_text((50, 460), "Table 1: Accuracy on XNLI and MLQA.", fontsize=9)
    xs = (55, 170, 250)
    for y in (470, 488, 470 + 18 * len(table_rows)):
        page.draw_line((50, y), (330, y), width=0.6)
    for r, row in enumerate(table_rows):
        for x, cell in zip(xs, row, strict=False):
            page.insert_text((x, 482 + 18 * r), cell, fontsize=9)
    return doc.tobytes()


@pytest.fixture(scope="module")
def paper() -> bytes:
    return _two_column_paper()


def test_generated_paper_keeps_every_word_in_order(paper: bytes):
    passages = extract_passages(paper)
    coverage = word_coverage(paper, passages)
    # Per page 3 paragraphs x 3 copies of 12 + 11 words, header and page number; then
    # the caption and the table on page 2.
    assert coverage.words == 2 * (3 * 3 * (12 + 11) + 6 + 1) + 7 + 14
    assert coverage.ok
    body = [p.text.split()[0] for p in passages if p.kind == "text"]
    assert body == [
        f"{side}{n}{k}" for n in (1, 2) for side in ("Leftcol", "Rightcol") for k in range(3)
    ]


def test_generated_paper_header_footer_and_table(paper: bytes):
    passages = extract_passages(paper)
    margins = [
        (p.page, p.kind, p.text, p.section) for p in passages if p.kind in ("header", "footer")
    ]
    assert margins == [
        (1, "header", "Proceedings of the Test Workshop 2025", ""),
        (1, "footer", "1", ""),
        (2, "header", "Proceedings of the Test Workshop 2025", ""),
        (2, "footer", "2", ""),
    ]
    assert passages[0].kind == "header" and passages[-1].kind == "footer"
    [table] = [p for p in passages if p.kind == "table"]
    assert table.cells == CELLS
    assert table.page == 2
    assert table.text.splitlines() == [" | ".join(row) for row in CELLS]
    assert table.bbox[1] == pytest.approx(470, abs=1) and table.bbox[3] == pytest.approx(542, abs=1)
    assert not any("66.3" in p.text or "MLQA dev" in p.text for p in passages if p.kind != "table")


def test_unreadable_table_keeps_its_text_without_cells():
    rows = [["first line of a boxed note"], ["second line of the same note"]]
    paper = _two_column_paper(rows)
    passages = extract_passages(paper)
    [table] = [p for p in passages if p.kind == "table"]
    assert table.cells is None
    assert table.text.splitlines() == ["first line of a boxed note", "second line of the same note"]
    assert word_coverage(paper, passages).ok


def test_table_finder_failure_keeps_words_as_text(paper: bytes, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("odd geometry")

    monkeypatch.setattr(pdf_document, "find_areas", broken)
    passages = extract_passages(paper)
    assert not any(p.kind == "table" for p in passages)
    assert any("mBERT+WEAM" in p.text and p.kind == "text" for p in passages)
    assert word_coverage(paper, passages).ok


def test_coverage_counts_lost_and_duplicated_words(paper: bytes):
    passages = extract_passages(paper)
    footer = next(p for p in passages if p.kind == "footer" and p.page == 2)
    dropped = [p for p in passages if p is not footer]
    assert dict(word_coverage(paper, dropped).lost) == {(2, "2"): 1}
    first = next(p for p in passages if p.kind == "text")
    doubled = [*passages, replace(first, text="Leftcol10 alpha")]
    coverage = word_coverage(paper, doubled)
    assert dict(coverage.duplicated) == {(1, "Leftcol10"): 1, (1, "alpha"): 1}
    assert not coverage.lost and not coverage.ok


def test_coverage_accepts_words_joined_at_line_end_hyphens():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "We demon-", fontsize=10)
    page.insert_text((72, 112), "strate it.", fontsize=10)
    data = doc.tobytes()
    passage = PassageData(1, (72, 90, 200, 115), "", "text", "We demonstrate it.")
    assert word_coverage(data, [passage]).ok
    assert [p.text for p in extract_passages(data)] == ["We demonstrate it."]
