"""Results tables as claimed numbers (claimlab.claims.table_values), on tables written here in
the styles of WEAM (arXiv 2106.01732) and code-switched CLIR (arXiv 2305.05295), and through
the real PDF ingest."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from claimlab.claims.table_values import TableValue, number, read_table
from claimlab.ingest.pdf import extract_passages
from claimlab.ingest.pdf.coverage import word_coverage

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
Row = tuple  # (system, task, setting, language, metric, value, unit, best, row, col)


def rows(values: list[TableValue]) -> list[Row]:
    return [
        (v.system, v.task, v.setting, v.language, v.metric, v.value, v.unit, v.best, v.row, v.col)
        for v in values
    ]


def grid(
    cells: list[list[str]],
    systems: dict[int, str | None],
    columns: dict[int, dict[str, str | None]],
    fixed: dict[str, str | None],
    *,
    best: set[tuple[int, int]] = frozenset(),
    unit: str | None = None,
) -> list[Row]:
    """Expected rows of a table whose rows are systems and whose columns name the rest:
    every cell (r, c) with r in `systems` and c in `columns` holds a number."""
    out = []
    for r, system in systems.items():
        for c, names in columns.items():
            slots = {"system": system, **fixed, **names}
            text = cells[r][c].strip("*").split("±")[0].rstrip("%†")
            out.append(
                (
                    slots["system"],
                    slots.get("task"),
                    slots.get("setting"),
                    slots.get("language"),
                    slots.get("metric"),
                    float(text),
                    unit,
                    (r, c) in best,
                    r,
                    c,
                )
            )
    return out


# 1. WEAM style: XNLI accuracy per language, zero-shot, best in bold, an average column.
XNLI = [
    ["Model", "en", "fr", "es", "de", "el", "ar", "sw", "Avg."],
    ["mBERT", "81.4", "73.1", "74.3", "70.5", "66.0", "64.9", "50.4", "68.7"],
    ["mBERT+MLM", "81.7", "73.5", "74.6", "70.9", "66.8", "65.3", "51.2", "69.1"],
    ["mBERT+TLM", "**82.6**", "75.0", "75.7", "72.4", "68.7", "67.0", "53.6", "70.7"],
    ["word-aligned mBERT (Cao et al., 2020)",
     "81.9", "74.2", "75.2", "71.9", "68.0", "66.1", "52.0", "69.9"],
    ["mBERT+WEAM (ours)",
     "82.4", "**75.8**", "**76.5**", "**73.3**", "**70.1**", "**68.3**", "**55.9**", "**71.8**"],
]  # fmt: skip
XNLI_CAPTION = "Table 2: XNLI accuracy (%) of zero-shot cross-lingual transfer."
XNLI_SYSTEMS = {
    1: "mbert",
    2: "mbert+mlm",
    3: "mbert+tlm",
    4: "word-aligned-mbert",
    5: "mbert+weam",
}
XNLI_LANGS = {c: {"language": lang} for c, lang in enumerate(XNLI[0][1:-1], start=1)}
XNLI_EXPECTED = grid(
    XNLI,
    XNLI_SYSTEMS,
    {**XNLI_LANGS, 8: {"language": "avg"}},
    {"task": "xnli", "setting": "zero-shot", "metric": "accuracy"},
    best={(3, 1), *((5, c) for c in range(2, 9))},
    unit="%",
)

# 2. WEAM style: MLQA, each cell "F1 / EM", the metrics named in the caption.
MLQA = [
    ["Model", "en", "es", "de", "ar", "hi", "vi", "zh"],
    ["mBERT", "80.2 / 67.0", "67.4 / 49.2", "59.0 / 43.8", "52.3 / 34.6",
     "46.6 / 29.9", "61.2 / 40.7", "59.6 / 38.6"],
    ["mBERT+WEAM", "80.9 / 67.9", "69.1 / 50.8", "62.3 / 46.5", "55.5 / 36.8",
     "52.1 / 34.5", "65.0 / 44.1", "61.8 / 40.3"],
]  # fmt: skip
MLQA_CAPTION = "Table 3: Zero-shot results on MLQA (F1 / EM)."


def _mlqa_expected() -> list[Row]:
    out = []
    systems = {1: "mbert", 2: "mbert+weam"}
    for r, system in systems.items():
        for c in range(1, 8):
            for metric, text in zip(("f1", "em"), MLQA[r][c].split(" / "), strict=True):
                lang = MLQA[0][c]
                out.append(
                    (system, "mlqa", "zero-shot", lang, metric, float(text), None, False, r, c)
                )
    return out


# 3. WEAM style: settings as group rows, tasks as columns, no metric named.
GROUPS = [
    ["", "XNLI", "MLQA"],
    ["Zero-shot", "", ""],
    ["mBERT", "66.3", "57.6"],
    ["mBERT+WEAM", "**70.1**", "**60.2**"],
    ["Translate-train", "", ""],
    ["mBERT", "72.0", "61.5"],
    ["mBERT+TLM", "72.4", "61.2"],
    ["mBERT+WEAM", "**72.9**", "**62.8**"],
]
GROUPS_EXPECTED = [
    ("mbert", "xnli", "zero-shot", None, None, 66.3, None, False, 2, 1),
    ("mbert", "mlqa", "zero-shot", None, None, 57.6, None, False, 2, 2),
    ("mbert+weam", "xnli", "zero-shot", None, None, 70.1, None, True, 3, 1),
    ("mbert+weam", "mlqa", "zero-shot", None, None, 60.2, None, True, 3, 2),
    ("mbert", "xnli", "translate-train", None, None, 72.0, None, False, 5, 1),
    ("mbert", "mlqa", "translate-train", None, None, 61.5, None, False, 5, 2),
    ("mbert+tlm", "xnli", "translate-train", None, None, 72.4, None, False, 6, 1),
    ("mbert+tlm", "mlqa", "translate-train", None, None, 61.2, None, False, 6, 2),
    ("mbert+weam", "xnli", "translate-train", None, None, 72.9, None, True, 7, 1),
    ("mbert+weam", "mlqa", "translate-train", None, None, 62.8, None, True, 7, 2),
]

# 4. WEAM style, transposed: languages as rows, systems as columns, "±" spreads over seeds,
# footnote marks, a dash for a number not reported.
TRANSPOSED = [
    ["Lang.", "mBERT", "mBERT+TLM", "mBERT+WEAM"],
    ["de", "70.5 ± 0.4", "72.4 ± 0.3", "73.3 ± 0.2†"],
    ["fr", "73.1 ± 0.6", "75.0 ± 0.5", "75.8 ± 0.4†"],
    ["sw", "50.4 ± 1.1", "–", "55.9 ± 0.9‡"],
    ["Average", "64.7", "73.7*", "68.3"],
]
TRANSPOSED_CAPTION = "Table 5: XNLI test accuracy, mean ± std over 3 seeds. † p < 0.05."


def _transposed_expected() -> list[Row]:
    langs = {1: "de", 2: "fr", 3: "sw", 4: "avg"}
    systems = {1: "mbert", 2: "mbert+tlm", 3: "mbert+weam"}
    out = []
    for r, lang in langs.items():
        for c, system in systems.items():
            text = TRANSPOSED[r][c].split("±")[0].strip(" †‡*")
            if text != "–":
                out.append((system, "xnli", None, lang, "accuracy", float(text), None, False, r, c))
    return out


# 5. CLIR style: settings as spanning headers over MRR@10 and R@100 (spans carry right).
SETTINGS = [
    ["", "MoIR", "", "CLIR", "", "MLIR", ""],
    ["Model", "MRR@10", "R@100", "MRR@10", "R@100", "MRR@10", "R@100"],
    ["Zero-shot", "26.4", "72.1", "15.7", "51.0", "16.6", "55.3"],
    ["Fine-tune", "30.4", "76.5", "26.8", "67.2", "24.9", "64.8"],
    ["BL-CS", "28.0", "74.0", "20.1", "60.3", "19.5", "59.1"],
    ["ML-CS", "**28.3**", "**74.4**", "**20.5**", "**60.8**", "**20.2**", "**59.9**"],
]
SETTINGS_CAPTION = "Table 1: Re-ranking results on mMARCO averaged over language pairs."
SETTINGS_EXPECTED = grid(
    SETTINGS,
    {2: "zero-shot", 3: "fine-tuning", 4: "bl-cs", 5: "ml-cs"},
    {
        c: {"setting": s, "metric": m}
        for c, (s, m) in enumerate(
            [(s, m) for s in ("moir", "clir", "mlir") for m in ("mrr@10", "R@100")], start=1
        )
    },
    {"task": "passage-reranking"},
    best={(5, c) for c in range(1, 7)},
)

# 6. CLIR style: language pairs as columns, systems with translate-test combinations,
# significance marks; metric and setting from the caption.
PAIRS = [
    ["Model", "EN-DE", "EN-IT", "DE-IT", "AR-IT", "AR-RU", "Avg"],
    ["Zero-shot", "22.1", "21.0", "13.9", "7.7", "7.1", "14.4"],
    ["Zero-shot + TT", "22.3", "23.2", "14.8", "8.0", "7.9", "15.2"],
    ["BL-CS", "24.5†", "23.9†", "18.0†", "15.6†", "14.1†", "19.2†"],
    ["ML-CS + TT", "23.0", "23.4", "17.2", "12.9", "12.0", "17.7"],
]
PAIRS_CAPTION = "Table 3: MRR@10 in CLIR. † marks a significant gain over Zero-shot."
PAIRS_EXPECTED = grid(
    PAIRS,
    {1: "zero-shot", 2: "Zero-shot + TT", 3: "bl-cs", 4: "ML-CS + TT"},
    {c: {"language": p.lower()} for c, p in enumerate(PAIRS[0][1:-1], start=1)}
    | {6: {"language": "avg"}},
    {"setting": "clir", "metric": "mrr@10"},
)

# 7. CLIR style: two blocks stacked in one table, each with its own header row (MoIR
# languages, then MLIR directions with "X" for any language).
STACKED = [
    ["MoIR", "DE", "FR", "Avg"],
    ["Zero-shot", "25.9", "26.8", "26.4"],
    ["ML-CS", "27.6", "28.9", "28.3"],
    ["MLIR", "EN-X", "X-EN", "X-X"],
    ["Zero-shot", "17.2", "16.9", "15.8"],
    ["ML-CS", "21.0", "20.1", "19.6"],
]
STACKED_CAPTION = "Table 4: MRR@10 on mMARCO: monolingual and multilingual retrieval."
STACKED_EXPECTED = [
    (s, "passage-reranking", setting, lang, "mrr@10", float(STACKED[r][c]), None, False, r, c)
    for r, s, setting in (
        (1, "zero-shot", "moir"),
        (2, "ml-cs", "moir"),
        (4, "zero-shot", "mlir"),
        (5, "ml-cs", "mlir"),
    )
    for c, lang in enumerate(
        ("de", "fr", "avg") if setting == "moir" else ("en-xx", "xx-en", "xx-xx"), start=1
    )
]

# 8. CLIR style: percentages in the cells, an unknown metric and unknown systems.
PERCENT = [
    ["First stage", "Recall@1k", "Recall@100"],
    ["BM25", "85.7%", "66.2%"],
    ["BM25 + RM3", "**87.3%**", "**68.0%**"],
]
PERCENT_CAPTION = "Table 6: Recall of the first-stage retrievers in CLIR."
PERCENT_EXPECTED = grid(
    PERCENT,
    {1: "BM25", 2: "BM25 + RM3"},
    {1: {"metric": "Recall@1k"}, 2: {"metric": "Recall@100"}},
    {"setting": "clir"},
    best={(2, 1), (2, 2)},
    unit="%",
)

# 9. Two label columns, the outer one ("Setting") filled down; its header says what it holds.
LABELS = [
    ["Setting", "Model", "de", "fr"],
    ["Zero-shot", "mBERT", "70.5", "73.1"],
    ["", "mBERT+WEAM", "73.3", "75.8"],
    ["Translate-train", "mBERT", "74.0", "76.9"],
    ["", "mBERT+WEAM", "75.1", "77.2"],
]
LABELS_CAPTION = "Table 7: XNLI accuracy."
LABELS_EXPECTED = [
    (system, "xnli", setting, lang, "accuracy", float(LABELS[r][c]), None, False, r, c)
    for r, setting, system in (
        (1, "zero-shot", "mbert"),
        (2, "zero-shot", "mbert+weam"),
        (3, "translate-train", "mbert"),
        (4, "translate-train", "mbert+weam"),
    )
    for c, lang in ((2, "de"), (3, "fr"))
]

# 10. Spanning headers a PDF centres over their columns: each lands in the right column of
# its span, the first data column's header is empty; equal blocks of two columns.
CENTRED = [
    ["", "", "XNLI", "", "MLQA"],
    ["Model", "de", "fr", "de", "zh"],
    ["mBERT", "70.5", "73.1", "59.0", "59.6"],
    ["mBERT+WEAM", "73.3", "75.8", "62.3", "61.8"],
]
CENTRED_CAPTION = "Table 8: Zero-shot transfer."
CENTRED_EXPECTED = [
    (s, task, "zero-shot", lang, None, float(CENTRED[r][c]), None, False, r, c)
    for r, s in ((2, "mbert"), (3, "mbert+weam"))
    for c, task, lang in (
        (1, "xnli", "de"),
        (2, "xnli", "fr"),
        (3, "mlqa", "de"),
        (4, "mlqa", "zh"),
    )
]

# 11. Hard: centred spans of unequal width (XNLI over three columns, MLQA over two) are
# read with the header to the left: the first column gets no task, the fourth XNLI's.
UNEQUAL = [
    ["", "", "XNLI", "", "", "MLQA"],
    ["Model", "de", "fr", "sw", "de", "zh"],
    ["mBERT", "70.5", "73.1", "50.4", "59.0", "59.6"],
    ["mBERT+WEAM", "73.3", "75.8", "55.9", "62.3", "61.8"],
]
UNEQUAL_GOLD = [
    (s, task, "zero-shot", lang, None, float(UNEQUAL[r][c]), None, False, r, c)
    for r, s in ((2, "mbert"), (3, "mbert+weam"))
    for c, task, lang in (
        (1, "xnli", "de"),
        (2, "xnli", "fr"),
        (3, "xnli", "sw"),
        (4, "mlqa", "de"),
        (5, "mlqa", "zh"),
    )
]

# 12. Hard: a system name the PDF wrapped over two rows, the first row without numbers; it
# is read as a group (a setting) over a row of plain mBERT.
WRAPPED = [
    ["Model", "XNLI", "MLQA"],
    ["mBERT", "66.3", "57.6"],
    ["word-aligned", "", ""],
    ["mBERT", "68.1", "58.7"],
]
WRAPPED_CAPTION = "Table 9: Zero-shot results."
WRAPPED_GOLD = [
    (s, task, "zero-shot", None, None, float(WRAPPED[r][c]), None, False, r, c)
    for r, s in ((1, "mbert"), (3, "word-aligned-mbert"))
    for c, task in ((1, "xnli"), (2, "mlqa"))
]

TABLES = {
    "xnli": (XNLI, XNLI_CAPTION, XNLI_EXPECTED),
    "mlqa": (MLQA, MLQA_CAPTION, _mlqa_expected()),
    "groups": (GROUPS, "Table 4: Results on XNLI and MLQA.", GROUPS_EXPECTED),
    "transposed": (TRANSPOSED, TRANSPOSED_CAPTION, _transposed_expected()),
    "settings": (SETTINGS, SETTINGS_CAPTION, SETTINGS_EXPECTED),
    "pairs": (PAIRS, PAIRS_CAPTION, PAIRS_EXPECTED),
    "stacked": (STACKED, STACKED_CAPTION, STACKED_EXPECTED),
    "percent": (PERCENT, PERCENT_CAPTION, PERCENT_EXPECTED),
    "labels": (LABELS, LABELS_CAPTION, LABELS_EXPECTED),
    "centred": (CENTRED, CENTRED_CAPTION, CENTRED_EXPECTED),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_table_read_as_written(name: str):
    cells, caption, expected = TABLES[name]
    assert rows(read_table(cells, caption)) == expected


def test_cell_text_is_kept_as_printed():
    [value] = [v for v in read_table(TRANSPOSED, TRANSPOSED_CAPTION) if (v.row, v.col) == (1, 3)]
    assert value.text == "73.3 ± 0.2†"
    [bold] = [v for v in read_table(XNLI, XNLI_CAPTION) if (v.row, v.col) == (3, 1)]
    assert (bold.text, bold.best) == ("82.6", True)


def test_a_wrapped_system_name_is_read_as_a_group():
    got = rows(read_table(WRAPPED, WRAPPED_CAPTION))
    assert got == [
        ("mbert", "xnli", "zero-shot", None, None, 66.3, None, False, 1, 1),
        ("mbert", "mlqa", "zero-shot", None, None, 57.6, None, False, 1, 2),
        ("mbert", "xnli", "word-aligned", None, None, 68.1, None, False, 3, 1),
        ("mbert", "mlqa", "word-aligned", None, None, 58.7, None, False, 3, 2),
    ]


def test_unequal_centred_spans_are_read_under_the_header_to_their_left():
    got = rows(read_table(UNEQUAL, CENTRED_CAPTION))
    assert [(r[1], r[3]) for r in got[:5]] == [
        (None, "de"),
        ("xnli", "fr"),
        ("xnli", "sw"),
        ("xnli", "de"),
        ("mlqa", "zh"),
    ]
    assert [r[2] for r in got] == ["zero-shot"] * 10


@pytest.mark.parametrize(
    "cells",
    [
        None,
        [],
        [["Model", "XNLI"]],
        [["Model", "XNLI", "MLQA"], ["mBERT", "66.3"]],
        [["Non-English or Math", "Frequency"], ["Ø", "1 in 1,000"], ["$", "4 in 5"]],
        [["a", "b"], [None, 3]],
    ],
    ids=["none", "empty", "one-row", "ragged", "no-numbers", "odd-types"],
)
def test_unreadable_tables_give_nothing(cells):
    assert read_table(cells, "Table 9: something.") == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("70.1", (70.1, False)),
        ("**70.1**", (70.1, False)),
        ("70.1%", (70.1, True)),
        ("−3.2", (-3.2, False)),
        ("+1.5", (1.5, False)),
        ("66.3 ± 0.4", (66.3, False)),
        ("66.3±0.4†", (66.3, False)),
        ("*70.1", (70.1, False)),
        ("70.1 (+3.8)", (70.1, False)),
        ("1,000", (1000.0, False)),
        ("1 in 1,000", None),
        ("–", None),
        ("n/a", None),
        ("12k", None),
    ],
)
def test_number_of_a_cell(cell: str, expected):
    assert number(cell) == expected


def test_acm_booktabs_table_through_the_ingest():
    passages = extract_passages(FIXTURES / "sample-sigconf.pdf")
    tables = [p for p in passages if p.kind == "table"]
    captions = {passages.index(t): passages[passages.index(t) - 1].text for t in tables}
    first, second = (read_table(t.cells, captions[passages.index(t)]) for t in tables)
    assert first == []  # "1 in 1,000" is no number
    assert rows(second) == [
        ("\\author", None, None, None, "A Number", 100.0, None, False, 1, 1),
        ("\\table", None, None, None, "A Number", 300.0, None, False, 2, 1),
        ("\\table*", None, None, None, "A Number", 400.0, None, False, 3, 1),
    ]


def _booktabs_paper() -> bytes:
    """One page with a caption and a rule-only table whose best numbers are set in bold."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((50, 80), "Table 1: XNLI accuracy in the zero-shot setting.", fontsize=9)
    body = [["Model", "de", "fr", "Avg"], ["mBERT", "70.5", "73.1", "71.8"]]
    body.append(["mBERT+WEAM", "**73.3**", "**75.8**", "**74.6**"])
    for y in (90, 108, 90 + 18 * len(body)):
        page.draw_line((50, y), (330, y), width=0.6)
    for r, row in enumerate(body):
        for x, cell in zip((55, 170, 220, 270), row, strict=True):
            bold = cell.startswith("**")
            page.insert_text(
                (x, 102 + 18 * r), cell.strip("*"), fontsize=9, fontname="hebo" if bold else "helv"
            )
    return doc.tobytes()


