"""A study's answer in words, and which reviews ask its question."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

from claimlab.judging import stats
from claimlab.judging.change import change
from claimlab.judging.checks import deterministic
from claimlab.judging.measure import TRIVIAL
from claimlab.judging.rules import Rules
from claimlab.runs import recipes
from claimlab.studies.files import Study
from claimlab.studies.tables import Row

RULES = Rules.load()
QUESTION_MATCH = 80.0
"""rapidfuzz token_set_ratio at which a review's research question is the study's."""


def same_question(a: str, b: str) -> bool:
    """True when two research questions are the same one, worded differently."""
    return fuzz.token_set_ratio(a, b) >= QUESTION_MATCH


def stand_in(study: Study) -> str:
    """What the study's task stands in for at its profile."""
    task = recipes.capabilities()[study.recipe]["tasks"][study.task]
    return task.get("details", {}).get("stand_in", {}).get(study.profile, study.task)


def answer(study: Study, rows: list[Row]) -> str:
    """The answer in words, by the judge's tests: the first declared level against the last, or
    with `system` as the factor, every other system against the first (the reference)."""
    head = f"At the {study.profile} profile (stand-in: {stand_in(study)}), {study.metric}"
    pairs = list(dict.fromkeys(r.pair for r in rows))
    parts = [_answer_pair(study, [r for r in rows if r.pair == p]) for p in pairs]
    parts = [p for p in parts if p]
    if not parts:
        return f"{head}: not enough finished runs yet to answer."
    rule = (
        f"A trend word needs a one-sided test at α = {RULES.alpha} and a change of at least "
        f"the metric's margin; 'stays within' needs an equivalence test (TOST)."
    )
    return f"{head}, {_span(study)}: " + " ".join(parts) + " " + rule


def _span(study: Study) -> str:
    """The comparisons named before looking."""
    first, last = study.levels[0], study.levels[-1]
    if study.factor == "system":
        return f"each system against {first}"
    return f"from {study.label}={first} to {study.label}={last}"


def _compared(study: Study) -> list[tuple[Any, Any]]:
    """(reference level, compared level) pairs, in the declared order."""
    first = study.levels[0]
    if study.factor == "system":
        return [(first, level) for level in study.levels[1:]]
    return [(first, study.levels[-1])]


def _answer_pair(study: Study, rows: list[Row]) -> str:
    """One pair's comparisons; those the judge words the same are named once, together."""
    systems = [None] if study.factor == "system" else study.systems
    said: dict[str, list[str]] = {}
    for system in systems:
        mine = [r for r in rows if system is None or r.system == system]
        for first_level, last_level in _compared(study):
            first = next((r for r in mine if r.level == first_level and r.n), None)
            last = next((r for r in mine if r.level == last_level and r.n), None)
            if first is not None and last is not None and first is not last:
                who = last.system if study.factor == "system" else first.system
                said.setdefault(_trend(study, first, last), []).append(who)
    if not said:
        return ""
    against = f" against {study.levels[0]}" if study.factor == "system" else ""
    parts = [f"{_listed(who)}{against}: {says}" for says, who in said.items()]
    return f"{rows[0].pair}: " + "; ".join(parts) + "."


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _trend(study: Study, first: Row, last: Row) -> str:
    """How the mean moves from the first row to the last, in the judge's words."""
    steady = deterministic(recipes.capabilities()[study.recipe], study.metric)
    if not steady:
        for row in (first, last):
            why = _uninformative(row)
            if why:
                return f"uninformative ({why})"
    full = first.n == last.n == study.seeds and not first.pending and not last.pending
    moved = change(
        first.values,
        last.values,
        study.metric,
        RULES,
        paired=full,  # values are in seed order only when every seed reported
        deterministic=steady,
    )
    return (
        f"{moved.word} ({first.mean:.3f}, n={first.n} to {last.mean:.3f}, n={last.n}; "
        f"{moved.detail})"
    )


def _uninformative(row: Row) -> str | None:
    """Why a cell's numbers are no evidence (not above the runs' chance level or a trivial model
    they record, such as naive Bayes), else None."""
    if row.n < RULES.min_seeds or not stats.varies(row.values):
        return None  # change() says why nothing can be told
    where = row.system if row.level == row.system else f"{row.system} at {row.level}"
    floors = {"chance": row.chance, **row.trivial}
    for name, refs in floors.items():
        if not refs or any(r is None for r in refs):
            missing = "reference baseline" if name == "chance" else f"ref/{name} for every seed"
            return f"{where}: the runs recorded no {missing}"
        floor = [float(r) for r in refs if r is not None]
        above, p = stats.above(row.values, floor, RULES.alpha)
        if not above:
            return (
                f"{where} is not significantly above {TRIVIAL.get(name, name)}: "
                f"{row.mean:.3f} vs {stats.summary(floor)['mean']:.3f}, one-sided p = {p:.3g}"
            )
    return None
