"""Records in words: verdict badges, claimed vs measured, predicates; shared by CLI and app."""

from __future__ import annotations

import json
from typing import Any

from claimlab.claims.predicates import kind_of
from claimlab.records import PROFILES, JobView

ICONS = {
    "supported": "✅",
    "refuted": "❌",
    "inconclusive": "❔",
    "uninformative": "🫥",
    "invalid measurement": "⚠️",
    "not run": "⏳",
    "cannot run at this profile": "🚫",
}

PROFILE_NOTES = {
    "smoke": "smoke: a pipeline check on generated data; says nothing about the paper.",
    "mini": (
        "mini: evidence about the method's direction at small scale on a stand-in task, "
        "never “reproduced as published”."
    ),
    "paper": "paper: the paper's own model and data.",
}


def badge(state: str | None) -> str:
    """A verdict state with its icon, e.g. '✅ supported'; '' for no verdict."""
    return f"{ICONS.get(state, '•')} {state}" if state else ""


def confidence_range(lo: float | None, hi: float | None) -> str:
    """'0.70–0.90', or '' without mentions."""
    return f"{lo:.2f}–{hi:.2f}" if lo is not None and hi is not None else ""


def claimed_vs_measured(verdicts: list[dict[str, Any]], profile: str | None = None) -> str:
    """'claimed X; measured Y' for the verdict at `profile` (default: the largest profile run)."""
    by_profile = {v["profile"]: v for v in verdicts}
    order = [profile] if profile else list(reversed(PROFILES))
    verdict = next((by_profile[p] for p in order if p in by_profile), None)
    if verdict is None or not verdict.get("predicates"):
        return ""
    parts = [f"{_claimed_text(rec)} → {measured_text(rec)}" for rec in verdict["predicates"][:2]]
    more = len(verdict["predicates"]) - 2
    stand_in = ", ".join(stand_ins(verdict))
    label = verdict["profile"] + (f", stand-in: {stand_in}" if stand_in else "")
    return f"[{label}] " + "; ".join(parts) + (f"; +{more} more" if more > 0 else "")


def verdict_label(verdict: dict[str, Any]) -> str:
    """'mini ✅ supported (stand-in: ...)': a verdict named with its profile and stand-in."""
    stand_in = ", ".join(stand_ins(verdict))
    text = f"{verdict['profile']} {badge(verdict['state'])}"
    return text + (f" (stand-in: {stand_in})" if stand_in else "")


def _claimed_text(rec: dict[str, Any]) -> str:
    claimed = rec.get("claimed")
    return f"claimed {claimed}" if claimed is not None else "claimed ?"


def measured_text(rec: dict[str, Any]) -> str:
    """A predicate record's measured numbers in a few words."""
    m = rec.get("measured")
    if not m:
        return rec.get("state", "")
    if "paper_config" in m:
        return hyperparameter_text(m)
    if "mean" in m:
        return number(m["mean"]) + f" (n={m['n']})"
    checks = list(m.items())
    label, first = checks[0]
    if "lhs" in first:
        text = f"{number(first['lhs']['mean'])} vs {number(first['rhs']['mean'])}"
        text += f" (n={first['lhs']['n']}"
    elif first.get("mean") is not None:
        text = f"{number(first['mean'])} (n={first['n']}"
    else:
        return first.get("state", "")
    text += f", {label})" if len(checks) == 1 else f", {label}; {len(checks)} checks)"
    return text


def measured_detail(rec: dict[str, Any]) -> str:
    """A predicate record's measured numbers per check, for `claims show`."""
    measured = rec.get("measured")
    if not measured:
        return "-"
    if "paper_config" in measured:
        return hyperparameter_text(measured)
    if "mean" in measured:
        return f"{measured['mean']:.4f} over {measured['n']} seed(s)"
    parts = []
    for label, m in measured.items():
        if "lhs" in m:
            lhs, rhs = number(m["lhs"]["mean"]), number(m["rhs"]["mean"])
            parts.append(f"{label}: {lhs} vs {rhs} (n={m['lhs']['n']}, {m['state']})")
        elif "mean" in m and m["mean"] is not None:
            parts.append(f"{label}: {m['mean']:.4f} (n={m['n']}, {m['state']})")
        else:
            parts.append(f"{label}: {m.get('state')}")
    stand_in = rec.get("stand_in")
    return "; ".join(parts) + (f"  [stand-in: {stand_in}]" if stand_in else "")


def hyperparameter_text(m: dict[str, Any]) -> str:
    """What the paper's passages and the recipe's paper config say of a claimed setting."""
    source = "not in the grounded passages" if m["source"] is None else f"source {m['source']}"
    return f"{source}; recipe paper config {m['paper_config']}"


def number(value: Any) -> str:
    """A number in four significant digits; "–" for anything else."""
    return f"{value:.4g}" if isinstance(value, int | float) else "–"


def predicate_text(p: dict[str, Any]) -> str:
    """A spec predicate in words, e.g. 'bl-cs > zero-shot (mrr@10, clir), large margin'."""
    kind = kind_of(p)
    if kind == "hyperparameter":
        return f"{p.get('recipe')} {p.get('parameter')} = {p.get('value')}"
    if kind == "description":
        return "a description (nothing to measure)"
    where = ", ".join(str(p[k]) for k in ("metric", "task", "setting") if p.get(k))
    if kind == "value":
        return f"{p.get('lhs')} {where} = {p.get('value')}"
    text = f"{_side(p, 'lhs')} {p.get('op')} {_side(p, 'rhs')} ({where})"
    if p.get("qualifier"):
        text += f", {p['qualifier']}"
    if p.get("margin"):
        text += f", by {p['margin'].get('value')} {p['margin'].get('unit', '')}".rstrip()
    return text + (f" (hedged: {p['hedge']})" if p.get("hedge") else "")


def _side(p: dict[str, Any], side: str) -> str:
    """A side's system, with the task or setting it is measured on when it has its own."""
    own = [str(p[k]) for k in (f"{side}_task", f"{side}_setting") if p.get(k)]
    return f"{p.get(side)} [{', '.join(own)}]" if own else str(p.get(side))


def stand_ins(verdict: dict[str, Any]) -> list[str]:
    """The stand-in tasks a verdict's predicates were measured on."""
    return sorted(
        {rec["stand_in"] for rec in verdict.get("predicates") or [] if rec.get("stand_in")}
    )


def spec_text(spec: list[dict[str, Any]] | None) -> str:
    """A spec as the JSON the editor shows."""
    return json.dumps(spec or [], indent=2, ensure_ascii=False)


def job_label(job: JobView) -> str:
    """A job in one line for pickers."""
    run = job.run
    system = run.config.get("system", "")
    return f"job {job.id} · {job.state} · {run.recipe} {system} {run.profile} seed {run.seed}"
