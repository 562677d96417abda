"""A study's outputs on disk: the table as CSV and JSON (with the answer) and the plot as PNG."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict
from pathlib import Path

from claimlab.studies.answers import answer
from claimlab.studies.files import Study
from claimlab.studies.tables import Row


def write_outputs(folder: Path, study: Study, rows: list[Row]) -> dict[str, Path]:
    """Write the table (CSV, JSON with the answer) and the plot (PNG) into `folder`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    csv_path, json_path, png_path = (folder / f"table.{ext}" for ext in ("csv", "json", "png"))
    with csv_path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f for f in Row.__dataclass_fields__])
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    text = answer(study, rows)
    json_path.write_text(
        json.dumps(
            {
                "study": study.name,
                "question": study.question,
                "profile": study.profile,
                "answer": text,
                "rows": [asdict(r) for r in rows],
            },
            indent=2,
            default=str,
        )
    )
    fig, axes = plt.subplots(
        1, len(study.pairs), figsize=(5 * len(study.pairs), 3.6), squeeze=False
    )
    for ax, pair in zip(axes[0], study.pairs, strict=True):
        sub = [r for r in rows if r.pair == (pair or "avg")]
        series = sorted({r.system for r in sub}) if study.factor != "system" else ["system"]
        xs = list(range(len(study.levels)))
        for k, system in enumerate(series):
            pts = [r for r in sub if study.factor == "system" or r.system == system]
            means = [r.mean if r.mean is not None else math.nan for r in pts]
            err = [
                [(r.mean - r.ci_low) if r.ci_low is not None else 0 for r in pts],
                [(r.ci_high - r.mean) if r.ci_high is not None else 0 for r in pts],
            ]
            ax.errorbar(
                [x + 0.06 * k for x in xs[: len(pts)]],
                means,
                yerr=err,
                marker="o",
                capsize=3,
                label=system,
            )
        ax.set_xticks(xs, [str(level) for level in study.levels])
        ax.set_xlabel(study.label)
        ax.set_ylabel(f"{study.metric} ({pair or 'avg'})")
        ax.legend(fontsize=8)
    fig.suptitle(f"{study.name} · {study.profile} profile · mean ± 95% CI", fontsize=9)
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)
    plt.close(fig)
    return {"csv": csv_path, "json": json_path, "png": png_path}
