"""Turn claim text into predicates over what the recipes can measure.

The schema of a predicate is in `claimlab.claims.predicates`; the phrase tables in
`claimlab.claims.cues`; how a comparison sentence is read, clause by clause, in
`claimlab.claims.reading`. Whatever the parser cannot read with confidence is
`needs-spec` with the reason, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claimlab.claims import cues as C
from claimlab.claims.facts import Facts, Unreadable
from claimlab.claims.mentions import KINDS, Text, alias_patterns, choose_recipe, find, names
from claimlab.claims.numbers import NUMBER, find_numbers, tidy
from claimlab.claims.predicates import SpecError, kind_of, validate
from claimlab.claims.reading import Reading

__all__ = ["ParsedSpec", "SpecError", "SpecParser", "kind_of", "validate"]

_PARAM_LEAD = re.compile(
    r"\s*(?:\([^)]{1,12}\)\s*)?(?:(?:is|was|are|were|be|been|being|set|fixed|kept|chosen|"
    r"equal|equals|of|at|to|as|=|:|≈)\s*)*",
    re.I,
)
_SEVERAL = re.compile(rf"\s*,?\s*(?:or|and|to|-|–|/)\s*(?:{NUMBER.pattern})", re.I)


@dataclass
class ParsedSpec:
    """The parser's reading of one claim."""

    kind: str
    predicates: list[dict[str, Any]] = field(default_factory=list)
    status: str = "parsed"
    """parsed, needs-spec (measurable-looking but unreadable) or description."""
    reason: str = ""
    """Why the claim needs a hand-written spec (or is a description)."""

    @property
    def note(self) -> str:
        """The reason, under its former name."""
        return self.reason


