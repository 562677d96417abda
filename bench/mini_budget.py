"""Time budgets of finished runs (issue 15): wall time per run and per recipe family.

    .venv/bin/python bench/mini_budget.py $CLAIMLAB_HOME/runs [--profile mini] [--json]

Reads every `result.json` under the folder. A run's wall time includes the stages it built
for everyone (the shared base, the alignments), so the first run of a cache is the slow one;
the per-stage lines (weam runs record each stage's build time) show where the time went.
The family total is what running those runs one after another on this machine took.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def read_runs(folder: Path, profile: str) -> list[dict[str, Any]]:
    """One row per finished run of `profile`: recipe, system, seed, wall time, built stages."""
    rows = []
    for path in sorted(folder.glob("*/result.json")):
        prov = json.loads(path.read_text(encoding="utf-8")).get("provenance", {})
        config = prov.get("config", {})
        if config.get("profile") != profile:
            continue
        stages = prov.get("stages") or {}
        built = {
            label: round(meta["seconds"], 1)
            for label, meta in stages.items()
            if isinstance(meta, dict) and meta.get("built_now") and meta.get("seconds") is not None
        }
        rows.append(
            {
                "recipe": config.get("recipe"),
                "system": config.get("system"),
                "seed": config.get("seed"),
                "wall_s": round(prov.get("wall_time_s", 0.0), 1),
                "built_s": built,
                "folder": path.parent.name,
            }
        )
    return rows


def families(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per recipe: runs, systems, seeds and the summed wall time in minutes."""
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"runs": 0, "systems": set(), "seeds": set(), "wall_min": 0.0}
    )
    for r in rows:
        fam = out[r["recipe"]]
        fam["runs"] += 1
        fam["systems"].add(r["system"])
        fam["seeds"].add(r["seed"])
        fam["wall_min"] += r["wall_s"] / 60
    return {
        k: {
            **v,
            "systems": sorted(v["systems"]),
            "seeds": sorted(v["seeds"]),
            "wall_min": round(v["wall_min"], 1),
        }
        for k, v in out.items()
    }


def main() -> None:
    """Print the runs and the family totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the run folders ($CLAIMLAB_HOME/runs)")
    parser.add_argument("--profile", default="mini")
    parser.add_argument("--json", action="store_true", help="one JSON document")
    args = parser.parse_args()
    rows = read_runs(args.folder, args.profile)
    fams = families(rows)
    if args.json:
        print(json.dumps({"runs": rows, "families": fams}, indent=1))
        return
    for r in sorted(rows, key=lambda r: (r["recipe"], r["system"], r["seed"])):
        stages = ", ".join(f"{k} {v:.0f}s" for k, v in r["built_s"].items())
        print(
            f"{r['recipe']:<10} {r['system']:<20} seed {r['seed']}  {r['wall_s'] / 60:5.1f} min"
            f"  {stages}"
        )
    for name, fam in sorted(fams.items()):
        print(
            f"{name}: {fam['runs']} runs ({len(fam['systems'])} systems x seeds "
            f"{fam['seeds']}) took {fam['wall_min']} min"
        )


if __name__ == "__main__":
    main()
