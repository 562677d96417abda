"""The review parser: both layouts, every field, and clear errors on bad input."""

from datetime import date

import pytest

from claimlab.claims.canon import is_truncated
from claimlab.ingest.reports import Limits, ReportError, parse_report, read_report
from conftest import EXAMPLE_REPORTS

HEAD = "Title Of A Review\n\nSomeone\n\nJuly 2, 2026\n\nClaim\tVerified\tConfidence\n"


def _parse(body: str, head: str = HEAD):
    return parse_report((head + body).encode(), source="r.txt")


def test_shared_reports_fields(shared_reports):
    first = read_report(shared_reports / "000_cf5ac5c2864dfa40.txt")
    assert first.title.startswith("Zero-shot Cross-lingual Retrieval Performance")
    assert first.report_date == date(2026, 7, 2)
    assert first.examined_title == (
        "Bilingual Alignment Pre-Training for Zero-Shot Cross-Lingual Transfer"
    )
    assert first.research_question.startswith("How does the zero-shot cross-lingual")
    assert first.research_question.endswith("accuracy on XNLI and MLQA?")
    assert (first.papers_retrieved, first.claims_extracted, first.claims_verified) == (15, 12, 11)
    assert first.quality_score == 8.5
    assert [(r.arxiv_id, r.version) for r in first.references] == [
        ("1910.07475", 3),
        ("2305.05295", 2),
        ("2106.01732", 2),
    ]
    lam = first.claims[9]
    assert (lam.text, lam.verified, lam.confidence) == ("The value of λ is set to 1.", False, 0.03)
    assert sum(c.verified for c in first.claims) == first.claims_verified

    counts = [len(read_report(p).claims) for p in sorted(shared_reports.glob("*.txt"))]
    assert counts == [12, 14, 16]


def test_markdown_layout_example():
    report = read_report(EXAMPLE_REPORTS / "codeswitch_retrieval_review.md")
    assert report.title.startswith("Code-Switched Training Data")
    assert report.report_date == date(2026, 10, 3)
    assert report.claims_extracted == len(report.claims) == 8
    assert report.quality_score == 7.0
    assert report.references[0].arxiv_id == "2305.05295"
    assert report.claims[0].line > 1


def test_table_ends_at_blank_line_and_rows_keep_line_numbers():
    report = _parse("A short complete claim.\t✓\t0.5\nAnother claim.\t×\t1\n\nReferences\n")
    assert [(c.row, c.line) for c in report.claims] == [(1, 8), (2, 9)]
    assert report.claims[1].confidence == 1.0


def test_truncation_tells_cut_off_from_short_complete():
    cut = "The mBERT+WEAM model improves the scores in the zero-shot setting and also outperforms "
    cut += "mBERT in the translate-train sett"
    assert len(cut) == 120 and is_truncated(cut)
    assert not is_truncated("WEAM beats TLM on XNLI")  # short, no period, complete
    assert not is_truncated(cut[:100] + " done.")
    assert not is_truncated('A long claim that ends with a quoted sentence "like this one." ' * 2)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Claim without mark\t0.5\n", 8, "2 column(s), expected 3"),
        ("A claim.\t✔\t0.5\n", 8, "'✔' is not ✓ or ×"),
        ("A claim.\t✓\t1.5\n", 8, "outside [0, 1]"),
        ("A claim.\t✓\t-0.1\n", 8, "outside [0, 1]"),
        ("A claim.\t✓\thigh\n", 8, "'high' is not a number"),
        ("Fine.\t✓\t0.1\n\t✓\t0.2\n", 9, "empty claim"),
    ],
)
def test_bad_rows_name_file_and_line(body, line, message):
    with pytest.raises(ReportError) as info:
        _parse(body)
    assert info.value.line == line
    assert str(info.value).startswith(f"r.txt:{line}: ")
    assert message in str(info.value)


def test_not_a_review():
    with pytest.raises(ReportError, match=r"^notes.txt: not a review"):
        parse_report(b"Shopping list\n\n- milk\n", source="notes.txt")


def test_empty_table():
    with pytest.raises(ReportError, match="no rows"):
        _parse("\n\nReferences\n")


def test_bad_encoding_names_line():
    data = (HEAD + "A claim.\t✓\t0.5\n").encode() + b"Caf\xe9 claim.\t\xe2\x9c\x93\t0.5\n"
    with pytest.raises(ReportError) as info:
        parse_report(data, source="latin1.txt")
    assert info.value.line == 9
    assert "not valid UTF-8" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReportError, match="cannot read file"):
        read_report(tmp_path / "absent.txt")


COUNTED = "Title Of A Review\n\n{n} claims extracted; 1 verified.\n\nClaim\tVerified\tConfidence\n"
ROWS = [f"Claim number {i} holds.\t✓\t0.{i}" for i in range(1, 10)]


def test_blank_line_inside_the_table_is_read_across():
    body = "\n".join(ROWS[:4]) + "\n\n" + "\n".join(ROWS[4:]) + "\n\nReferences\n- x\n"
    report = _parse(body, COUNTED.format(n=9))
    assert [c.text for c in report.claims] == [r.split("\t")[0] for r in ROWS]
    assert [c.line for c in report.claims] == [6, 7, 8, 9, 11, 12, 13, 14, 15]
    assert [c.row for c in report.claims] == list(range(1, 10))
    assert report.warnings == []


def test_stated_claim_count_that_differs_is_a_warning():
    body = "\n".join(ROWS[:4]) + "\n\nSome prose that ends the table.\n" + "\n".join(ROWS[4:])
    report = _parse(body, COUNTED.format(n=9))
    assert len(report.claims) == 4
    assert report.warnings == [
        "r.txt: the review says 9 claims extracted, the table (lines 6-9) has 4 rows"
    ]


def test_nul_byte_is_refused_with_its_line():
    with pytest.raises(ReportError) as info:
        _parse("Fine.\t✓\t0.1\nA cl\x00aim.\t✓\t0.2\n")
    assert info.value.line == 9
    assert str(info.value) == "r.txt:9: contains a NUL byte (\\x00); a review is plain text"


@pytest.mark.parametrize(
    ("limits", "body", "line", "message"),
    [
        (Limits(rows=3), "\n".join(ROWS[:4]), 11, "more than 3 rows (the limit)"),
        (Limits(claim_chars=20), "A claim far longer than twenty.\t✓\t0.5", 8, "claim is 31"),
        (Limits(line_chars=100), "x" * 101 + "\t✓\t0.5", 8, "line is 107 characters"),
        (Limits(file_bytes=50), "A.\t✓\t0.5", None, "over the 50 byte limit"),
    ],
    ids=["rows", "claim", "line", "file"],
)
def test_limits_name_the_field_and_line(limits, body, line, message):
    with pytest.raises(ReportError) as info:
        parse_report((HEAD + body).encode(), source="r.txt", limits=limits)
    assert info.value.line == line and message in str(info.value)


def test_huge_first_line_is_not_a_title(tmp_path):
    with pytest.raises(ReportError) as info:
        _parse("A claim.\t✓\t0.5\n", head="T" * 5_000 + "\n\n" + HEAD)
    assert info.value.line == 1
    assert "title (the first line) is 5000 characters, over the 500 limit" in str(info.value)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(50_000_000)  # sparse: refused from its size, never read
    with pytest.raises(ReportError, match=r"huge.txt: file is 50000000 bytes, over the 5000000"):
        read_report(huge)
