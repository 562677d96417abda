"""A paper's table passages with their captions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from claimlab.store.models import Passage

TABLE_CAPTION = ("table", "tab.")
"""How a table's caption starts (case and leading spaces ignored)."""


class Placed(Protocol):
    """A passage as far as finding captions goes."""

    @property
    def seq(self) -> int: ...
    @property
    def page(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str | None: ...


@dataclass(frozen=True)
class TablePassage:
    """A table passage of a paper with the caption next to it."""

    id: int
    page: int
    cells: list[list[Any]] | None
    caption: str | None


def nearest_caption(table: Placed, passages: Sequence[Placed]) -> str | None:
    """The table caption among `passages` nearest to `table` in reading order on its page,
    the one before it on a tie."""
    near = [
        (abs(p.seq - table.seq), p.seq > table.seq, p.text)
        for p in passages
        if p.kind == "caption"
        and p.page == table.page
        and (p.text or "").lstrip().lower().startswith(TABLE_CAPTION)
    ]
    return min(near)[2] if near else None


def table_passages(session: Session, paper_id: int) -> list[TablePassage]:
    """The paper's table passages in reading order, each with its `nearest_caption`."""
    rows = session.execute(
        select(
            Passage.id,
            Passage.seq,
            Passage.page,
            Passage.kind,
            Passage.cells,
            case((Passage.kind == "caption", Passage.text)).label("text"),
        )
        .where(Passage.paper_id == paper_id, Passage.kind.in_(("table", "caption")))
        .order_by(Passage.seq)
    ).all()
    return [
        TablePassage(row.id, row.page, row.cells, nearest_caption(row, rows))
        for row in rows
        if row.kind == "table"
    ]