def test_bold_cells_of_a_generated_pdf_are_best():
    paper = _booktabs_paper()
    passages = extract_passages(paper)
    assert word_coverage(paper, passages).ok
    [table] = [p for p in passages if p.kind == "table"]
    assert table.cells == [
        ["Model", "de", "fr", "Avg"],
        ["mBERT", "70.5", "73.1", "71.8"],
        ["mBERT+WEAM", "**73.3**", "**75.8**", "**74.6**"],
    ]
    assert table.text.splitlines()[2] == "mBERT+WEAM | 73.3 | 75.8 | 74.6"
    caption = passages[passages.index(table) - 1].text
    assert rows(read_table(table.cells, caption)) == [
        ("mbert", "xnli", "zero-shot", "de", "accuracy", 70.5, None, False, 1, 1),
        ("mbert", "xnli", "zero-shot", "fr", "accuracy", 73.1, None, False, 1, 2),
        ("mbert", "xnli", "zero-shot", "avg", "accuracy", 71.8, None, False, 1, 3),
        ("mbert+weam", "xnli", "zero-shot", "de", "accuracy", 73.3, None, True, 2, 1),
        ("mbert+weam", "xnli", "zero-shot", "fr", "accuracy", 75.8, None, True, 2, 2),
        ("mbert+weam", "xnli", "zero-shot", "avg", "accuracy", 74.6, None, True, 2, 3),
    ]


