"""Parse review files: metadata, the extracted-claims table and the arXiv references."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from claimlab.claims.canon import is_truncated
from claimlab.records import ClaimRow, ParsedReport, Reference

MARKS = {"✓": True, "×": False}
TABLE_HEADER = ("claim", "verified", "confidence")

_HEADING = re.compile(r"^(?:#{1,6}\s+)?(?:\d+\s+)?(?P<name>[A-Z][A-Za-z ]+)$")
_DATE = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}$"
)
_EXAMINES = re.compile(r"This paper examines:\s*(?P<title>.+?)\.\s+Research question:\s*(?P<q>.+)")
_RETRIEVED = re.compile(r"(\d+)\s+papers retrieved")
_EXTRACTED = re.compile(r"(\d+)\s+claims extracted")
_VERIFIED = re.compile(r"(\d+)\s+(?:independently\s+)?verified")
_QUALITY = re.compile(r"[Qq]uality (?:review )?score(?: of)?:?\s*(\d+(?:\.\d+)?)\s*/\s*10")
_ARXIV_REF = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))"
    r"(?:v(?P<v>\d+))?"
)


class ReportError(ValueError):
    """A review file that cannot be ingested; names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source, self.line, self.reason = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


def read_report(path: Path) -> ParsedReport:
    """Read and parse the review file at `path`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(str(path), f"cannot read file: {exc.strerror}") from exc
    parsed = parse_report(data, source=str(path))
    parsed.source = str(path.resolve())
    return parsed


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of `data`, or a ReportError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReportError(source, f"not valid UTF-8 (byte {exc.start})", line) from exc


def parse_report(data: bytes, source: str) -> ParsedReport:
    """Parse a review file's bytes; `source` names it in errors."""
    text = decode(data, source)
    lines = text.splitlines()
    header_at = _find_table_header(lines)
    if header_at is None:
        raise ReportError(source, "not a review: no 'Claim / Verified / Confidence' table found")
    title = next((_strip_heading(ln) for ln in lines if ln.strip()), "")
    report = ParsedReport(source=source, sha256=hashlib.sha256(data).hexdigest(), title=title)
    _read_front_matter(report, lines[:header_at])
    report.claims = _read_claims(lines, header_at, source)
    if not report.claims:
        raise ReportError(source, "the claims table has no rows", header_at + 1)
    report.references = _read_references(lines[header_at:])
    return report


def _strip_heading(line: str) -> str:
    return line.strip().lstrip("#").strip()


def _find_table_header(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        cells = tuple(c.strip().lower() for c in line.split("\t"))
        if cells == TABLE_HEADER:
            return i
    return None


def _read_front_matter(report: ParsedReport, lines: list[str]) -> None:
    body = " ".join(ln.strip() for ln in lines)
    for line in lines:
        stripped = _strip_heading(line)
        if report.report_date is None and _DATE.match(stripped):
            report.report_date = datetime.strptime(stripped, "%B %d, %Y").date()
        if report.examined_title is None and (m := _EXAMINES.search(stripped)):
            report.examined_title = m["title"].strip()
            report.research_question = m["q"].strip().rstrip(".").strip()
    for pattern, attr in (
        (_RETRIEVED, "papers_retrieved"),
        (_EXTRACTED, "claims_extracted"),
        (_VERIFIED, "claims_verified"),
    ):
        if m := pattern.search(body):
            setattr(report, attr, int(m[1]))
    if m := _QUALITY.search(body):
        report.quality_score = float(m[1])


def _read_claims(lines: list[str], header_at: int, source: str) -> list[ClaimRow]:
    rows: list[ClaimRow] = []
    for i in range(header_at + 1, len(lines)):
        raw = lines[i]
        if not raw.strip():
            if rows:
                break
            continue
        if "\t" not in raw and _HEADING.match(_strip_heading(raw)):
            break
        rows.append(_parse_row(raw, len(rows) + 1, i + 1, source))
    return rows


def _parse_row(raw: str, row: int, line: int, source: str) -> ClaimRow:
    cells = [c.strip() for c in raw.split("\t")]
    if len(cells) != 3:
        raise ReportError(
            source,
            f"claims table row has {len(cells)} column(s), expected 3 (claim, mark, "
            "confidence) separated by tabs",
            line,
        )
    text, mark, conf = cells
    if not text:
        raise ReportError(source, "claims table row has an empty claim", line)
    if mark not in MARKS:
        raise ReportError(source, f"verified mark {mark!r} is not ✓ or ×", line)
    try:
        confidence = float(conf)
    except ValueError:
        raise ReportError(source, f"confidence {conf!r} is not a number", line) from None
    if not 0.0 <= confidence <= 1.0:
        raise ReportError(source, f"confidence {confidence} is outside [0, 1]", line)
    return ClaimRow(row, line, text, is_truncated(text), MARKS[mark], confidence)


def _read_references(lines: list[str]) -> list[Reference]:
    seen: dict[str, Reference] = {}
    for line in lines:
        for m in _ARXIV_REF.finditer(line):
            ref = Reference(m["id"], int(m["v"]) if m["v"] else None)
            seen.setdefault(ref.arxiv_id, ref)
    return list(seen.values())
