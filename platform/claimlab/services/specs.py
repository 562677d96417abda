"""Claim specs: parse claim text into predicates, validate and store hand-written ones."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from claimlab.claims.parser import SpecParser
from claimlab.claims.predicates import SpecError, kind_of, validate
from claimlab.config import Settings
from claimlab.runs import recipes
from claimlab.services.access import guard, session
from claimlab.store import specs as store_specs
from claimlab.store.specs import SpecRow

__all__ = [
    "SpecError",
    "check_spec",
    "parse_spec_json",
    "parse_specs",
    "parsed_in_memory",
    "set_spec",
]


def parse_specs(settings: Settings, claim_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Parse the specs of claims not set by hand; returns counts per spec status."""
    guard(settings, write=True)
    parser = SpecParser(recipes.capabilities())
    counts: dict[str, int] = {}
    with session(settings, write=True) as s:
        for row in store_specs.claim_specs(s, list(claim_ids) if claim_ids else None):
            if row.spec_status == "manual":
                counts["manual"] = counts.get("manual", 0) + 1
                continue
            if row.spec and any("cell" in p for p in row.spec):
                continue  # a number read from a results table, not from the claim's wording
            parsed = parser.parse(row.text, row.truncated)
            store_specs.set_spec(
                s, row.id, parsed.kind, parsed.predicates, parsed.status, parsed.reason
            )
            counts[parsed.status] = counts.get(parsed.status, 0) + 1
    return counts


def parsed_in_memory(rows: list[SpecRow]) -> list[SpecRow]:
    """The rows with unparsed specs parsed, storing nothing (for read-only instances)."""
    parser = SpecParser(recipes.capabilities())
    out = []
    for row in rows:
        if row.spec_status == "unparsed":
            parsed = parser.parse(row.text, row.truncated)
            row = replace(
                row,
                kind=parsed.kind,
                spec=parsed.predicates,
                spec_status=parsed.status,
                spec_reason=parsed.reason or None,
            )
        out.append(row)
    return out


def set_spec(settings: Settings, claim_id: int, spec: Any) -> list[dict[str, Any]]:
    """Validate and store a hand-written spec; raises SpecError, NotFoundError or
    ReadOnlyError."""
    guard(settings, write=True)
    predicates = validate(spec, recipes.capabilities())
    kinds = {kind_of(p) for p in predicates}
    kind = kinds.pop() if len(kinds) == 1 else "comparison"
    with session(settings, write=True) as s:
        store_specs.set_spec(s, claim_id, kind, predicates, "manual")
    return predicates


def parse_spec_json(text: str) -> Any:
    """The editor's text as JSON; a syntax error becomes a SpecError naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def check_spec(text: str) -> list[dict[str, Any]]:
    """Parse and validate a spec against the recipes' capabilities, saving nothing."""
    return validate(parse_spec_json(text), recipes.capabilities())
