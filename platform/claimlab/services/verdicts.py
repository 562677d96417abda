"""Verdicts: judge each planned claim at a profile from its finished runs, and store it."""

from __future__ import annotations

from collections.abc import Sequence

from claimlab.config import Settings
from claimlab.judging.judge import judge_claim
from claimlab.judging.rules import Rules
from claimlab.services.access import guard, session
from claimlab.services.jobs import existing_runs
from claimlab.services.reproduce import plan_claims
from claimlab.store import specs as store_specs


def compute_verdicts(
    settings: Settings,
    profile: str,
    claim_ids: Sequence[int] | None = None,
    seeds: int | None = None,
) -> dict[str, int]:
    """Judge every planned claim at `profile` from finished runs; returns counts per state."""
    guard(settings, write=True)
    plans, runs = plan_claims(settings, claim_ids, profile, seeds)
    known = existing_runs(settings, list(runs))
    rules = Rules.load()
    counts: dict[str, int] = {}
    with session(settings, write=True) as s:
        for plan in plans:
            evidence = store_specs.evidence_texts(s, plan.claim_id)
            state, records, rule = judge_claim(plan.predicates, known, rules, profile, evidence)
            store_specs.save_verdict(s, plan.claim_id, profile, state, records, rule)
            counts[state] = counts.get(state, 0) + 1
    return counts