def _spanning_paper() -> bytes:
    """A rule-only table whose task headers are centred over two columns each, with short
    rules under them, and best numbers in bold; the caption pairs tasks with metrics."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    caption = "Table 2: Zero-shot results on XNLI (accuracy) and MLQA (F1)."
    page.insert_text((50, 80), caption, fontsize=9)
    page.draw_line((50, 90), (360, 90), width=0.6)
    for text, (a, b) in (("XNLI", (170, 245)), ("MLQA", (275, 350))):
        width = pymupdf.get_text_length(text, fontsize=9)
        page.insert_text(((a + b - width) / 2, 102), text, fontsize=9)
        page.draw_line((a, 105), (b, 105), width=0.4)
    body = [
        ["Model", "de", "fr", "de", "zh"],
        ["mBERT", "70.5", "73.1", "59.0", "59.6"],
        ["mBERT+WEAM", "**73.3**", "**75.8**", "**62.3**", "**61.8**"],
    ]
    for r, row in enumerate(body):
        for x, cell in zip((55, 170, 215, 275, 320), row, strict=True):
            font = "hebo" if cell.startswith("**") else "helv"
            page.insert_text((x, 117 + 14 * r), cell.strip("*"), fontsize=9, fontname=font)
    page.draw_line((50, 121), (360, 121), width=0.6)
    page.draw_line((50, 150), (360, 150), width=0.6)
    return doc.tobytes()


def test_centred_spanning_headers_through_the_ingest():
    paper = _spanning_paper()
    passages = extract_passages(paper)
    assert word_coverage(paper, passages).ok
    [caption, table] = passages
    assert table.cells == [
        ["", "", "XNLI", "", "MLQA"],
        ["Model", "de", "fr", "de", "zh"],
        ["mBERT", "70.5", "73.1", "59.0", "59.6"],
        ["mBERT+WEAM", "**73.3**", "**75.8**", "**62.3**", "**61.8**"],
    ]
    assert rows(read_table(table.cells, caption.text)) == [
        (system, task, "zero-shot", lang, metric, value, None, r == 3, r, c)
        for r, system, values in (
            (2, "mbert", (70.5, 73.1, 59.0, 59.6)),
            (3, "mbert+weam", (73.3, 75.8, 62.3, 61.8)),
        )
        for c, (task, lang, metric), value in zip(
            range(1, 5),
            (("xnli", "de", "accuracy"), ("xnli", "fr", "accuracy"), ("mlqa", "de", "f1"),
             ("mlqa", "zh", "f1")),
            values,
            strict=True,
        )
    ]  # fmt: skip


def test_precision_and_recall_over_the_test_tables():
    """Exact tuple match against what a reader of each table would write down."""
    gold: list[Row] = []
    got: list[Row] = []
    for cells, caption, expected in TABLES.values():
        gold += [(id(cells), *e) for e in expected]
        got += [(id(cells), *r) for r in rows(read_table(cells, caption))]
    hard = [
        (UNEQUAL, CENTRED_CAPTION, UNEQUAL_GOLD),
        (WRAPPED, WRAPPED_CAPTION, WRAPPED_GOLD),
    ]
    for cells, caption, expected in hard:
        gold += [(id(cells), *e) for e in expected]
        got += [(id(cells), *r) for r in rows(read_table(cells, caption))]
    gold_set, got_set = set(gold), set(got)
    right = len(gold_set & got_set)
    assert (len(gold), len(got), right) == (len(gold_set), len(got_set), 177)
    assert round(right / len(got_set), 3) == 0.967  # precision: 177 of 183
    assert round(right / len(gold_set), 3) == 0.967  # recall: 177 of 183
