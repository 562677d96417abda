"""Reading comparison sentences clause by clause: cues, negation, passive voice, scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claimlab.claims import cues as C
from claimlab.claims.facts import Facts, Unreadable
from claimlab.claims.mentions import Mention, Text, find, names
from claimlab.claims.numbers import parse_number, tidy

_NEGATED = {">": "<=", "<": ">="}
_FRAGMENT_WORDS = frozenset(
    "but and also not in on for the setting settings both either too as well of at".split()
)


@dataclass(frozen=True)
class Cue:
    """A comparison phrase found at text[start:end]."""

    start: int
    end: int
    rule: C.CueRule
    negated: bool = False


@dataclass
class _Context:
    """What earlier statements of the claim said, for later ones that leave it out."""

    subject: list[str] = field(default_factory=list)
    object: list[str] = field(default_factory=list)
    adjunct_settings: list[str] = field(default_factory=list)
    last: list[dict[str, Any]] = field(default_factory=list)
    last_start: int = 0


class Reading:
    """One claim's comparison cues and, on demand, its predicates."""

    def __init__(self, facts: Facts, t: Text, truncated: bool) -> None:
        self.f, self.t, self.s, self.truncated = facts, t, t.text, truncated
        self.systems = find(self.s, facts.patterns["systems"])
        self.cues = self._cues(0, len(self.s))

    def _cues(self, start: int, end: int) -> list[Cue]:
        hits: list[Cue] = []
        for rule in C.CUES:
            for m in re.finditer(rf"\b(?:{rule.pattern})\b", self.s[:end], re.I):
                if m.start() < start or any(m.start() < h.end and h.start < m.end() for h in hits):
                    continue
                if any(m.start() < x.end and x.start < m.end() for x in self.systems):
                    continue  # a word inside a system's name ("one model for multiple pairs")
                neg = bool(m.groupdict().get("neg"))
                hits.append(Cue(m.start(), m.end(), rule, neg))
        return sorted(hits, key=lambda h: h.start)

    def _in(self, kind: str, start: int, end: int) -> list[Mention]:
        return find(self.s, self.f.patterns[kind], start, end)

    def predicates(self) -> list[dict[str, Any]]:
        """Every predicate of the claim, clause by clause."""
        s, ctx, out = self.s, _Context(), []
        splits = [
            m
            for m in C.CLAUSE.finditer(s)
            if not any(c.start < m.end() and m.start() < c.end for c in self.cues)
        ]
        bounds = [0, *(x for m in splits for x in (m.start(), m.end())), len(s)]
        clauses = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
        for k, (start, end) in enumerate(clauses):
            last_clause = k == len(clauses) - 1
            cues = [c for c in self.cues if start <= c.start and c.end <= end]
            if not cues:
                if not (self.truncated and last_clause):
                    out.extend(self._fragment(start, end, ctx))
                continue
            for i, cue in enumerate(cues):
                subj_start = start if i == 0 else self._boundary(cues[i - 1], cue)[1]
                obj_end = self._boundary(cue, cues[i + 1])[0] if i + 1 < len(cues) else end
                final = last_clause and i == len(cues) - 1
                out.extend(self._statement(subj_start, cue, obj_end, ctx, final))
        return _dedupe(out)

    def _boundary(self, prev: Cue, cue: Cue) -> tuple[int, int]:
        """Where one statement's object ends and the next one's subject starts."""
        if cue.rule.leads:
            return cue.start, cue.start
        joins = list(C.JOIN.finditer(self.s, prev.end, cue.start))
        if not joins:
            raise Unreadable(f"two comparisons in one clause: {self.s[prev.start : cue.end]!r}")
        return joins[-1].start(), joins[-1].end()

    def _negated(self, subj_start: int, cue: Cue, obj_end: int, subj: list[Mention]) -> bool:
        """Whether the statement negates its cue ("does not", "fails to", "neither ... nor")."""
        s = self.s
        window_start = subj[-1].end if subj else subj_start
        window = s[window_start : cue.start]
        hits = list(C.NEGATION.finditer(window))
        neg = cue.negated
        if hits:
            if cue.rule.fixed or neg or len(hits) > 1:
                raise Unreadable(f"a double negation: {s[subj_start:obj_end]!r}")
            before, after = window[: hits[0].start()], window[hits[0].end() :]
            if not (C.VERB_GROUP.match(before) and C.VERB_GROUP.match(after)):
                raise Unreadable(f"a negation the parser cannot scope: {window.strip()!r}")
            neg = True
        first = subj[0].start if subj else cue.start
        if C.NEITHER.search(s, subj_start, first) or re.match(
            r"\s*(?:neither|none of)\b", s[cue.end : obj_end], re.I
        ):
            if neg or cue.rule.fixed:
                raise Unreadable(f"a double negation: {s[subj_start:obj_end]!r}")
            neg = True
        elsewhere = s[subj_start:window_start] + " " + s[cue.end : obj_end]
        if C.NEITHER.search(s, cue.end, obj_end) and not re.match(
            r"\s*(?:neither|none of)\b", s[cue.end : obj_end], re.I
        ):
            raise Unreadable(f"a 'neither' the parser cannot scope: {s[subj_start:obj_end]!r}")
        if C.NEGATION.search(elsewhere):
            raise Unreadable(f"a negation the parser cannot scope: {s[subj_start:obj_end]!r}")
        return neg

    def _statement(
        self, subj_start: int, cue: Cue, obj_end: int, ctx: _Context, final: bool
    ) -> list[dict[str, Any]]:
        """Predicates of one subject-cue-object statement."""
        s, f = self.s, self.f
        spans = [(c.start, c.end) for c in self.cues if subj_start <= c.start < obj_end]
        rest = "".join(
            " " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(s[:obj_end])
        )[subj_start:]
        if m := C.COMPARATIVE.search(rest):
            raise Unreadable(f"a comparison word the parser does not read: {m.group()!r}")
        subj_m = self._in("systems", subj_start, cue.start)
        obj_m = self._in("systems", cue.end, obj_end)
        where = repr(s[subj_start:obj_end].strip())
        if not cue.rule.passive and (
            C.PARTICIPLE.search(s[cue.start : cue.end])
            and C.AUXILIARY.search(s[subj_start : cue.start])
        ):
            raise Unreadable(f"a passive voice the parser does not read: {where}")
        for a, b, found in ((subj_start, cue.start, subj_m), (cue.end, obj_end, obj_m)):
            inner = [x for x in self._in("settings", a, b) if found and found[0].end < x.start]
            if any(x.end < found[-1].start for x in inner):
                raise Unreadable(f"settings attached to single systems: {where}")
        if len(list(C.MARGIN.finditer(s, subj_start, obj_end))) > 1:
            raise Unreadable(f"several sizes in one comparison: {where}")
        neg = self._negated(subj_start, cue, obj_end, subj_m)
        lhs, rhs = names(subj_m), names(obj_m)
        if not rhs and lhs and (vs := C.VERSUS.search(s, subj_start, cue.start)):
            before = names(self._in("systems", subj_start, vs.start()))
            after_end = s.find(",", vs.end(), cue.start)
            after_end = cue.start if after_end < 0 else after_end
            after = names(self._in("systems", vs.end(), after_end))
            rest = names(self._in("systems", after_end, cue.start))
            lhs, rhs = (before, after) if before else (rest, after)
        elif not rhs and len(lhs) > 1 and cue.rule.op == "≈" and not cue.rule.gains:
            lhs, rhs = lhs[:1], lhs[1:]
        if C.OTHERS.search(s, subj_start, obj_end):
            raise Unreadable(f"'other systems' does not say which: {s[subj_start:obj_end]!r}")
        subj_set = names(self._in("settings", subj_start, cue.end))
        obj_set = names(self._in("settings", cue.end, obj_end))
        carried = not lhs
        if carried and C.RELATIVE.search(s[subj_start : cue.start]):
            raise Unreadable(f"a relative clause: {s[subj_start:obj_end].strip()!r}")
        if carried:
            lhs = list(ctx.subject)
        if not lhs:
            return self._setting_comparison(subj_start, cue, obj_end, neg)
        if final and self.truncated and not obj_m:
            return []  # the object of the comparison was cut off
        settings, rhs_setting = _merge(subj_set, obj_set), None
        if not rhs:
            if carried and ctx.object:
                rhs = list(ctx.object)
            elif obj_set and not cue.rule.effect:  # "close to the translate-train score"
                rhs, rhs_setting = [f.baseline()], obj_set[0]
                settings = _merge(subj_set, self._own_setting(cue.end, obj_end, obj_set))
            elif cue.rule.effect:
                rhs = [f.baseline()]
            else:
                raise Unreadable(f"names nothing to compare with: {s[subj_start:obj_end]!r}")
        elif subj_set and obj_set and set(subj_set) != set(obj_set):
            # "zero-shot X is close to translate-train Y": each side in its own setting
            if len(subj_set) > 1 or len(obj_set) > 1:
                raise Unreadable(f"settings the parser cannot pair: {s[subj_start:obj_end]!r}")
            own, other = (obj_set, subj_set) if cue.rule.passive else (subj_set, obj_set)
            settings, rhs_setting = own, other[0]
        if C.ALL_SETTINGS.search(s, subj_start, obj_end):
            settings = list(f.table["settings"])
        if subj_start == 0:
            first = subj_m[0].start if subj_m else cue.start
            ctx.adjunct_settings = names(self._in("settings", 0, first))
        if not settings and ctx.last and re.search(r"\bthere\b", s[subj_start:obj_end], re.I):
            settings = names([*self._in("settings", ctx.last_start, subj_start)])
        if not settings:
            if final and self.truncated:
                return []  # the setting may have been cut off
            where = repr(s[subj_start:obj_end].strip())
            settings = ctx.adjunct_settings or [f.default_setting(where)]
        if rhs_setting in settings:
            raise Unreadable(f"compares a setting with itself: {s[subj_start:obj_end]!r}")
        if cue.rule.passive:
            lhs, rhs = rhs, lhs
        ctx.subject, ctx.object = (rhs, lhs) if cue.rule.passive else (lhs, rhs)
        base = self._base(subj_start, cue, obj_end, neg)
        out = []
        task = f.task_of(s, subj_start, obj_end)
        base["metric"] = self._metric(task, subj_start, obj_end)
        for setting in settings:
            if cue.rule.gains:
                out.extend(self._gains(base, lhs, rhs, task, setting))
                continue
            for a in lhs:
                for b in rhs:
                    if a == b and not rhs_setting:
                        continue
                    p = {**base, "lhs": a, "rhs": b, "task": task, "setting": setting}
                    if rhs_setting:
                        p["rhs_setting"] = rhs_setting
                    out.append(_ordered(p))
        ctx.last, ctx.last_start = out, subj_start
        return out

    def _own_setting(self, start: int, end: int, obj_set: list[str]) -> list[str]:
        """The subject's setting named after the object: "... even with zero-shot training"."""
        if len(obj_set) == 1:
            return []
        mentions = self._in("settings", start, end)
        if len(obj_set) == 2 and re.search(
            r"\b(?:with|in|under|using)\s+(?:the\s+)?$", self.s[: mentions[-1].start]
        ):
            return [mentions[-1].name]
        raise Unreadable(f"compares with several settings: {self.s[start:end].strip()!r}")

    def _metric(self, task: str, start: int, end: int) -> str:
        """The task's metric, or the one score metric the statement names."""
        named = [
            m
            for m in names(self._in("metrics", start, end))
            if self.f.table["metrics"][m].get("details", {}).get("higher_is_better")
        ]
        return named[0] if len(named) == 1 else self.f.metric(task)

    def _base(self, start: int, cue: Cue, end: int, neg: bool) -> dict[str, Any]:
        """Op, qualifier, margin, hedge and source of a statement."""
        s = self.s
        text = s[start:end]
        if cue.rule.qualifier:  # the cue's own words are not read again as qualifiers
            a, b = cue.start - start, cue.end - start
            text = text[:a] + " " * (b - a) + text[b:]
        quals = {q for pattern, q in C.QUALIFIER_WORDS if pattern.search(text)}
        if cue.rule.qualifier:
            quals.add(cue.rule.qualifier)
        base: dict[str, Any] = {"kind": "comparison", "recipe": self.f.recipe, "op": cue.rule.op}
        margin = self._margin(start, end)
        if margin:
            base["margin"] = margin
        if hedge := C.HEDGE.search(text):
            base["hedge"] = hedge.group().lower()
        base["qualifier"] = _qualifier(quals, base)
        base["source"] = self.t.source(start, end)
        return _negate(base) if neg else base

    def _margin(self, start: int, end: int) -> dict[str, Any] | None:
        m = C.MARGIN.search(self.s, start, end) or C.MARGIN_BEFORE.search(self.s, start, end)
        if m is None or m.groupdict().get("up"):
            return None
        value = parse_number(m.group("num").rstrip(".,"))
        if value is None:
            raise Unreadable(f"a size the parser cannot read: {m.group()!r}")
        if not m.group("unit"):
            raise Unreadable(f"a size without a unit: {m.group().strip()!r}")
        unit = "%" if m.group("unit").lower() in ("%", "percent") else "points"
        return {"value": tidy(abs(value)), "unit": unit}

    def _gains(self, base, lhs, rhs, task, setting) -> list[dict[str, Any]]:
        """ "A and B achieved similar improvements over C": A > C, B > C, and A ≈ B."""
        if len(lhs) != 2 or not rhs:
            raise Unreadable("'similar improvements' needs two systems and what they improve on")
        common = {**base, "task": task, "setting": setting}
        out = [
            _ordered({**common, "op": ">", "qualifier": None, "lhs": a, "rhs": b})
            for a in lhs
            for b in rhs
            if b not in lhs
        ]
        return [*out, _ordered({**common, "lhs": lhs[0], "rhs": lhs[1]})]

    def _setting_comparison(self, start, cue, end, neg) -> list[dict[str, Any]]:
        """ "MoIR is higher than CLIR and MLIR": the baseline system across settings."""
        lhs_settings = names(self._in("settings", start, cue.start))
        rhs_settings = names(self._in("settings", cue.end, end))
        if cue.rule.passive:
            lhs_settings, rhs_settings = rhs_settings, lhs_settings
        if len(lhs_settings) != 1 or not rhs_settings:
            raise Unreadable(f"names no system: {self.s[start:end]!r}")
        named = names(self._in("systems", start, end))
        if len(named) > 1:
            raise Unreadable(f"compares settings of several systems: {self.s[start:end]!r}")
        base = self._base(start, cue, end, neg)
        task = self.f.task_of(self.s, start, end)
        system = named[0] if named else self.f.baseline()
        return [
            _ordered(
                {
                    **base,
                    "lhs": system,
                    "rhs": system,
                    "metric": self._metric(task, start, end),
                    "task": task,
                    "setting": lhs_settings[0],
                    "rhs_setting": other,
                }
            )
            for other in rhs_settings
            if other != lhs_settings[0]
        ]

    def _fragment(self, start: int, end: int, ctx: _Context) -> list[dict[str, Any]]:
        """A clause without a cue: "... but not in CLIR" repeats the last statement there."""
        s = self.s
        mentions = [
            m for kind in ("systems", "settings", "tasks") for m in self._in(kind, start, end)
        ]
        neg = bool(C.NEGATION.search(s, start, end))
        if not mentions:
            if neg:
                raise Unreadable(f"a negation the parser cannot scope: {s[start:end]!r}")
            return []
        rest = s[start:end]
        for m in sorted(mentions, key=lambda m: -m.start):
            rest = rest[: m.start - start] + " " + rest[m.end - start :]
        words = set(re.findall(r"[a-z]+", rest.lower()))
        systems = self._in("systems", start, end)
        if systems or not words <= _FRAGMENT_WORDS or not ctx.last:
            raise Unreadable(f"a clause without a comparison word: {s[start:end].strip()!r}")
        settings = names(self._in("settings", start, end))
        tasks = names(self._in("tasks", start, end))
        source = self.t.source(ctx.last_start, end)
        out = []
        for p in ctx.last:
            for setting in settings or [p["setting"]]:
                for task in tasks or [p["task"]]:
                    q = {**p, "setting": setting, "task": task, "source": source}
                    if task != p["task"]:
                        q["metric"] = self.f.metric(task)
                    out.append(_ordered(_negate(q) if neg else q))
        return out


