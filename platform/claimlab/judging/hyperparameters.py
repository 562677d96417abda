"""Check a claimed hyperparameter against the numbers the grounded passages give for it."""

from __future__ import annotations

import re
from typing import Any

from claimlab.claims.numbers import find_numbers, tidy
from claimlab.records import INCONCLUSIVE, REFUTED, SUPPORTED

_OTHER_QUANTITY = re.compile(
    r"\s*(?:epochs?|steps?|updates?|iterations?|layers?|heads?|tokens?|words?|sentences?|"
    r"examples?|pairs?|languages?|runs?|seeds?|GPUs?|hours?|days?|minutes?|k\b|M\b|B\b)",
    re.I,
)
"""A count noun right after a number: that number measures something else."""
_CLAUSE_END = re.compile(r"[.;](?:\s|$)|\n")


def _alias_pattern(alias: str) -> re.Pattern[str]:
    """A name as a whole word (plural too), spaces, hyphens and underscores alike."""
    body = r"[\s_-]+".join(re.escape(word) for word in re.split(r"[\s_-]+", alias.strip()))
    return re.compile(rf"(?<!\w){body}s?(?!\w)", re.I)


def parameter_names(table: dict[str, Any], parameter: str) -> list[str]:
    """The parameter's name and aliases from the recipe's capability table.

    One-letter ASCII aliases ("p") are left out, as the parser leaves them out: they match
    too much. Greek letters ("λ") stay.
    """
    entry = table["parameters"][parameter]
    names = [parameter, *entry.get("aliases", [])]
    return list(dict.fromkeys(n for n in names if len(n) > 1 or not n.isascii()))


def source_values(texts: list[str], names: list[str], others: list[str]) -> list[float]:
    """Distinct numbers the passages give right after any of `names`.

    A passage's window for a mention runs to the end of its sentence or clause, or to the
    next mention of another parameter (`others`), whichever comes first; numbers followed
    by a count noun ("10 epochs") are left out.
    """
    own = [_alias_pattern(n) for n in sorted(names, key=len, reverse=True)]
    stops = [_alias_pattern(n) for n in others]
    found: list[float] = []
    for text in texts:
        for pattern in own:
            for m in pattern.finditer(text):
                end = len(text)
                for stop in [_CLAUSE_END, *stops]:
                    hit = stop.search(text, m.end())
                    if hit:
                        end = min(end, hit.start())
                window = text[m.end() : end]
                for number in find_numbers(window):
                    if not _OTHER_QUANTITY.match(window, number.end):
                        found.append(float(tidy(number.value)))
    return list(dict.fromkeys(found))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 + 1e-9 * max(abs(a), abs(b))


def judge_hyperparameter(
    p: dict[str, Any], evidence: list[str], table: dict[str, Any]
) -> tuple[str, str, dict[str, Any]]:
    """(state, rule, measured) of a claimed setting: the passages, then the paper config."""
    entry = table["parameters"][p["parameter"]]
    paper = entry.get("details", {}).get("paper")
    names = parameter_names(table, p["parameter"])
    own = {n.casefold() for n in names}
    others = [
        alias
        for other in table["parameters"]
        if other != p["parameter"]
        for alias in parameter_names(table, other)
        if alias.casefold() not in own
    ]
    candidates = source_values(evidence, names, others)
    claimed = float(p["value"])
    measured: dict[str, Any] = {
        "paper_config": paper,
        "source": candidates[0] if len(candidates) == 1 else None,
        "candidates": candidates,
    }
    if len(candidates) > 1:
        listed = ", ".join(f"{c:g}" for c in candidates)
        return INCONCLUSIVE, f"the passages give several values for it ({listed})", measured
    if candidates:
        ok = _same(candidates[0], claimed)
        rule = "consistent with the paper's text" if ok else "contradicted by the paper's text"
        return (SUPPORTED if ok else REFUTED), rule, measured
    note = "not found in source"
    if paper is not None:
        agrees = _same(float(paper), claimed)
        note += f"; the recipe's paper profile uses {paper} ({'same' if agrees else 'different'})"
    return INCONCLUSIVE, note, measured
