"""Parse review files: metadata, the extracted-claims table and the arXiv references."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limits:
    """The largest review claimlab reads; anything larger is refused with the field named."""

    file_bytes: int = 5_000_000
    """Size of the whole file (a real review is a few kB; 10,000 rows are about 1.5 MB)."""
    rows: int = 10_000
    """Rows of the claims table."""
    claim_chars: int = 2_000
    """Characters of one claim (review tables cut claims at about 120)."""
    title_chars: int = 500
    """Characters of the title, the first non-blank line."""
    line_chars: int = 20_000
    """Characters of any other line (an abstract paragraph is one line)."""


LIMITS = Limits()


class ReportError(ValueError):
    """A review file that cannot be ingested; names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source, self.line, self.reason = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


def read_report(path: Path, limits: Limits = LIMITS) -> ParsedReport:
    """Read and parse the review file at `path` (a file over the size limit is not read)."""
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise _too_large(str(path), size, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(str(path), f"cannot read file: {exc.strerror}") from exc
    parsed = parse_report(data, source=str(path), limits=limits)
    parsed.source = str(path.resolve())
    return parsed


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of `data`, or a ReportError naming the line of the first bad byte.

    A NUL byte is refused too: it is never text, and PostgreSQL cannot store it.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReportError(source, f"not valid UTF-8 (byte {exc.start})", line) from exc
    if (at := text.find("\x00")) >= 0:
        raise ReportError(
            source, "contains a NUL byte (\\x00); a review is plain text", _line_of(text, at)
        )
    return text


def parse_report(data: bytes, source: str, limits: Limits = LIMITS) -> ParsedReport:
    """Parse a review file's bytes; `source` names it in errors."""
    if len(data) > limits.file_bytes:
        raise _too_large(source, len(data), limits)
    text = decode(data, source)
    lines = text.splitlines()
    _check_lines(lines, source, limits)
    header_at = _find_table_header(lines)
    if header_at is None:
        raise ReportError(source, "not a review: no 'Claim / Verified / Confidence' table found")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    title = _strip_heading(lines[first]) if lines else ""
    if len(title) > limits.title_chars:
        raise ReportError(
            source,
            f"title (the first line) is {len(title)} characters, over the {limits.title_chars} "
            "limit",
            first + 1,
        )
    report = ParsedReport(source=source, sha256=hashlib.sha256(data).hexdigest(), title=title)
    _read_front_matter(report, lines[:header_at])
    report.claims, last = _read_claims(lines, header_at, source, limits)
    if not report.claims:
        raise ReportError(source, "the claims table has no rows", header_at + 1)
    stated = report.claims_extracted
    if stated is not None and stated != len(report.claims):
        report.warnings.append(
            f"{source}: the review says {stated} claims extracted, the table (lines "
            f"{header_at + 2}-{last}) has {len(report.claims)} rows"
        )
    report.references = _read_references(lines[header_at:])
    return report


def _too_large(source: str, size: int, limits: Limits) -> ReportError:
    return ReportError(source, f"file is {size} bytes, over the {limits.file_bytes} byte limit")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_lines(lines: list[str], source: str, limits: Limits) -> None:
    """Refuse a line longer than any review line should be."""
    for i, line in enumerate(lines):
        if len(line) > limits.line_chars:
            raise ReportError(
                source, f"line is {len(line)} characters, over the {limits.line_chars} limit", i + 1
            )


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


def _read_claims(
    lines: list[str], header_at: int, source: str, limits: Limits
) -> tuple[list[ClaimRow], int]:
    """The table's rows and the line number of the last one.

    Blank lines inside the table are read across: the table ends at a line without a
    tab after a blank line (References, a heading, prose), or at a heading.
    """
    rows: list[ClaimRow] = []
    last = header_at + 1
    after_blank = False
    for i in range(header_at + 1, len(lines)):
        raw = lines[i]
        if not raw.strip():
            after_blank = True
            continue
        if "\t" not in raw and ((rows and after_blank) or _HEADING.match(_strip_heading(raw))):
            break
        after_blank = False
        if len(rows) == limits.rows:
            raise ReportError(
                source, f"the claims table has more than {limits.rows} rows (the limit)", i + 1
            )
        rows.append(_parse_row(raw, len(rows) + 1, i + 1, source, limits))
        last = i + 1
    return rows, last


def _parse_row(raw: str, row: int, line: int, source: str, limits: Limits = LIMITS) -> ClaimRow:
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
    if len(text) > limits.claim_chars:
        raise ReportError(
            source, f"claim is {len(text)} characters, over the {limits.claim_chars} limit", line
        )
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
