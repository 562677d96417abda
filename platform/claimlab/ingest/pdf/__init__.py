"""PDF to passages: `document` drives the pages; `text`, `layout`, `margins`, `tables` and
`booktabs` do the parts; `coverage` checks that every word lands in exactly one passage."""

from claimlab.ingest.pdf.coverage import Coverage, word_coverage
from claimlab.ingest.pdf.document import (
    PassageData,
    PdfError,
    PdfSource,
    check_complete,
    extract_passages,
    page_count,
    render_page_png,
)
from claimlab.ingest.pdf.tables import TableMode
from claimlab.ingest.pdf.text import BBox, Kind, normalize_text

__all__ = [
    "BBox",
    "Coverage",
    "Kind",
    "PassageData",
    "PdfError",
    "PdfSource",
    "TableMode",
    "check_complete",
    "extract_passages",
    "normalize_text",
    "page_count",
    "render_page_png",
    "word_coverage",
]
