"""A paper's table passages with their captions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimlab.store.models import Passage


@dataclass(frozen=True)
class TablePassage:
    """A table passage of a paper with the caption next to it."""

    id: int
    page: int
    cells: list[list[Any]] | None
    caption: str | None


def table_passages(session: Session, paper_id: int) -> list[TablePassage]:
    """The paper's table passages in reading order, each with the table caption nearest to
    it on its page, the one before it on a tie (as claim extraction reads them)."""
    rows = session.execute(
        select(Passage.id, Passage.seq, Passage.page, Passage.kind, Passage.cells)
        .where(Passage.paper_id == paper_id, Passage.kind.in_(("table", "caption")))
        .order_by(Passage.seq)
    ).all()
    captions = dict(
        session.execute(
            select(Passage.id, Passage.text).where(
                Passage.paper_id == paper_id, Passage.kind == "caption"
            )
        ).all()
    )
    out = []
    for row in rows:
        if row.kind != "table":
            continue
        near = [
            (abs(c.seq - row.seq), c.seq > row.seq, captions[c.id])
            for c in rows
            if c.kind == "caption"
            and c.page == row.page
            and captions[c.id].lstrip().lower().startswith(("table", "tab."))
        ]
        out.append(TablePassage(row.id, row.page, row.cells, min(near)[2] if near else None))
    return out
