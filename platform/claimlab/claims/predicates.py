"""The predicate schema: what a claim's spec may say, and the check of a hand-written spec.

A spec is a JSON list of predicates (plain dicts). Fields:

- `kind`: comparison | value | hyperparameter | data | description (absent means
  comparison; read it with `kind_of`).
- `recipe`: the recipe whose capability table names the systems below.
- `lhs`, `rhs`: systems; `op` compares lhs with rhs on `metric` of `task` in `setting`.
  `lhs_setting` / `rhs_setting` / `lhs_task` / `rhs_task` override one side.
- `op`: ">" / "<" directional (lhs better / worse than rhs); ">=" non-inferiority
  ("X is not worse than Y", "X does not hurt Y"); "<=" non-superiority ("X does not
  outperform Y", "X fails to improve over Y", "neither X nor Z beats Y"); "≈" equivalence
  ("similar", "on par", "not significantly different"); "=" value and hyperparameter.
  "X is not significantly better than Y" reads as op "<=" with NO qualifier: the negation
  takes "significantly" with it (it never yields ">" with "significantly").
- `qualifier`: one of QUALIFIERS or absent. "consistently" also sets `pairs: "each"` (one
  test per language pair); when another qualifier is stated too, that one is kept in
  `qualifier` and `pairs: "each"` carries "consistently".
- `margin`: a stated size, {"value": 1.2, "unit": "points" | "%"}, in the paper's units
  as written ("by 1.2 points" on accuracy is 0.012 after the metric's paper_scale).
- `hedge`: a modal word of the claim ("may", "might", "can", "seems to"...), shown only.
- `source`: the words of the claim that produced the predicate (a substring of the claim).
- value: `lhs`, `metric`, `task`, `setting`, optional `pair`, `value` in the metric's own
  units (15.7 MRR@10 -> 0.157); hyperparameter: `parameter`, `value` (a number).
- `cell`: [row, column] of the results-table cell a value was read from (claim extraction);
  such a spec comes from the table, so parsing the claim's wording never replaces it.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

OPS = (">", "<", ">=", "<=", "≈", "=")
LEGACY_OPS = {"≥": ">=", "≤": "<=", "~": "≈"}
"""Spellings of older specs, read as the op on the right."""
LEGACY_QUALIFIERS = {"slightly lower but close": "slightly"}
"""Qualifiers of older specs, read as the one on the right (with op "<")."""
KINDS = ("comparison", "value", "hyperparameter", "data", "description")
QUALIFIERS = (
    "significantly",
    "large margin",
    "slightly",
    "similar",
    "almost on par",
    "not significantly different",
    "consistently",
)
MARGIN_UNITS = ("points", "%")


class Margin(TypedDict):
    """A stated size of a difference, as written in the claim."""

    value: float
    unit: Literal["points", "%"]


class Predicate(TypedDict, total=False):
    """One checkable statement of a claim (every field optional but `recipe`)."""

    kind: str
    recipe: str
    lhs: str
    rhs: str
    op: str
    metric: str
    task: str
    setting: str | None
    lhs_setting: NotRequired[str]
    rhs_setting: NotRequired[str]
    lhs_task: NotRequired[str]
    rhs_task: NotRequired[str]
    pairs: NotRequired[Literal["each"]]
    pair: NotRequired[str]
    qualifier: str | None
    margin: NotRequired[Margin]
    hedge: NotRequired[str]
    source: NotRequired[str]
    parameter: NotRequired[str]
    value: NotRequired[float]


class SpecError(ValueError):
    """A spec that names something no recipe can measure; says which field and why."""


def kind_of(p: dict[str, Any]) -> str:
    """A predicate's kind; an absent kind means comparison."""
    return p.get("kind", "comparison")


def validate(predicates: Any, caps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a spec; raise SpecError naming the predicate and field at fault.

    Returns the predicates with legacy spellings ("≥", "slightly lower but close") replaced
    by the current ones.
    """
    if not isinstance(predicates, list):
        raise SpecError("a spec is a JSON list of predicates")
    out = []
    for i, p in enumerate(predicates):
        where = f"predicate {i}"
        if not isinstance(p, dict):
            raise SpecError(f"{where}: must be an object")
        if p.get("op") in LEGACY_OPS:
            p = {**p, "op": LEGACY_OPS[p["op"]]}
        if p.get("qualifier") in LEGACY_QUALIFIERS:
            p = {**p, "qualifier": LEGACY_QUALIFIERS[p["qualifier"]]}
        _check(p, caps, where)
        out.append(p)
    return out


def _check(p: dict[str, Any], caps: dict[str, dict[str, Any]], where: str) -> None:
    kind = kind_of(p)
    if kind not in KINDS:
        raise SpecError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    recipe = p.get("recipe")
    if recipe not in caps:
        raise SpecError(f"{where}: recipe {recipe!r} is not one of {', '.join(sorted(caps))}")
    table = caps[recipe]
    if kind == "hyperparameter":
        if p.get("parameter") not in table["parameters"]:
            known = ", ".join(sorted(table["parameters"]))
            raise SpecError(f"{where}: unknown parameter {p.get('parameter')!r}; known: {known}")
        _number(p, "value", where)
        return
    if kind == "description":
        return
    for side in ("lhs", "rhs") if kind != "value" else ("lhs",):
        if p.get(side) not in table["systems"]:
            known = ", ".join(sorted(table["systems"]))
            raise SpecError(f"{where}: unknown system {p.get(side)!r} in {side}; known: {known}")
    if p.get("metric") not in table["metrics"]:
        known = ", ".join(sorted(table["metrics"]))
        raise SpecError(f"{where}: unknown metric {p.get('metric')!r}; known: {known}")
    for field_ in ("task", "lhs_task", "rhs_task"):
        if p.get(field_) is not None and p[field_] not in table["tasks"]:
            raise SpecError(f"{where}: unknown task {p[field_]!r} in {field_}")
    for field_ in ("setting", "lhs_setting", "rhs_setting"):
        if p.get(field_) is not None and p[field_] not in table["settings"]:
            raise SpecError(f"{where}: unknown setting {p[field_]!r} in {field_}")
    if kind in ("comparison", "data") and p.get("op") not in OPS[:5]:
        raise SpecError(f"{where}: op {p.get('op')!r} is not one of {' '.join(OPS[:5])}")
    if p.get("qualifier") not in (None, *QUALIFIERS):
        raise SpecError(f"{where}: qualifier {p['qualifier']!r} is not one of {QUALIFIERS}")
    if p.get("margin") is not None:
        margin = p["margin"]
        if not isinstance(margin, dict) or margin.get("unit") not in MARGIN_UNITS:
            raise SpecError(f"{where}: margin must be {{'value': number, 'unit': 'points'|'%'}}")
        _number(margin, "value", f"{where} margin")
    if kind == "value":
        _number(p, "value", where)


def _number(p: dict[str, Any], key: str, where: str) -> None:
    if not isinstance(p.get(key), int | float) or isinstance(p.get(key), bool):
        raise SpecError(f"{where}: {key} must be a number, got {p.get(key)!r}")
