"""Turn claim text into predicates over what the recipes can measure.

A predicate is a dict (stored as JSON on the claim):
- comparison: lhs op rhs on a metric, e.g. {"kind": "comparison", "recipe": "weam",
  "lhs": "mbert+tlm", "op": ">", "rhs": "mbert", "metric": "accuracy", "task": "xnli",
  "setting": "zero-shot", "qualifier": "large margin"}; optional lhs_setting / rhs_setting /
  lhs_task / rhs_task override one side, and "pairs": "each" asks for one test per language
  pair ("consistently") instead of the average.
- value: a claimed number, {"kind": "value", "lhs": system, "metric", "task", "setting",
  "pair", "value"} with the value in the metric's own units (15.7 MRR@10 -> 0.157).
- hyperparameter: {"kind": "hyperparameter", "recipe", "parameter", "value"}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claimlab.claims.canon import fold_latex
from claimlab.runs.recipes import BASELINE, DEFAULT_TASK, TASK_METRIC
from reproductions.common.capabilities import normalise as alias_key

OPS = (">", "<", "≈", "≥")
KINDS = ("comparison", "value", "hyperparameter", "data", "description")
QUALIFIERS = (
    "large margin",
    "significantly",
    "slightly lower but close",
    "similar",
    "almost on par",
    "consistently",
    "not significantly different",
)


class SpecError(ValueError):
    """A spec that names something no recipe can measure; says which field and why."""


@dataclass
class ParsedSpec:
    """The parser's reading of one claim."""

    kind: str
    predicates: list[dict[str, Any]] = field(default_factory=list)
    status: str = "parsed"
    """parsed, needs-spec (measurable-looking but unreadable) or description."""
    note: str = ""


# Cues: (pattern, op, qualifier). Order matters: the first cue found in a clause wins.
_CUES: list[tuple[str, str, str | None]] = [
    (r"slightly lower but (?:is )?close to", "<", "slightly lower but close"),
    (r"not statistically significant", "≈", "not significantly different"),
    (r"almost on par with|on par with", "≈", "almost on par"),
    (r"similar(?: improvements?| performance| results?)?", "≈", "similar"),
    (r"comparabl[ey]", "≈", "similar"),
    (r"without (?:impeding|hurting|harming)|does not hurt|do not hurt", "≥", None),
    (r"(?:is|are) not as good as|falls? behind|lags? behind|underperforms?|worse than", "<", None),
    (r"lower than", "<", None),
    (r"outperform(?:s|ed)?|better than|exceeds?|surpass(?:es|ed)?|higher than", ">", None),
    (r"improves?|improved|boosts?|raises?|helps?|beats?|works? better|performs? better", ">", None),
]
_QUALIFIER_WORDS = [
    (r"by a large margin|substantially|considerably|much (?:higher|better)", "large margin"),
    (r"significantly", "significantly"),
    (r"consistently", "consistently"),
]
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e-?\d+)?"
EXTRA_ALIASES: dict[str, dict[str, dict[str, list[str]]]] = {
    "codeswitch": {
        "systems": {
            "bl-cs": ["code-switched data", "code-switching at training time"],
            "ml-cs": ["one model for multiple language pairs"],
            "translate-test": ["zero-shot translate test", "zero-shot + translate test"],
        },
        "parameters": {"switch_prob": ["translation with a probability"]},
    },
    "weam": {
        "systems": {"mbert+tlm": ["a model further pre-trained on parallel data"]},
        "parameters": {"weam_lambda": ["with a weight", "λ", "value of λ"]},
    },
}
"""Wordings seen in reviews that the recipes' own alias lists do not cover."""
_OTHERS = re.compile(r"\bother (?:approaches|systems|models|methods)\b", re.I)
_VERSUS = re.compile(r"\b(?:versus|vs\.?|compared to|compared with)\b", re.I)
_DIFFERENCE = re.compile(r"\+\d|\b(?:gaps?|gains?|improvements?|drops?)\b", re.I)
_DESCRIPTION = re.compile(
    r"\b(?:is|are) an? (?:cheap |simple )?(?:method|way|technique|approach)\b|\buses\b|"
    r"\bbiases\b|\bperforms? (?:\w+ )?prediction",
    re.I,
)
_UNSUPPORTED = re.compile(r"ML-CS\s*\+?\s*Translate Test|Wiki-CS\s*\+?\s*Translate Test", re.I)
_DATA = re.compile(r"(?:(shorter)|longer) input (?:sequences?|lengths?|texts?)", re.I)
_SPLIT = re.compile(r",? and also |; |, while |, whereas ")


