"""Claim specs, run plans, reproduction and verdicts, as services over Settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from claimlab import services
from claimlab.claims.parser import SpecError, SpecParser, validate
from claimlab.config import Settings
from claimlab.judging.judge import judge_claim
from claimlab.judging.stats import Rules
from claimlab.runs import recipes
from claimlab.runs.jobs import enqueue_runs, existing_runs
from claimlab.runs.plan import PlannedRun, Planner, PredicatePlan
from claimlab.store import specs as store_specs
from claimlab.store.engine import session_scope
from claimlab.store.queue import RunRequest

TIMEOUT_S = {"smoke": 600.0, "mini": 4 * 3600.0, "paper": 72 * 3600.0}
GPUS = {"smoke": 0.0, "mini": 0.0, "paper": 1.0}


@dataclass(frozen=True)
class ClaimPlan:
    """A claim's predicates planned at a profile."""

    claim_id: int
    text: str
    spec_status: str
    predicates: list[PredicatePlan]


def parse_specs(settings: Settings, claim_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Parse the specs of claims not set by hand; returns counts per spec status."""
    services.ensure_ready(settings)
    parser = SpecParser(recipes.capabilities())
    counts: dict[str, int] = {}
    with session_scope(settings.database_url, immediate=True) as session:
        for row in store_specs.claim_specs(session, list(claim_ids) if claim_ids else None):
            if row.spec_status == "manual":
                counts["manual"] = counts.get("manual", 0) + 1
                continue
            parsed = parser.parse(row.text, row.truncated)
            store_specs.set_spec(session, row.id, parsed.kind, parsed.predicates, parsed.status)
            counts[parsed.status] = counts.get(parsed.status, 0) + 1
    return counts


def set_spec(settings: Settings, claim_id: int, spec: Any) -> list[dict[str, Any]]:
    """Validate and store a hand-written spec; raises SpecError or KeyError."""
    services.require_writable(settings)
    predicates = validate(spec, recipes.capabilities())
    kinds = {p.get("kind", "comparison") for p in predicates}
    kind = kinds.pop() if len(kinds) == 1 else "comparison"
    with session_scope(settings.database_url, immediate=True) as session:
        store_specs.set_spec(session, claim_id, kind, predicates, "manual")
    return predicates


def plan_claims(
    settings: Settings, claim_ids: Sequence[int] | None, profile: str, seeds: int | None = None
) -> tuple[list[ClaimPlan], dict[str, PlannedRun]]:
    """Plans of the claims (all when None) and the de-duplicated runs they need."""
    services.ensure_ready(settings)
    with session_scope(settings.database_url) as session:
        rows = store_specs.claim_specs(session, list(claim_ids) if claim_ids else None)
    if claim_ids:
        missing = set(claim_ids) - {r.id for r in rows}
        if missing:
            raise KeyError(f"no claim with id {', '.join(map(str, sorted(missing)))}")
    if any(r.spec_status == "unparsed" for r in rows):
        if settings.ui_readonly:  # read in memory, write nothing
            parser = SpecParser(recipes.capabilities())
            rows = [_parsed_row(r, parser) if r.spec_status == "unparsed" else r for r in rows]
        else:
            parse_specs(settings, [r.id for r in rows if r.spec_status == "unparsed"])
            with session_scope(settings.database_url) as session:
                rows = store_specs.claim_specs(session, [r.id for r in rows])
    planner = Planner(profile, seeds, settings.mini_data_dir, settings.home / "cache")
    plans = [
        ClaimPlan(r.id, r.text, r.spec_status, planner.plan(r.spec or []))
        for r in rows
        if r.spec_status in ("parsed", "manual") and r.spec
    ]
    return plans, planner.runs


def _parsed_row(row: store_specs.SpecRow, parser: SpecParser) -> store_specs.SpecRow:
    parsed = parser.parse(row.text, row.truncated)
    return replace(row, kind=parsed.kind, spec=parsed.predicates, spec_status=parsed.status)


def reproduce(
    settings: Settings, claim_ids: Sequence[int] | None, profile: str, seeds: int | None = None
) -> tuple[int, int]:
    """Queue the runs the claims need that do not exist yet; returns (new, already there)."""
    services.require_writable(settings)
    _, runs = plan_claims(settings, claim_ids, profile, seeds)
    requests = [
        RunRequest(
            r.recipe, r.profile, r.seed, r.raw, r.config_hash, TIMEOUT_S[profile], GPUS[profile]
        )
        for r in runs.values()
    ]
    created = [c for _, c in enqueue_runs(settings, requests)]
    return sum(created), len(created) - sum(created)


def compute_verdicts(
    settings: Settings,
    profile: str,
    claim_ids: Sequence[int] | None = None,
    seeds: int | None = None,
) -> dict[str, int]:
    """Judge every planned claim at `profile` from finished runs; returns counts per state."""
    plans, runs = plan_claims(settings, claim_ids, profile, seeds)
    known = existing_runs(settings, list(runs))
    rules = Rules.load()
    counts: dict[str, int] = {}
    with session_scope(settings.database_url, immediate=True) as session:
        for plan in plans:
            evidence = store_specs.evidence_texts(session, plan.claim_id)
            state, records, rule = judge_claim(plan.predicates, known, rules, profile, evidence)
            store_specs.save_verdict(session, plan.claim_id, profile, state, records, rule)
            counts[state] = counts.get(state, 0) + 1
    return counts


def claim_measurements(
    settings: Settings, claim_id: int, profile: str, seeds: int | None = None
) -> list[dict[str, Any]]:
    """Per-seed numbers behind a claim's predicates at a profile, one row per side and seed."""
    plans, runs = plan_claims(settings, [claim_id], profile, seeds)
    known = existing_runs(settings, list(runs))
    rows: list[dict[str, Any]] = []
    for plan in plans:
        for index, pp in enumerate(plan.predicates):
            for check in pp.checks:
                for side_name, side in (("lhs", check.lhs), ("rhs", check.rhs)):
                    if side is None:
                        continue
                    for seed, digest in side.runs.items():
                        run = known.get(digest)
                        rows.append(
                            {
                                "predicate": index,
                                "check": check.label,
                                "side": side_name,
                                "system": side.system,
                                "metric": side.metric_key,
                                "seed": seed,
                                "value": run.metrics.get(side.metric_key) if run else None,
                                "status": run.status if run else "missing",
                                "claimed": pp.predicate.get("value"),
                            }
                        )
    return rows


__all__ = [
    "claim_measurements",
    "ClaimPlan",
    "SpecError",
    "compute_verdicts",
    "parse_specs",
    "plan_claims",
    "reproduce",
    "set_spec",
]
