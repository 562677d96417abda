"""Charts of measured numbers against what a claim says."""

from __future__ import annotations

import altair as alt
import pandas as pd


def measured_vs_claimed(frame: pd.DataFrame, title: str) -> alt.LayerChart | None:
    """Per-seed values (dots) and their means (ticks) per system, the claimed value as a line."""
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    data = data.assign(group=data["check"].astype(str) + " · " + data["system"].astype(str))
    x = alt.X("group:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=str(data["metric"].iloc[0]), scale=alt.Scale(zero=False))
    points = (
        alt.Chart(data)
        .mark_circle(size=80, opacity=0.8)
        .encode(x=x, y=y, color=alt.Color("side:N"), tooltip=["check", "system", "seed", "value"])
    )
    means = (
        alt.Chart(data)
        .mark_tick(thickness=3, size=36)
        .encode(x=x, y=alt.Y("mean(value):Q"), color=alt.Color("side:N"))
    )
    layers = [points, means]
    claimed = frame["claimed"].dropna()
    if not claimed.empty:
        line = pd.DataFrame({"claimed": [float(claimed.iloc[0])]})
        layers.append(
            alt.Chart(line)
            .mark_rule(color="#d62728", strokeDash=[6, 4], size=2)
            .encode(y="claimed:Q", tooltip=["claimed"])
        )
    return alt.layer(*layers).properties(title=title, height=260)
