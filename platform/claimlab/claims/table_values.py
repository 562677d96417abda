"""Results tables as claimed numbers: one TableValue per number a table's cells print.

Conventions: a percentage keeps the number as printed (70.1 for "70.1%") with unit "%"; a
"±" spread or a parenthesised difference after a number is not the value; a cell the PDF
ingest wrapped in ** (set in bold) is the best; footnote marks never touch the number.
Header rows are the leading rows without a number, label columns the leading columns without
one; an empty header cell takes the header to its left (or, when the first data cell of a
header row is empty, labels one to each equal block of columns span their block: PDFs centre
spanning headers), an empty outer label cell the one above. A row without numbers and with
empty data cells names a group (a setting, mostly); one with text in them is a new header
row for the rows below, and a known name in its label cell ("MLIR") names the group. The
caption's first sentence, then the whole caption, gives the task, setting and metric that a
value's own headers do not; a caption pairing tasks with metrics ("XNLI (accuracy) and MLQA
(F1)") gives each task its metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimlab.claims.table_names import SLOTS, Label, Names, clean, metric_like, role

_NUMBER = re.compile(
    r"^(?P<sign>[-+−–])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)\s*(?P<pct>%)?"
    r"\s*(?:(?:±|\+/-|\+-)\s*\d+(?:\.\d+)?\s*%?)?"
    r"\s*(?:\(\s*(?:±|[-+−–])?\s*\d+(?:\.\d+)?\s*%?\s*\))?$"
)

_PERCENT_NOTE = re.compile(r"\(\s*%\s*\)|\bin\s*%")  # "accuracy (%)", "in %" in a caption


@dataclass(frozen=True)
class TableValue:
    """One number of a results table and what its headers and caption say it is."""

    system: str | None
    task: str | None
    setting: str | None
    language: str | None
    metric: str | None
    value: float
    unit: str | None
    best: bool
    row: int
    col: int
    text: str
    """The cell as printed (without the bold marker)."""


def number(cell: str) -> tuple[float, bool] | None:
    """(value as printed, printed with %) of a cell that holds one number, else None."""
    m = _NUMBER.match(clean_number(cell))
    if not m:
        return None
    value = float(m.group("num").replace(",", ""))
    if m.group("sign") and m.group("sign") != "+":
        value = -value
    return value, bool(m.group("pct"))


def clean_number(cell: str) -> str:
    """The cell without bold marker and footnote marks, "%" kept."""
    text = cell.strip()
    if len(text) > 4 and text.startswith("**") and text.endswith("**"):
        text = text[2:-2]
    return text.strip("†‡*∗⋆§¶#♠♣♦♥ ")


def _numbers(cell: str) -> list[tuple[float, bool]] | None:
    """The numbers of a cell: one, or several written "58.1 / 42.4"; None otherwise."""
    one = number(cell)
    if one is not None:
        return [one]
    parts = clean_number(cell).split("/")
    found = [number(p) for p in parts] if len(parts) > 1 else []
    if found and all(f is not None for f in found):
        return found  # type: ignore[return-value]
    return None


def read_table(cells: list[list[str]] | None, caption: str | None) -> list[TableValue]:
    """Every number of the table with its system, task, setting, language, metric and unit;
    [] for a table that cannot be read (no numbers, ragged rows)."""
    try:
        return _Reader(cells, caption or "").values()
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return []


class _Reader:
    def __init__(self, cells: list[list[str]] | None, caption: str) -> None:
        if not cells or len(cells) < 2 or len({len(r) for r in cells}) != 1 or len(cells[0]) < 2:
            raise ValueError("not a table")
        if not all(c is None or isinstance(c, str) for row in cells for c in row):
            raise ValueError("cells are not text")
        self.cells = [[c or "" for c in row] for row in cells]
        self.caption = caption
        parsed = [[_numbers(c) for c in row] for row in self.cells]
        self.parsed = parsed
        self.top = next((i for i, row in enumerate(parsed) if any(row)), None)
        if self.top is None:
            raise ValueError("no numbers")
        width = len(self.cells[0])
        self.first = next(c for c in range(width) if any(row[c] for row in parsed[self.top :]))
        # Rows right above the first number with empty data cells name groups, not columns.
        while self.top > 0 and not any(self.cells[self.top - 1][self.first :]):
            self.top -= 1
        text = " ".join([caption, *(c for row in self.cells for c in row if not number(c))])
        self.names = Names(text)

    def values(self) -> list[TableValue]:
        headers = [self._filled(row) for row in self.cells[: self.top]]
        roles = [role(self.cells[self.top - 1][c]) if self.top else None for c in range(self.first)]
        caption = self.names.mentioned(self.caption)
        paired = self.names.task_metrics(self.caption)
        group = [t for row in headers for t in row[: self.first] if self._names_group(t)]
        above = [""] * self.first
        out: list[TableValue] = []
        for r in range(self.top, len(self.cells)):
            row = self.cells[r]
            labels = [row[c] or (above[c] if c < self.first - 1 else "") for c in range(self.first)]
            above = labels
            if not any(self.parsed[r]):
                data = row[self.first :]
                named = [x for x in row[: self.first] if x]
                if any(data):  # a header row for the rows below
                    headers = [*headers[:-1], self._filled(row)] if headers else [self._filled(row)]
                    group = [t for t in named if self._names_group(t)]
                elif named:
                    group = named
                continue
            for c in range(self.first, len(row)):
                found = self.parsed[r][c]
                if not found:
                    continue
                for j, (value, pct) in enumerate(found):
                    slots, percent = self._slots(labels, roles, headers, c, group, j, len(found))
                    if "metric" not in slots and slots.get("task") in paired:
                        slots["metric"] = paired[slots["task"]]
                    for slot, name in caption.items():
                        slots.setdefault(slot, name)
                    percent = percent or pct or bool(_PERCENT_NOTE.search(self.caption))
                    cell = row[c]
                    bold = len(cell) > 4 and cell.startswith("**") and cell.endswith("**")
                    out.append(
                        TableValue(
                            **{s: slots.get(s) for s in SLOTS},
                            value=value,
                            unit="%" if percent else None,
                            best=bold,
                            row=r,
                            col=c,
                            text=cell[2:-2] if bold else cell,
                        )
                    )
        return out

    def _names_group(self, text: str) -> bool:
        """A header's label cell names the rows' group ("MLIR") rather than the column
        ("Model", "First stage") when it is a known name."""
        return bool(text) and not role(text) and bool(self.names.label(text).known)

    def _filled(self, row: list[str]) -> list[str]:
        """A header row whose empty data cells take the header to their left, or, when the
        first data cell is empty, the centred spanning header of their equal block."""
        out = list(row)
        spans = self._centred(row)
        if spans:
            return out[: self.first] + spans
        for c in range(self.first + 1, len(out)):
            if not clean(out[c]):
                out[c] = out[c - 1]
        return out

    def _centred(self, row: list[str]) -> list[str] | None:
        """A PDF places a header spanning k columns by its centre, so it lands inside its
        span, not at its left: with the first data cell empty and n data columns, labels
        that sit one in each of equal blocks of n / labels columns span those blocks."""
        data = row[self.first :]
        named = [i for i, text in enumerate(data) if clean(text)]
        if clean(data[0]) or not named or len(data) % len(named):
            return None
        width = len(data) // len(named)
        if width < 2 or any(i // width != k for k, i in enumerate(named)):
            return None
        return [data[named[i // width]] for i in range(len(data))]

    def _slots(
        self,
        labels: list[str],
        roles: list[str | None],
        headers: list[list[str]],
        col: int,
        group: list[str],
        part: int,
        parts: int,
    ) -> tuple[dict[str, str], bool]:
        """Slots of one value from its row labels, column headers and group, innermost first."""
        slots: dict[str, str] = {}
        percent = False
        unknown: list[tuple[str, tuple[str, ...]]] = []

        def take(label: Label, order: tuple[str, ...]) -> None:
            nonlocal percent
            percent = percent or label.percent
            for slot, name in label.known.items():
                slots.setdefault(slot, name)
            if label.unknown:
                unknown.append((label.unknown, order))

        for c in reversed(range(len(labels))):
            own = roles[c]
            take(self.names.label(labels[c]), (own,) if own else ("system", "setting"))
        for depth, row in enumerate(reversed(headers)):
            text = row[col]
            pieces = [p for p in clean(text).split("/")] if parts > 1 else []
            if len(pieces) == parts:
                text = pieces[part]
            elif parts > 1 and "/" in text:
                continue
            label = self.names.label(text)
            order = ("metric", "setting", "system") if depth == 0 or metric_like(text) else ()
            take(label, order or ("setting", "task", "system"))
        for text in reversed(group):
            take(self.names.label(text), ("setting", "task"))
        if parts > 1 and "metric" not in slots:
            listed = self.names.metrics(self.caption)
            if len(listed) == parts:
                slots["metric"] = listed[part]
        for text, order in unknown:
            if metric_like(text) and "metric" not in slots:
                slots["metric"] = text
                continue
            free = next((s for s in order if s not in slots), None)
            if free:
                slots[free] = text
        return slots, percent
