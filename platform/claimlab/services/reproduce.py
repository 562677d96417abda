"""From claims to runs: plan the runs a claim needs at a profile, queue them, read their numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claimlab.config import Settings
from claimlab.errors import NotFoundError
from claimlab.runs.plan import PlannedRun, Planner, PredicatePlan
from claimlab.services.access import guard, session
from claimlab.services.jobs import enqueue_runs, existing_runs
from claimlab.services.specs import parse_specs, parsed_in_memory
from claimlab.store import specs as store_specs


@dataclass(frozen=True)
class ClaimPlan:
    """A claim's predicates planned at a profile."""

    claim_id: int
    text: str
    spec_status: str
    predicates: list[PredicatePlan]


def plan_claims(
    settings: Settings, claim_ids: Sequence[int] | None, profile: str, seeds: int | None = None
) -> tuple[list[ClaimPlan], dict[str, PlannedRun]]:
    """Plans of the claims (all when None) and the de-duplicated runs they need."""
    plans, planner = _plan(settings, claim_ids, profile, seeds)
    return plans, planner.runs


def _plan(
    settings: Settings, claim_ids: Sequence[int] | None, profile: str, seeds: int | None
) -> tuple[list[ClaimPlan], Planner]:
    with session(settings) as s:
        rows = store_specs.claim_specs(s, list(claim_ids) if claim_ids else None)
    if claim_ids:
        missing = set(claim_ids) - {r.id for r in rows}
        if missing:
            raise NotFoundError(f"no claim with id {', '.join(map(str, sorted(missing)))}")
    if any(r.spec_status == "unparsed" for r in rows):
        if settings.ui_readonly:  # read in memory, write nothing
            rows = parsed_in_memory(rows)
        else:
            parse_specs(settings, [r.id for r in rows if r.spec_status == "unparsed"])
            with session(settings) as s:
                rows = store_specs.claim_specs(s, [r.id for r in rows])
    planner = Planner(profile, seeds, settings.mini_data_dir, settings.home / "cache")
    plans = [
        ClaimPlan(r.id, r.text, r.spec_status, planner.plan(r.spec or []))
        for r in rows
        if r.spec_status in ("parsed", "manual") and r.spec
    ]
    return plans, planner


def reproduce(
    settings: Settings,
    claim_ids: Sequence[int] | None,
    profile: str,
    seeds: int | None = None,
    priority: int = 0,
) -> tuple[int, int]:
    """Queue the runs the claims need that do not exist yet; returns (new, already there)."""
    guard(settings, write=True)
    _, planner = _plan(settings, claim_ids, profile, seeds)
    created = [c for _, c in enqueue_runs(settings, planner.requests(priority))]
    return sum(created), len(created) - sum(created)


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
