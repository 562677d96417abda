"""The rules of qualifiers.toml: test level, seeds, per-metric margins, rules per wording."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from claimlab.claims.predicates import LEGACY_OPS

FLIPPED = {"<": ">", "<=": ">="}
"""Ops judged as their mirror image with the sides swapped."""


class RulesError(ValueError):
    """A qualifiers.toml that cannot be used; names the field."""


@dataclass(frozen=True)
class Condition:
    """One one-sided test on d = lhs − rhs against k margins."""

    side: str
    """"above" (rejects d <= k·m) or "below" (rejects d >= k·m)."""
    k: float

    def words(self, margin: float) -> str:
        """'above 0.02' with the threshold in the metric's units."""
        return f"{self.side} {_fmt(self.k * margin)}"


@dataclass(frozen=True)
class Rule:
    """What supports and what refutes a claim of one wording."""

    key: str
    """Op and qualifier as written in qualifiers.toml, e.g. "> large margin"."""
    name: str
    support: tuple[Condition, ...]
    refute: tuple[Condition, ...]

    def words(self, margin: float, test: str, alpha: float) -> str:
        """The rule in words with its thresholds in the metric's units."""
        level = round(100 * (1 - 2 * alpha))
        sup = " and ".join(c.words(margin) for c in self.support)
        ref = " or ".join(c.words(margin) for c in self.refute)
        return (
            f"{self.key} ({self.name}; {test}, one-sided tests at α = {alpha}): supported when "
            f"the {level}% interval of lhs − rhs lies {sup}; refuted when it lies {ref} "
            "(Holm-corrected over the claim's checks)"
        )


@dataclass(frozen=True)
class MetricScale:
    """A metric's margin: the smallest difference that counts, with where it comes from."""

    metric: str
    margin: float
    relative: bool
    compare: bool
    source: str

    def margin_for(self, rhs_mean: float) -> float:
        """The margin in the metric's units; a relative one scales with the rhs mean."""
        return self.margin * abs(rhs_mean) if self.relative else self.margin


@dataclass(frozen=True)
class ValueRules:
    """Claimed numbers: the floor on the interval's half-width and its widest allowed."""

    abs_floor: float
    rel_floor: float
    max_half_width: float
    """In margins of the metric."""


@dataclass(frozen=True)
class Rules:
    """Everything in qualifiers.toml."""

    alpha: float
    min_seeds: int
    rules: dict[str, Rule]
    aliases: dict[str, str]
    metrics: dict[str, MetricScale]
    values: ValueRules

    @classmethod
    def load(cls, text: str | None = None) -> Rules:
        """Rules from `text`, default: the qualifiers.toml shipped with claimlab."""
        where = "qualifiers.toml"
        if text is None:
            text = resources.files("claimlab.judging").joinpath(where).read_text()
        try:
            data = tomllib.loads(text)
            return cls(
                alpha=float(data["alpha"]),
                min_seeds=int(data["min_seeds"]),
                rules=_rules(data["rules"]),
                aliases=dict(data.get("qualifier_aliases", {})),
                metrics={
                    name: MetricScale(
                        name,
                        float(m["margin"]),
                        bool(m.get("relative", False)),
                        bool(m.get("compare", True)),
                        m["source"],
                    )
                    for name, m in data["metrics"].items()
                },
                values=ValueRules(**{k: float(v) for k, v in data["values"].items()}),
            )
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{where}: {exc}") from exc
        except KeyError as exc:
            raise RulesError(f"{where}: missing field {exc.args[0]!r}") from exc
        except TypeError as exc:
            raise RulesError(f"{where}: [values]: {exc}") from exc

    def rule_for(self, op: str, qualifier: str | None) -> tuple[Rule | None, bool, str]:
        """The rule for `op` with `qualifier`, whether the sides swap, and the lookup key."""
        op = LEGACY_OPS.get(op, op)
        flipped = op in FLIPPED
        op = FLIPPED.get(op, op)
        q = self.aliases.get(qualifier, qualifier) if qualifier else None
        key = f"{op} {q}" if q else op
        return self.rules.get(key), flipped, key


def _rules(table: dict[str, Any]) -> dict[str, Rule]:
    """Rule per key, `same_as` resolved."""

    def conditions(key: str, field: str) -> tuple[Condition, ...]:
        entry = table[key]
        if "same_as" in entry:
            if entry["same_as"] not in table:
                raise RulesError(
                    f"qualifiers.toml: rules.{key!r}.same_as: no rule {entry['same_as']!r}"
                )
            return conditions(entry["same_as"], field)
        out = []
        for c in entry[field]:
            ((side, k),) = c.items()
            if side not in ("above", "below"):
                raise RulesError(
                    f"qualifiers.toml: rules.{key!r}.{field}: {side!r} is not above/below"
                )
            out.append(Condition(side, float(k)))
        return tuple(out)

    return {
        key: Rule(key, entry["name"], conditions(key, "support"), conditions(key, "refute"))
        for key, entry in table.items()
    }


def _fmt(x: float) -> str:
    return f"{x:.4g}"
