"""How a measurement changes from one named cell to another, in words, by the judge's tests."""

from __future__ import annotations

from dataclasses import dataclass

from claimlab.judging import stats
from claimlab.judging.rules import Rules


@dataclass(frozen=True)
class Change:
    """The word for a change (or why there is none) and the numbers behind it."""

    word: str
    """'rises', 'falls', 'stays within ±m', 'no clear change', or why it cannot be said."""
    detail: str
    trend: bool
    """True only for 'rises' and 'falls'."""


def change(
    first: list[float],
    last: list[float],
    metric: str,
    rules: Rules,
    paired: bool,
    deterministic: bool = False,
) -> Change:
    """From `first` to `last` (per-seed values): a trend word only for a real change of at
    least the metric's margin; "stays within" only when an equivalence test (TOST) says so."""
    if min(len(first), len(last)) < rules.min_seeds:
        return Change(
            "too few seeds to tell",
            f"n = {len(first)} and {len(last)}; at least {rules.min_seeds} each",
            False,
        )
    if not deterministic and not (stats.varies(first) and stats.varies(last)):
        return Change("cannot tell", "the seeds did not vary", False)
    scale = rules.metrics.get(metric)
    if scale is None:
        return Change("cannot tell", f"qualifiers.toml has no margin for {metric!r}", False)
    d = stats.difference(last, first, paired and len(first) == len(last))
    if d.exact and not deterministic:
        return Change("cannot tell", "the difference is the same on every seed", False)
    m = scale.margin_for(stats.summary(first)["mean"])
    lo, hi = d.interval(rules.alpha)
    level = round(100 * (1 - 2 * rules.alpha))
    detail = (
        f"change {d.estimate:+.3f}, {level}% interval [{lo:.3f}, {hi:.3f}], {d.test}; "
        f"margin {m:.3g}"
    )
    if d.p_above(0.0) < rules.alpha and d.estimate >= m:
        return Change("rises", detail, True)
    if d.p_below(0.0) < rules.alpha and d.estimate <= -m:
        return Change("falls", detail, True)
    if max(d.p_above(-m), d.p_below(m)) < rules.alpha:
        return Change(f"stays within ±{m:.3g}", detail, False)
    return Change("no clear change", detail, False)
