"""What a paper states itself: its extracted claims and its results tables read as numbers."""

from __future__ import annotations

from dataclasses import dataclass

from claimlab.claims.table_values import TableValue, read_table
from claimlab.config import Settings
from claimlab.records import ClaimView
from claimlab.services.access import session
from claimlab.services.extraction import claims_of
from claimlab.store import tables
from claimlab.store.queries import list_claims


@dataclass(frozen=True)
class PaperTable:
    """One results table of a paper and the numbers read from it."""

    passage_id: int
    page: int
    caption: str | None
    values: list[TableValue]


def stated_claims(settings: Settings, paper_id: int) -> list[ClaimView]:
    """The claims with a mention from the paper's own text (sentences and table values)."""
    ids = claims_of(settings, [paper_id])
    with session(settings) as s:
        return list_claims(s, ids) if ids else []


def paper_tables(settings: Settings, paper_id: int) -> list[PaperTable]:
    """The paper's table passages with their numbers (none for a table that cannot be read)."""
    with session(settings) as s:
        found = tables.table_passages(s, paper_id)
    return [PaperTable(t.id, t.page, t.caption, read_table(t.cells, t.caption)) for t in found]
