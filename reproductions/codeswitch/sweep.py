"""Run a grid of codeswitch runs (systems x seeds) through the contract and tabulate MRR@10.

    python -m reproductions.codeswitch.sweep --profile mini --data-dir /work/minibench-out \\
        --seeds 1 2 3 --out runs/mini --workers 2

Each run is a `python -m reproductions run` subprocess sharing one stage cache; the first run
goes alone (it builds the tokenizer and the pre-trained encoder), the rest run `workers` at a time.
The summary holds mean and sd over seeds per system and setting, and paired t-tests against
zero-shot: per seed over queries, and over queries of the seed-averaged reciprocal ranks.
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

from reproductions.codeswitch.config import MINI_SETTINGS
from reproductions.common.metrics import mean, paired_ttest, std

SYSTEMS = ["zero-shot", "fine-tuning", "translate-test", "bl-cs", "ml-cs"]


def _run(config: dict[str, Any], out: Path) -> tuple[str, int, float]:
    name = f"{config['system']}-s{config['seed']}"
    path = out / "configs" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2))
    started = time.time()
    with open(out / "logs" / f"{name}.log", "w") as log:
        code = subprocess.call(
            [sys.executable, "-m", "reproductions", "run", "--config", str(path), "--workdir",
             str(out / "runs" / name)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
    return name, code, time.time() - started


def summarise(out: Path, systems: list[str], seeds: list[int], settings: list[str]) -> dict:
    """Mean/sd of MRR@10 per system and setting, and t-tests against zero-shot."""
    table: dict[str, dict[str, Any]] = {}
    for system in systems:
        rows: dict[str, Any] = {}
        for setting in [*settings, "moir/avg", "clir/avg", "mlir/avg"]:
            values = []
            for seed in seeds:
                result = out / "runs" / f"{system}-s{seed}" / "result.json"
                if result.exists():
                    value = json.loads(result.read_text())["metrics"].get(f"{setting}/mrr@10")
                    if value is not None:
                        values.append(value)
            if values:
                rows[setting] = {"mean": mean(values), "sd": std(values), "n": len(values)}
        table[system] = rows
    tests: dict[str, dict[str, Any]] = {}
    for system in systems:
        if system == "zero-shot":
            continue
        for setting in settings:
            per_seed, mine, base = [], [], []
            for seed in seeds:
                path = out / "runs" / f"{system}-s{seed}" / "per_query.json"
                if not path.exists():
                    continue
                pq = json.loads(path.read_text())
                if setting not in pq.get(system, {}) or setting not in pq.get("zero-shot", {}):
                    continue
                a, b = pq[system][setting], pq["zero-shot"][setting]
                qids = sorted(a)
                per_seed.append(paired_ttest([a[q] for q in qids], [b[q] for q in qids])["p"])
                mine.append(a)
                base.append(b)
            if not mine:
                continue
            qids = sorted(mine[0])
            avg = lambda runs, q: mean([r[q] for r in runs])  # noqa: E731
            pooled = paired_ttest([avg(mine, q) for q in qids], [avg(base, q) for q in qids])
            tests.setdefault(system, {})[setting] = {
                "p_per_seed": per_seed,
                "p_seed_averaged": pooled["p"],
                "t_seed_averaged": pooled["t"],
                "mean_diff": pooled["mean_diff"],
                "queries": pooled["n"],
            }
    return {"mrr@10": table, "ttest_vs_zero_shot": tests}


def markdown(summary: dict, settings: list[str]) -> str:
    """The MRR@10 table (x100, mean ± sd over seeds) and the p-values, as Markdown."""
    cols = [*settings, "moir/avg", "clir/avg", "mlir/avg"]
    lines = ["| system | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for system, rows in summary["mrr@10"].items():
        cells = [
            f"{100 * rows[c]['mean']:.1f} ± {100 * rows[c]['sd']:.1f}" if c in rows else "–"
            for c in cols
        ]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    lines += ["", "| system vs zero-shot | " + " | ".join(settings) + " |",
              "|---" * (len(settings) + 1) + "|"]  # fmt: skip
    for system, rows in summary["ttest_vs_zero_shot"].items():
        cells = []
        for s in settings:
            if s not in rows:
                cells.append("–")
                continue
            r = rows[s]
            seeds = "/".join(f"{p:.2g}" for p in r["p_per_seed"])
            cells.append(f"Δ{100 * r['mean_diff']:+.1f} p={r['p_seed_averaged']:.2g} ({seeds})")
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the grid, then write and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="mini")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--systems", nargs="+", default=SYSTEMS)
    parser.add_argument("--settings", nargs="+", default=MINI_SETTINGS)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], help="extra config fields key=json")
    args = parser.parse_args(argv)

    out: Path = args.out
    (out / "logs").mkdir(parents=True, exist_ok=True)
    extra = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    base = {"recipe": "codeswitch", "profile": args.profile, "settings": args.settings,
            "cache_dir": str(out / "cache"), **extra}  # fmt: skip
    if args.data_dir:
        base["data_dir"] = args.data_dir
    jobs = [{**base, "system": s, "seed": seed} for seed in args.seeds for s in args.systems]
    started = time.time()
    timings = [_run(jobs[0], out)]
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        timings += list(pool.map(lambda job: _run(job, out), jobs[1:]))
    wall = time.time() - started
    summary = summarise(out, args.systems, args.seeds, args.settings)
    summary["runs"] = [{"run": n, "exit": c, "seconds": round(s, 1)} for n, c, s in timings]
    summary["wall_time_s"] = round(wall, 1)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    text = markdown(summary, args.settings) + f"\n\nwall time: {wall / 60:.1f} min\n"
    (out / "summary.md").write_text(text)
    print(text)
    return 0 if all(c == 0 for _, c, _ in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