def _alias_patterns(
    table: dict[str, Any], kind: str, extra: dict[str, list[str]]
) -> list[tuple[re.Pattern[str], str]]:
    """Regexes for every name and alias of `kind` (plus claimlab's extra ones), longest first."""
    out = []
    for name, entry in table[kind].items():
        for alias in {name, *entry.get("aliases", []), *extra.get(name, [])}:
            if len(alias_key(alias)) < 2 and not (len(alias) == 1 and not alias.isascii()):
                continue  # one-letter ASCII aliases ("p") match too much; Greek letters do not
            body = re.escape(alias).replace(r"\ ", r"[\s-]?").replace(r"\-", r"[\s-]?")
            out.append((re.compile(rf"(?<![\w+-]){body}(?![\w+-])", re.I), name, len(alias)))
    out.sort(key=lambda x: -x[2])
    return [(p, n) for p, n, _ in out]


@dataclass
class _Mention:
    name: str
    start: int
    end: int


def _find(text: str, patterns: list[tuple[re.Pattern[str], str]]) -> list[_Mention]:
    """Non-overlapping mentions, longest alias first, in text order."""
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, name in patterns:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(_Mention(name, m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    op: str
    qualifier: str | None


def _cues(text: str) -> list[_Cue]:
    """Every comparison cue in `text`, non-overlapping, in text order."""
    hits: list[_Cue] = []
    for pattern, op, qualifier in _CUES:
        for m in re.finditer(rf"\b{pattern}\b", text, re.I):
            if not any(m.start() < h.end and h.start < m.end() for h in hits):
                hits.append(_Cue(m.start(), m.end(), op, qualifier))
    return sorted(hits, key=lambda h: h.start)


@dataclass
class _Context:
    """What the whole claim says, for segments that leave it out."""

    settings: list[str]
    tasks: list[str]
    qualifiers: list[str]
    truncated: bool = False
    subject: list[str] = field(default_factory=list)


class SpecParser:
    """Parses claim text with the recipes' capability tables."""

    def __init__(self, caps: dict[str, dict[str, Any]]) -> None:
        self.caps = caps
        self.patterns = {
            recipe: {
                kind: _alias_patterns(table, kind, EXTRA_ALIASES.get(recipe, {}).get(kind, {}))
                for kind in ("systems", "tasks", "settings", "metrics", "parameters")
            }
            for recipe, table in caps.items()
        }

    def parse(self, text: str, truncated: bool = False) -> ParsedSpec:
        """Predicates of `text`, or a needs-spec / description result."""
        text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text)  # "Zero-shotTranslate" glued words
        text = fold_latex(text)
        recipe = self._recipe(text)
        if _UNSUPPORTED.search(text):
            return ParsedSpec(
                "comparison", status="needs-spec", note="names a system no recipe runs"
            )
        if recipe is None:
            return ParsedSpec("description", status="description", note="names nothing measurable")
        params = self._hyperparameters(recipe, text)
        cue = self._first_cue(text)
        if recipe == "weam" and _DATA.search(text):
            found = self._data(recipe, text, "<" if _DATA.search(text).group(1) else ">")
            if found:
                return ParsedSpec("data", found)
        if params and cue is None:
            return ParsedSpec("hyperparameter", params)
        if cue is None:
            if _DESCRIPTION.search(text):
                return ParsedSpec("description", status="description", note="describes a method")
            if _DIFFERENCE.search(text):
                return ParsedSpec(
                    "value", status="needs-spec", note="claims a change in scores; set by hand"
                )
            values = self._values(recipe, text)
            if values:
                return ParsedSpec("value", values)
            kinds = self.patterns[recipe]
            if _find(text, kinds["systems"]) or _find(text, kinds["metrics"]):
                return ParsedSpec("comparison", status="needs-spec", note="no comparison cue read")
            return ParsedSpec(
                "description", status="description", note="no comparison, number or setting"
            )
        predicates = _dedupe(self._comparisons(recipe, text, truncated))
        if not predicates:
            return ParsedSpec(
                "comparison", status="needs-spec", note="could not tell what is compared"
            )
        kind = "data" if any(p["kind"] == "data" for p in predicates) else "comparison"
        return ParsedSpec(kind, predicates)

    def _recipe(self, text: str) -> str | None:
        """The recipe whose distinctive names the text mentions most.

        A mention is distinctive when no other recipe's names cover the same words as fully
        ("zero-shot" is a WEAM setting and a retrieval system, so it decides nothing; the
        longer "code-switched fine-tuning" beats the "fine-tuning" inside it).
        """
        found = {
            recipe: [
                (kind, m)
                for kind in ("systems", "tasks", "settings", "metrics", "parameters")
                for m in _find(text, kinds[kind])
            ]
            for recipe, kinds in self.patterns.items()
        }
        scores = {}
        for recipe, mentions in found.items():
            others = [m for r, ms in found.items() if r != recipe for _, m in ms]
            distinct = [
                (kind, m)
                for kind, m in mentions
                if not any(
                    o.start < m.end and m.start < o.end and o.end - o.start >= m.end - m.start
                    for o in others
                )
            ]
            # Longer names weigh more: "masking probability" says more than "steps".
            scores[recipe] = sum(
                (0.3 if k == "settings" else 1.0) * max(1.0, (m.end - m.start) / 8)
                for k, m in distinct
            )
            scores[recipe] += 0.1 * len(mentions)
        best = max(scores, key=scores.get) if scores else None
        return best if best and scores[best] >= 1 else None

    def _first_cue(self, text: str) -> _Cue | None:
        cues = _cues(text)
        return cues[0] if cues else None

    def _hyperparameters(self, recipe: str, text: str) -> list[dict[str, Any]]:
        out = []
        for m in _find(text, self.patterns[recipe]["parameters"]):
            tail = text[m.end : m.end + 30]
            num = re.match(rf"\s*(?:is\s+|was\s+)?(?:set\s+)?(?:to|of|=|:|is)\s+({_NUMBER})", tail)
            if num:
                value = float(num.group(1))
                out.append(
                    {
                        "kind": "hyperparameter",
                        "recipe": recipe,
                        "parameter": m.name,
                        "value": int(value) if value.is_integer() else value,
                    }
                )
        return out

    def _values(self, recipe: str, text: str) -> list[dict[str, Any]]:
        """Claimed numbers followed by a metric ("15.7 MRR@10")."""
        out = []
        for m in _find(text, self.patterns[recipe]["metrics"]):
            num = re.search(rf"({_NUMBER})\s*$", text[: m.start])
            if not num:
                continue
            scale = self.caps[recipe]["metrics"][m.name].get("details", {}).get("paper_scale", 1)
            settings = _find(text, self.patterns[recipe]["settings"])
            out.append(
                {
                    "kind": "value",
                    "recipe": recipe,
                    "lhs": BASELINE[recipe],
                    "metric": m.name,
                    "task": DEFAULT_TASK[recipe],
                    "setting": settings[0].name if settings else None,
                    "value": float(num.group(1)) / scale,
                }
            )
        return out

    def _comparisons(self, recipe: str, text: str, truncated: bool) -> list[dict[str, Any]]:
        """One segment per cue: systems before it are compared with systems after it."""
        kinds = self.patterns[recipe]
        context = _Context(
            settings=[m.name for m in _find(text, kinds["settings"])],
            tasks=[m.name for m in _find(text, kinds["tasks"])],
            qualifiers=[q for pat, q in _QUALIFIER_WORDS if re.search(pat, text, re.I)],
            truncated=truncated,
        )
        out: list[dict[str, Any]] = []
        for clause in _SPLIT.split(text):
            cues = _cues(clause)
            for k, cue in enumerate(cues):
                start = cues[k - 1].end if k else 0
                stop = cues[k + 1].start if k + 1 < len(cues) else len(clause)
                left, right = clause[start : cue.start], clause[cue.end : stop]
                out.extend(self._segment(recipe, left, right, cue, context))
                context.subject = [x.name for x in _find(left, kinds["systems"])] or context.subject
        return out

    def _segment(
        self, recipe: str, left: str, right: str, cue: _Cue, ctx: _Context
    ) -> list[dict[str, Any]]:
        """Predicates of one cue given the text before and after it."""
        kinds = self.patterns[recipe]
        both = f"{left} {right}"
        if (vs := _VERSUS.search(left)) and not _find(right, kinds["systems"]):
            left, right = left[: vs.start()], left[vs.end() :] + right
        lhs = _names(_find(left, kinds["systems"])) or ctx.subject
        rhs = _names(_find(right, kinds["systems"]))
        if _OTHERS.search(right):
            rhs = [s for s in self.caps[recipe]["systems"] if s not in lhs]
        if not rhs and ctx.truncated and right.strip() and not _find(right, kinds["settings"]):
            return []  # the object of the comparison was cut off
        if not lhs and not rhs:
            return self._setting_comparison(recipe, left, right, cue)
        settings = (
            [x.name for x in _find(right, kinds["settings"])]
            or [x.name for x in _find(left, kinds["settings"])]
            or ctx.settings
        )
        tasks = [x.name for x in _find(both, kinds["tasks"])] or ctx.tasks
        task = tasks[0] if tasks else DEFAULT_TASK[recipe]
        if recipe == "weam" and (task == "stats" or re.search(r"input (?:sequence|length)", both)):
            return self._data(recipe, both, cue.op)
        if not lhs:
            return []
        quals = [q for q in [cue.qualifier, *ctx.qualifiers] if q]
        base = {
            "kind": "comparison",
            "recipe": recipe,
            "op": cue.op,
            "metric": TASK_METRIC.get(task, "accuracy"),
            "task": task,
            "qualifier": next((q for q in quals if q != "consistently"), None),
        }
        if "consistently" in quals:
            base["pairs"] = "each"
        return self._expand(recipe, base, lhs, rhs, settings, right)

    def _setting_comparison(self, recipe: str, left: str, right: str, cue: _Cue) -> list[dict]:
        """ "MoIR is higher than CLIR and MLIR": the baseline system across settings."""
        kinds = self.patterns[recipe]
        lhs_settings = _names(_find(left, kinds["settings"]))
        rhs_settings = _names(_find(right, kinds["settings"]))
        if len(lhs_settings) != 1 or not rhs_settings:
            return []
        quals = [q for pat, q in _QUALIFIER_WORDS if re.search(pat, left + right, re.I)]
        system = BASELINE[recipe]
        return [
            {
                "kind": "comparison",
                "recipe": recipe,
                "lhs": system,
                "rhs": system,
                "op": cue.op,
                "metric": TASK_METRIC[DEFAULT_TASK[recipe]],
                "task": DEFAULT_TASK[recipe],
                "setting": lhs_settings[0],
                "rhs_setting": other,
                "qualifier": next((q for q in quals if q != "consistently"), None),
            }
            for other in rhs_settings
        ]

    def _expand(self, recipe, base, lhs, rhs, settings, right) -> list[dict[str, Any]]:
        """One predicate per (lhs, rhs, setting), with the translate-train object and defaults."""
        rhs_setting = None
        if recipe == "weam" and not rhs and re.search(r"translate[\s-]?train", right, re.I):
            rhs, rhs_setting = [BASELINE[recipe]], "translate-train"
            settings = [s for s in settings if s != "translate-train"] or ["zero-shot"]
        if not rhs:
            rhs = [BASELINE[recipe]]
        if not settings:
            if recipe != "weam":
                return []
            settings = ["zero-shot"]
        out = []
        if base["op"] == "≈" and base["qualifier"] == "similar" and len(lhs) > 1:
            # "A and B achieved similar improvements compared to C": A > C, B > C, A ≈ B.
            for setting in settings:
                for system in lhs:
                    for other in rhs:
                        if other not in lhs:
                            out.append(
                                {
                                    **base,
                                    "op": ">",
                                    "qualifier": None,
                                    "lhs": system,
                                    "rhs": other,
                                    "setting": setting,
                                }
                            )
                out.append({**base, "lhs": lhs[0], "rhs": lhs[1], "setting": setting})
            return out
        for setting in settings:
            for a in lhs:
                for b in rhs:
                    if a == b and not rhs_setting:
                        continue
                    pred = {**base, "lhs": a, "rhs": b, "setting": setting}
                    if rhs_setting:
                        pred["rhs_setting"] = rhs_setting
                    out.append(pred)
        return out

    def _data(self, recipe: str, clause: str, op: str) -> list[dict[str, Any]]:
        """Data-property comparisons ("XNLI has shorter input sequences than MLQA")."""
        tasks = [m.name for m in _find(clause, self.patterns[recipe]["tasks"]) if m.name != "stats"]
        if not tasks:
            return []
        other = [t for t in ("xnli", "mlqa") if t not in tasks]
        rhs = tasks[1] if len(tasks) > 1 else (other[0] if other else None)
        if rhs is None:
            return []
        shorter = re.search(r"shorter|fewer|less", clause, re.I)
        return [
            {
                "kind": "data",
                "recipe": recipe,
                "lhs": BASELINE[recipe],
                "lhs_task": tasks[0],
                "rhs": BASELINE[recipe],
                "rhs_task": rhs,
                "op": "<" if shorter else ">",
                "metric": "mean_tokens",
                "task": "stats",
                "setting": None,
                "qualifier": None,
            }
        ]


def _names(mentions: list[_Mention]) -> list[str]:
    """Distinct names in text order."""
    return list(dict.fromkeys(m.name for m in mentions))


def _dedupe(predicates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for p in predicates:
        key = tuple(sorted((k, str(v)) for k, v in p.items()))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def validate(predicates: Any, caps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a hand-written spec; raise SpecError naming the predicate and field at fault."""
    if not isinstance(predicates, list):
        raise SpecError("a spec is a JSON list of predicates")
    for i, p in enumerate(predicates):
        where = f"predicate {i}"
        if not isinstance(p, dict):
            raise SpecError(f"{where}: must be an object")
        kind = p.get("kind", "comparison")
        if kind not in KINDS:
            raise SpecError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        recipe = p.get("recipe")
        if recipe not in caps:
            raise SpecError(f"{where}: recipe {recipe!r} is not one of {', '.join(sorted(caps))}")
        table = caps[recipe]
        if kind == "hyperparameter":
            if p.get("parameter") not in table["parameters"]:
                known = ", ".join(sorted(table["parameters"]))
                raise SpecError(
                    f"{where}: unknown parameter {p.get('parameter')!r}; known: {known}"
                )
            _number(p, "value", where)
            continue
        if kind == "description":
            continue
        for side in ("lhs", "rhs") if kind != "value" else ("lhs",):
            if p.get(side) not in table["systems"]:
                known = ", ".join(sorted(table["systems"]))
                raise SpecError(
                    f"{where}: unknown system {p.get(side)!r} in {side}; known: {known}"
                )
        if p.get("metric") not in table["metrics"]:
            known = ", ".join(sorted(table["metrics"]))
            raise SpecError(f"{where}: unknown metric {p.get('metric')!r}; known: {known}")
        for field_ in ("task", "lhs_task", "rhs_task"):
            if p.get(field_) is not None and p[field_] not in table["tasks"]:
                raise SpecError(f"{where}: unknown task {p[field_]!r} in {field_}")
        for field_ in ("setting", "lhs_setting", "rhs_setting"):
            if p.get(field_) is not None and p[field_] not in table["settings"]:
                raise SpecError(f"{where}: unknown setting {p[field_]!r} in {field_}")
        if kind in ("comparison", "data") and p.get("op") not in OPS:
            raise SpecError(f"{where}: op {p.get('op')!r} is not one of {' '.join(OPS)}")
        if p.get("qualifier") not in (None, *QUALIFIERS):
            raise SpecError(f"{where}: qualifier {p['qualifier']!r} is not one of {QUALIFIERS}")
        if kind == "value":
            _number(p, "value", where)
    return predicates


def _number(p: dict[str, Any], key: str, where: str) -> None:
    if not isinstance(p.get(key), int | float) or isinstance(p.get(key), bool):
        raise SpecError(f"{where}: {key} must be a number, got {p.get(key)!r}")
