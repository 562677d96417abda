"""PDF to passages: `document` drives the pages; `text`, `layout` and `tables` do the parts."""

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
]
