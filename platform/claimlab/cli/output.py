"""Render records as a rich table, JSON or CSV for the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


class Format(StrEnum):
    """Output formats of list commands."""

    table = "table"
    json = "json"
    csv = "csv"


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    """JSON text with dates as ISO strings."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV text; list cells are joined with '; '."""
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        )
    return buf.getvalue()


def print_rows(
    console: Console,
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    columns: dict[str, str],
    title: str,
) -> None:
    """Print `rows` in `fmt`; `columns` maps field to header for the table format."""
    if fmt is Format.json:
        print(to_json(list(rows)))
    elif fmt is Format.csv:
        print(to_csv(rows), end="")
    else:
        table = Table(title=title)
        for header in columns.values():
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(field)) for field in columns))
        console.print(table)


def _cell(value: Any) -> Text:
    """A table cell as plain text: data is never read as rich markup."""
    if value is None:
        return Text("")
    if isinstance(value, float):
        return Text(f"{value:.2f}")
    if isinstance(value, list):
        return Text(", ".join(map(str, value)))
    return Text(str(value))
