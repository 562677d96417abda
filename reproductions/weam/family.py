"""Run every weam system over several seeds through the contract, then tabulate the results.

    python -m reproductions.weam.family --profile mini --data-dir /work/minibench-out \\
        --seeds 1 2 3 --workers 2 --root /tmp/weam-mini

Each run is its own `python -m reproductions run` process (as the platform starts them); all
share one stage cache, so the tokenizer, base model and alignments are built once. Writes
`ROOT/table.md` and `ROOT/summary.json` (per-run metrics, mean and sd over seeds, wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reproductions.common.metrics import mean, std
from reproductions.weam.config import SYSTEMS

COLUMNS = [
    ("zero-shot de", "xnli/zero-shot/de/accuracy"),
    ("zero-shot fr", "xnli/zero-shot/fr/accuracy"),
    ("translate-train de", "xnli/translate-train/de/accuracy"),
    ("translate-train fr", "xnli/translate-train/fr/accuracy"),
    ("bitext P@1 de", "bitext/de/p@1"),
    ("bitext P@1 fr", "bitext/fr/p@1"),
    ("zero-shot en", "xnli/zero-shot/en/accuracy"),
]


def run_one(config: dict[str, Any], root: Path) -> dict[str, Any]:
    """Run one config in its own process; returns its result (or the error) and wall time."""
    name = f"{config['system'].replace('+', '-')}.seed{config['seed']}"
    workdir = root / "runs" / name
    path = root / "configs" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    started = time.time()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reproductions",
            "run",
            "--config",
            str(path),
            "--workdir",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"},
    )
    out = {"name": name, "system": config["system"], "seed": config["seed"]}
    out["seconds"] = round(time.time() - started, 1)
    if proc.returncode != 0:
        out["error"] = proc.stderr[-2000:]
        return out
    result = json.loads((workdir / "result.json").read_text(encoding="utf-8"))
    out["metrics"] = result["metrics"]
    out["stages"] = {
        k: {"seconds": v.get("seconds"), "built_now": v.get("built_now")}
        for k, v in result["provenance"]["stages"].items()
    }
    return out


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """System -> metric -> {mean, sd, n} over seeds."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for system in SYSTEMS:
        done = [r for r in runs if r["system"] == system and "metrics" in r]
        table[system] = {}
        for _, key in COLUMNS:
            values = [r["metrics"][key] for r in done if r["metrics"].get(key) is not None]
            table[system][key] = {"mean": mean(values), "sd": std(values), "n": len(values)}
    return table


def markdown(table: dict[str, dict[str, dict[str, float]]]) -> str:
    """The summary as a markdown table, values in % as mean ± sd."""
    head = "| system | " + " | ".join(c for c, _ in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for system, metrics in table.items():
        cells = []
        for _, key in COLUMNS:
            m = metrics[key]
            cells.append(f"{100 * m['mean']:.1f} ± {100 * m['sd']:.1f}" if m["n"] else "n/a")
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the family and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="mini")
    parser.add_argument("--data-dir", default=None, help="minibench output (mini profile)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--systems", nargs="+", default=SYSTEMS)
    parser.add_argument("--workers", type=int, default=2, help="runs in parallel")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per run")
    parser.add_argument("--root", required=True, help="folder for configs, runs, cache, table")
    parser.add_argument("--set", nargs="*", default=[], help="extra config fields, key=JSON")
    args = parser.parse_args(argv)

    root = Path(args.root)
    base: dict[str, Any] = {
        "recipe": "weam",
        "profile": args.profile,
        "num_threads": args.threads,
        "device": "cpu",
        "cache_dir": str(root / "cache"),
    }
    if args.data_dir:
        base["data_dir"] = args.data_dir
    for item in args.set:
        key, _, value = item.partition("=")
        base[key] = json.loads(value)
    jobs = [{**base, "system": s, "seed": seed} for seed in args.seeds for s in args.systems]
    # mbert first (it builds the tokenizer and base model) next to an aligning system, so the
    # alignments are computed while the base model trains.
    jobs.sort(
        key=lambda j: (j["seed"] != args.seeds[0], j["system"] not in ("mbert", "mbert+weam"))
    )
    started = time.time()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        runs = list(pool.map(lambda job: run_one(job, root), jobs))
    wall = round(time.time() - started, 1)
    table = summarise(runs)
    summary = {
        "profile": args.profile,
        "seeds": args.seeds,
        "workers": args.workers,
        "threads_per_run": args.threads,
        "wall_time_s": wall,
        "overrides": base,
        "runs": runs,
        "table": table,
    }
    (root / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    text = markdown(table) + f"\nwall time: {wall / 60:.1f} min ({len(runs)} runs)\n"
    (root / "table.md").write_text(text, encoding="utf-8")
    print(text)
    failed = [r["name"] for r in runs if "error" in r]
    if failed:
        print("failed runs:", failed, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
