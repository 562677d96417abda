"""From claim predicates to the runs that measure them at a profile, shared by config hash."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimlab.claims.predicates import kind_of
from claimlab.records import RunRequest
from claimlab.runs import recipes
from claimlab.runs.requests import raw_config, run_request

DEFAULT_SEEDS = {"smoke": 2, "mini": 3, "paper": 3}


@dataclass(frozen=True)
class PlannedRun:
    """One run a claim needs: what the recipe is asked to do and its config hash."""

    recipe: str
    system: str
    profile: str
    seed: int
    raw: dict[str, Any]
    config: dict[str, Any]
    config_hash: str


@dataclass
class Side:
    """One side of a comparison: which runs and which metric key hold its numbers."""

    system: str
    metric_key: str
    runs: dict[int, str]
    """seed -> config hash."""


@dataclass
class Check:
    """One measurable check of a predicate (one pair, or the average)."""

    label: str
    lhs: Side
    rhs: Side | None = None


@dataclass
class PredicatePlan:
    """How one predicate is measured at a profile, or why it cannot be."""

    predicate: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    cannot_run: str | None = None


class Planner:
    """Plans runs at one profile with a seed count; resolves each config once."""

    def __init__(
        self,
        profile: str,
        seeds: int | None = None,
        data_dir: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.profile = profile
        self.seeds = list(range(1, (seeds or DEFAULT_SEEDS[profile]) + 1))
        self.data_dir, self.cache_dir = data_dir, cache_dir
        self.runs: dict[str, PlannedRun] = {}
        self._by_key: dict[tuple[str, str, int], str] = {}

    def plan(self, predicates: list[dict[str, Any]]) -> list[PredicatePlan]:
        """A plan per predicate; the runs they need accumulate in self.runs."""
        return [self._predicate(p) for p in predicates]

    def _run(self, recipe: str, system: str, seed: int) -> str:
        key = (recipe, system, seed)
        if key not in self._by_key:
            raw = raw_config(
                recipe,
                self.profile,
                seed,
                {"system": system},
                data_dir=self.data_dir,
                cache_dir=self.cache_dir,
            )
            config, digest = recipes.resolve(raw)
            self.runs.setdefault(
                digest, PlannedRun(recipe, system, self.profile, seed, raw, config, digest)
            )
            self._by_key[key] = digest
        return self._by_key[key]

    def requests(self, priority: int = 0) -> list[RunRequest]:
        """Queue requests for every run planned so far."""
        return [
            run_request(r.recipe, r.profile, r.seed, r.config, r.config_hash, priority=priority)
            for r in self.runs.values()
        ]

    def _side(self, recipe: str, system: str, key: str) -> Side:
        return Side(system, key, {s: self._run(recipe, system, s) for s in self.seeds})

    def _predicate(self, p: dict[str, Any]) -> PredicatePlan:
        kind, recipe = kind_of(p), p.get("recipe")
        plan = PredicatePlan(p)
        if kind in ("hyperparameter", "description"):
            return plan
        if kind == "value" and self.profile != "paper":
            plan.cannot_run = (
                f"a claimed number is about the paper's setup; the {self.profile} profile's "
                "stand-in cannot confirm or refute it"
            )
            return plan
        reason = self._unavailable(p)
        if reason:
            plan.cannot_run = reason
            return plan
        if kind == "data":
            lhs_key = recipes.metric_key(recipe, "stats", p["lhs_task"], "en", p["metric"])
            rhs_key = recipes.metric_key(recipe, "stats", p["rhs_task"], "en", p["metric"])
            plan.checks.append(
                Check(
                    "data",
                    self._side(recipe, p["lhs"], lhs_key),
                    self._side(recipe, p["rhs"], rhs_key),
                )
            )
            return plan
        pairs = [None]
        if p.get("pairs") == "each" or p.get("pair"):
            pairs = (
                [p["pair"]]
                if p.get("pair")
                else recipes.pairs(recipe, p.get("setting"), self.profile, p.get("task"))
            )
        for pair in pairs:
            lhs_key = recipes.metric_key(
                recipe, p["task"], p.get("lhs_setting") or p.get("setting"), pair, p["metric"]
            )
            check = Check(pair or "avg", self._side(recipe, p["lhs"], lhs_key))
            if kind != "value":
                rhs_key = recipes.metric_key(
                    recipe, p["task"], p.get("rhs_setting") or p.get("setting"), pair, p["metric"]
                )
                check.rhs = self._side(recipe, p["rhs"], rhs_key)
            plan.checks.append(check)
        return plan

    def _unavailable(self, p: dict[str, Any]) -> str | None:
        recipe = p["recipe"]
        for kind, field_ in (
            ("tasks", "task"),
            ("tasks", "lhs_task"),
            ("tasks", "rhs_task"),
            ("metrics", "metric"),
            ("systems", "lhs"),
            ("systems", "rhs"),
        ):
            name = p.get(field_)
            if name and not recipes.available(recipe, kind, name, self.profile):
                entry = recipes.capabilities()[recipe][kind].get(name, {})
                why = entry.get("details", {}).get("not_run_reason") or (
                    f"{kind[:-1]} {name!r} exists only at profiles "
                    f"{', '.join(entry.get('profiles', []))}"
                )
                return f"{why} (profile {self.profile})"
        pair = p.get("pair")
        if pair and pair not in recipes.pairs(
            recipe, p.get("setting"), self.profile, p.get("task")
        ):
            return f"language pair {pair} is not part of the {self.profile} profile"
        return None