def _merge(a: list[str], b: list[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _qualifier(quals: set[str], base: dict[str, Any]) -> str | None:
    """The one qualifier of a statement; "consistently" also asks for one test per pair."""
    if "consistently" in quals:
        base["pairs"] = "each"
    other = sorted(quals - {"consistently"})
    if len(other) > 1:
        raise Unreadable(f"several qualifiers at once ({', '.join(other)})")
    return other[0] if other else ("consistently" if quals else None)


def _negate(p: dict[str, Any]) -> dict[str, Any]:
    """The predicate of a negated statement; "not significantly better" is "<=" alone."""
    if p["op"] not in _NEGATED:
        raise Unreadable(f"a negated {p['op']!r} says neither side is better: {p['source']!r}")
    if p.get("qualifier") not in (None, "significantly"):
        raise Unreadable(f"a negated qualifier ({p['qualifier']}): {p['source']!r}")
    if p.get("margin"):
        raise Unreadable(f"a negated size: {p['source']!r}")
    if p.get("pairs"):
        raise Unreadable(f"a negated 'consistently': {p['source']!r}")
    return {**p, "op": _NEGATED[p["op"]], "qualifier": None}


_ORDER = (
    "kind recipe lhs op rhs metric task setting lhs_setting rhs_setting lhs_task rhs_task "
    "pairs qualifier margin hedge source"
).split()


def _ordered(p: dict[str, Any]) -> dict[str, Any]:
    return {k: p[k] for k in sorted(p, key=lambda k: _ORDER.index(k) if k in _ORDER else 99)}


def _dedupe(predicates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for p in predicates:
        key = tuple(sorted((k, str(v)) for k, v in p.items() if k != "source"))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
