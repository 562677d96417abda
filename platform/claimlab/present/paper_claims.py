"""The Paper page's tables of what a paper states: its claim sentences and its table values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import pandas as pd

from claimlab.claims.table_values import TableValue
from claimlab.present.words import predicate_text, verdict_label
from claimlab.records import ClaimView

STATED_COLUMNS = ["id", "sentence", "page", "kind", "read as", "verdicts", "reviews"]
VALUE_COLUMNS = [
    "table",
    "page",
    "system",
    "task",
    "setting",
    "language",
    "metric",
    "value",
    "unit",
    "best",
    "claim",
    "verdicts",
]
_DECIMALS = re.compile(r"\d\.(\d+)")
_TABLE_LABEL = re.compile(r"^\s*((?:table|tab\.)\s*[\w.]+?)\s*[:.|]", re.IGNORECASE)


class Table(Protocol):
    """A results table as services.paper_claims.PaperTable has it."""

    passage_id: int
    page: int
    caption: str | None
    values: list[TableValue]


def read_as(claim: ClaimView) -> str:
    """How the parser read a claim: its predicates in words, or why it could not."""
    if claim.spec_status == "needs-spec":
        return "needs a spec" + (f": {claim.spec_reason}" if claim.spec_reason else "")
    if claim.kind == "description" or claim.spec_status == "description":
        return "a description (nothing to measure)"
    if not claim.spec:
        return "not parsed yet"
    return "; ".join(predicate_text(p) for p in claim.spec)


def _verdicts(claim: ClaimView | None) -> str:
    return " · ".join(verdict_label(v) for v in claim.verdicts) if claim else ""


def stated_frame(
    claims: Iterable[ClaimView], paper: str, table_passages: Sequence[int] = ()
) -> pd.DataFrame:
    """One row per sentence the paper states a claim in (its table values left out):
    the claim, the sentence and page, how it was read, its verdicts and how many reviews
    mention it too."""
    tables = set(table_passages)
    rows = []
    for c in claims:
        for m in c.mention_list:
            if m.source != "paper" or m.report != paper or m.passage_id in tables:
                continue
            rows.append(
                {
                    "id": c.id,
                    "sentence": m.text,
                    "page": m.page,
                    "kind": c.kind or "unparsed",
                    "read as": read_as(c),
                    "verdicts": _verdicts(c),
                    "reviews": len(c.reports),
                }
            )
    frame = pd.DataFrame(rows, columns=STATED_COLUMNS)
    return frame.sort_values(["page", "id"], kind="stable", ignore_index=True)


def _value_claims(claims: Iterable[ClaimView], paper: str) -> dict[tuple[int, int, int], ClaimView]:
    """(table passage id, row, col) -> the value claim made of that cell."""
    out: dict[tuple[int, int, int], ClaimView] = {}
    for c in claims:
        cells = [tuple(p["cell"]) for p in c.spec or [] if _cell(p)]
        for m in c.mention_list:
            if m.source == "paper" and m.report == paper and m.passage_id is not None:
                for row, col in cells:
                    out.setdefault((m.passage_id, row, col), c)
    return out


def _same_value(c: ClaimView, v: TableValue) -> bool:
    """True when a claim's value predicate says what the table value says (a table value
    merged into a claim stated elsewhere keeps that claim's spec, without its cell)."""
    for p in c.spec or []:
        value = p.get("value")
        if (
            p.get("kind") == "value"
            and p.get("lhs") == v.system
            and p.get("metric") == v.metric
            and p.get("pair") in (None, v.language)
            and isinstance(value, int | float)
            and min(abs(value - v.value), abs(value - v.value / 100)) < 1e-9
        ):
            return True
    return False


def _cell(p: dict[str, Any]) -> bool:
    cell = p.get("cell")
    return isinstance(cell, list | tuple) and len(cell) == 2


def table_label(caption: str | None, n: int) -> str:
    """'Table 2' from a caption, else 'table N' (its place on the page list)."""
    m = _TABLE_LABEL.match(caption or "")
    return m.group(1) if m else f"table {n}"


def printed(v: TableValue) -> str:
    """The value with as many decimals as the table prints (75.0 stays 75.0)."""
    decimals = max((len(d) for d in _DECIMALS.findall(v.text)), default=0)
    return f"{v.value:.{decimals}f}"


def values_frame(tables: Iterable[Table], claims: Iterable[ClaimView], paper: str) -> pd.DataFrame:
    """One row per number of the paper's results tables, with the value claim made of it
    (one whose system a recipe knows) and that claim's verdicts."""
    claims = list(claims)
    by_cell = _value_claims(claims, paper)
    rows = []
    for n, t in enumerate(tables, start=1):
        label = table_label(t.caption, n)
        mentioned = [
            c
            for c in claims
            if any(m.source == "paper" and m.passage_id == t.passage_id for m in c.mention_list)
        ]
        for v in t.values:
            claim = by_cell.get((t.passage_id, v.row, v.col)) or next(
                (c for c in mentioned if _same_value(c, v)), None
            )
            rows.append(
                {
                    "table": label,
                    "page": t.page,
                    "system": v.system or "",
                    "task": v.task or "",
                    "setting": v.setting or "",
                    "language": v.language or "",
                    "metric": v.metric or "",
                    "value": printed(v),
                    "unit": v.unit or "",
                    "best": v.best,
                    "claim": claim.id if claim else None,
                    "verdicts": _verdicts(claim),
                }
            )
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    return frame.astype({"claim": "Int64"})