class SpecParser:
    """Parses claim text with the recipes' capability tables."""

    def __init__(self, caps: dict[str, dict[str, Any]]) -> None:
        self.caps = caps
        self.patterns = {
            recipe: {kind: alias_patterns(table, kind) for kind in KINDS}
            for recipe, table in caps.items()
        }

    def parse(self, text: str, truncated: bool = False) -> ParsedSpec:
        """Predicates of `text`, or a needs-spec / description result."""
        t = Text(text)
        recipe = choose_recipe(t.text, self.patterns)
        if recipe is None:
            shared = [
                m.name
                for kinds in self.patterns.values()
                for kind in ("systems", "metrics", "parameters")
                for m in find(t.text, kinds[kind])
            ]
            if shared:
                return ParsedSpec(
                    "comparison",
                    status="needs-spec",
                    reason="names only what several recipes share: "
                    + ", ".join(sorted(set(shared))),
                )
            return ParsedSpec(
                "description", status="description", reason="names nothing measurable"
            )
        facts = Facts(recipe, self.caps[recipe], self.patterns[recipe])
        try:
            return self._parse(facts, t, truncated)
        except Unreadable as exc:
            return ParsedSpec(exc.kind, status="needs-spec", reason=str(exc))

    def _parse(self, facts: Facts, t: Text, truncated: bool) -> ParsedSpec:
        s = t.text
        systems = find(s, facts.patterns["systems"])
        for a, b in zip(systems, systems[1:], strict=False):
            if a.name != b.name and re.fullmatch(r"\s*\+?\s*", s[a.end : b.start]):
                raise Unreadable(
                    f"names a combination of systems ({s[a.start : b.end]}) no recipe runs"
                )
        params = self._hyperparameters(facts, t)
        found = Reading(facts, t, truncated)
        if params:
            if found.cues:
                raise Unreadable("mixes hyperparameter values with a comparison", "hyperparameter")
            return ParsedSpec("hyperparameter", params)
        if m := C.LENGTH.search(s):
            return ParsedSpec("data", self._lengths(facts, t, m))
        if not found.cues:
            return self._no_cue(facts, t)
        if m := C.UNCLEAR.search(s):
            raise Unreadable(f"has a scope the parser does not read ({m.group()!r})")
        predicates = found.predicates()
        if not predicates:
            raise Unreadable("could not tell what is compared")
        return ParsedSpec("comparison", predicates)

    def _no_cue(self, facts: Facts, t: Text) -> ParsedSpec:
        """A claim without a comparison word: a claimed number, a description or needs-spec."""
        s = t.text
        if C.DESCRIPTION.search(s):
            return ParsedSpec("description", status="description", reason="describes a method")
        if C.DIFFERENCE.search(s):
            raise Unreadable("claims a change in scores; set by hand", "value")
        values = self._values(facts, t)
        if values:
            return ParsedSpec("value", values)
        if find(s, facts.patterns["systems"]) or find(s, facts.patterns["metrics"]):
            raise Unreadable("no comparison word read")
        return ParsedSpec(
            "description", status="description", reason="no comparison, number or setting"
        )

    def _hyperparameters(self, facts: Facts, t: Text) -> list[dict[str, Any]]:
        """Parameter values: "a learning rate of 5 × 10^-5", "200,000 steps", "λ = 1"."""
        s, out = t.text, {}
        numbers = find_numbers(s)
        for m in find(s, facts.patterns["parameters"]):
            lead = _PARAM_LEAD.match(s, m.end)
            after = [n for n in numbers if n.start == lead.end()]
            before = [
                n
                for n in numbers
                if n.end <= m.start and re.fullmatch(r"[\s-]*", s[n.end : m.start])
            ]
            number = (after or before or [None])[0]
            if number is None:
                continue
            if _SEVERAL.match(s, number.end) or (before and after):
                raise Unreadable(f"several values for {m.name}", "hyperparameter")
            if C.NEGATION.search(s):
                raise Unreadable("a negated hyperparameter value", "hyperparameter")
            if m.name in out and out[m.name]["value"] != tidy(number.value):
                raise Unreadable(f"two values for {m.name}", "hyperparameter")
            span = (min(m.start, number.start), max(m.end, number.end))
            out[m.name] = {
                "kind": "hyperparameter",
                "recipe": facts.recipe,
                "parameter": m.name,
                "op": "=",
                "value": tidy(number.value),
                "source": t.source(*span),
            }
        return list(out.values())

    def _values(self, facts: Facts, t: Text) -> list[dict[str, Any]]:
        """A claimed number followed by a metric ("ML-CS reaches 21.4 MRR@10 in MoIR")."""
        s, out = t.text, []
        numbers = find_numbers(s)
        for m in find(s, facts.patterns["metrics"]):
            before = [
                n for n in numbers if n.end <= m.start and re.fullmatch(r"\s*", s[n.end : m.start])
            ]
            if not before:
                continue
            n = before[-1]
            if C.NEGATION.search(s):
                raise Unreadable("a negated claimed number", "value")
            systems = names(find(s, facts.patterns["systems"]))
            if len(systems) != 1:
                raise Unreadable("a claimed number that names no single system", "value")
            settings = names(find(s, facts.patterns["settings"]))
            if len(settings) > 1:
                raise Unreadable("a claimed number in several settings", "value")
            metric = facts.table["metrics"][m.name]
            task = metric.get("details", {}).get("task") or facts.task_of(s, 0, len(s))
            scale = metric.get("details", {}).get("paper_scale", 1)
            out.append(
                {
                    "kind": "value",
                    "recipe": facts.recipe,
                    "lhs": systems[0],
                    "op": "=",
                    "metric": m.name,
                    "task": task,
                    "setting": settings[0] if settings else facts.default_setting("the number"),
                    "value": tidy(n.stated / scale),
                    "source": t.source(0, len(s)),
                }
            )
        if len(out) > 1:
            raise Unreadable("several claimed numbers; set by hand", "value")
        return out

    def _lengths(self, facts: Facts, t: Text, m: re.Match[str]) -> list[dict[str, Any]]:
        """Input lengths compared between two named tasks ("XNLI has shorter inputs than MLQA")."""
        s = t.text
        metric = facts.length_metric()
        if metric is None:
            raise Unreadable("compares input lengths, which this recipe does not measure", "data")
        stats = facts.table["metrics"][metric]["details"]["task"]
        tasks = [x for x in names(find(s, facts.patterns["tasks"])) if x != stats]
        if len(tasks) != 2:
            raise Unreadable(
                "compares input lengths but does not name the two tasks compared", "data"
            )
        shorter = bool(m.group("short") or m.group("few"))
        op = "<" if shorter else ">"
        if C.NEGATION.search(s):
            op = {"<": ">=", ">": "<="}[op]
        baseline = facts.baseline()
        return [
            {
                "kind": "data",
                "recipe": facts.recipe,
                "lhs": baseline,
                "lhs_task": tasks[0],
                "op": op,
                "rhs": baseline,
                "rhs_task": tasks[1],
                "metric": metric,
                "task": stats,
                "setting": None,
                "qualifier": None,
                "source": t.source(0, len(s)),
            }
        ]
