"""Benchmark: passages/s of claimlab.ingest.pdf against plain `page.get_text()`.

Both read the same PDFs: the two LaTeX articles under tests/fixtures/pdf and a generated
12-page two-column paper with a ruled table. Aim: at least half of raw PyMuPDF speed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pymupdf
import pytest

from claimlab.ingest.pdf import extract_passages

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"
WORDS = (
    "alignment transfer encoder multilingual retrieval zero-shot corpus lexicon ranking "
    "benchmark pre-training translation evaluation accuracy baseline language model token"
).split()


def _generated(pages: int = 12) -> bytes:
    """A two-column paper: headings, justified paragraphs, a table with its caption."""
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        for col, x in enumerate((50, 310)):
            page.insert_text((x, 70), f"{n + 1}.{col + 1} Section", fontname="hebo", fontsize=11)
            for k, y in enumerate(range(80, 760, 85)):
                text = " ".join(WORDS[(n + k + i) % len(WORDS)] for i in range(30)) + "."
                assert page.insert_textbox((x, y, x + 235, y + 80), text, fontsize=9, align=3) > 0
        if n % 4 == 3:
            page.insert_text((50, 775), f"Table {n}: Scores.", fontsize=9)
            for y in (780, 795, 810):
                page.draw_line((50, y), (285, y))
            for x in (50, 130, 210, 285):
                page.draw_line((x, 780), (x, 810))
            for r, y in enumerate((792, 807)):
                for c, x in enumerate((55, 135, 215)):
                    page.insert_text((x, y), f"{r}{c}.5", fontsize=8)
    return doc.tobytes()


DOCUMENTS = ["elstest-5p.pdf", "apssamp.pdf", "generated"]


@pytest.fixture(scope="module", params=DOCUMENTS)
def pdf(request) -> bytes:
    if request.param == "generated":
        return _generated()
    return (FIXTURES / request.param).read_bytes()


def _raw(data: bytes) -> int:
    """Plain PyMuPDF: open the PDF and take every page's text; returns the page count."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.get_text()
        return doc.page_count


def _best_of(fn, data: bytes, rounds: int = 15) -> float:
    """Fastest of several timed runs, in seconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn(data)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.benchmark(group="pdf: plain page.get_text()")
def test_raw_get_text(benchmark, pdf):
    pages = benchmark(_raw, pdf)
    benchmark.extra_info.update(pages=pages, pages_per_s=round(pages / benchmark.stats.stats.min))


@pytest.mark.benchmark(group="pdf: extract_passages()")
def test_extract_passages(benchmark, pdf):
    passages = len(benchmark(extract_passages, pdf))
    ours = benchmark.stats.stats.min
    raw = _best_of(_raw, pdf)
    benchmark.extra_info.update(
        passages=passages,
        passages_per_s=round(passages / ours),
        raw_passages_per_s=round(passages / raw),
        speed_vs_raw=round(raw / ours, 2),
    )
    print(
        f"\n{passages} passages: {passages / ours:.0f}/s; plain get_text on the same PDF "
        f"{passages / raw:.0f}/s; speed vs raw {raw / ours:.2f} (aim >= 0.5)"
    )
    assert passages > 50
