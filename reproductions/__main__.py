"""Command line of the recipe contract (see reproductions.contract)."""

from __future__ import annotations

import argparse
import json
import sys

from reproductions import contract
from reproductions.common.recipe import ConfigError


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch to run, plan or capabilities."""
    parser = argparse.ArgumentParser(prog="python -m reproductions", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="run one config; writes events.jsonl and result.json")
    run_p.add_argument("--config", required=True, help="path of run.json")
    run_p.add_argument("--workdir", required=True, help="the run's folder (resumes if reused)")
    plan_p = sub.add_parser("plan", help="print the resolved config and stage graph as JSON")
    plan_p.add_argument("--config", required=True, help="path of run.json")
    sub.add_parser("capabilities", help="print every recipe's capability table as JSON")
    args = parser.parse_args(argv)

    if args.command == "run":
        return contract.run(args.config, args.workdir)
    try:
        if args.command == "plan":
            out = contract.plan(contract.load_config(args.config))
        else:
            out = contract.capabilities()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
