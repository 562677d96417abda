"""Command line: `python -m reproductions.minibench build --out DIR [--cache DIR]`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .builder import build
from .errors import MinibenchError
from .verify import verify


def default_cache() -> Path:
    """`$XDG_CACHE_HOME/claimlab/minibench`, else `~/.cache/claimlab/minibench`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimlab" / "minibench"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m reproductions.minibench",
        description="Build the en/de/fr mini benchmark from Debian packages.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="build or update the data set")
    make.add_argument("--out", type=Path, required=True, help="output directory")
    make.add_argument(
        "--cache",
        type=Path,
        default=None,
        help=f"package cache (default: {default_cache()})",
    )
    make.add_argument("--force", action="store_true", help="rebuild every part")
    check = commands.add_parser("verify", help="check files against manifest.json")
    check.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    start = time.monotonic()
    try:
        if args.command == "build":
            manifest = build(args.out, args.cache or default_cache(), force=args.force)
            files: dict[str, dict[str, int]] = manifest["files"]  # type: ignore[assignment]
            total = sum(info["count"] for info in files.values())
            elapsed = time.monotonic() - start
            print(f"minibench: {len(files)} files, {total} lines in {args.out} ({elapsed:.1f}s)")
        else:
            result = verify(args.out)
            print(f"minibench: {result['files']} files match the manifest")
            print(f"leakage audit: {result['leakage']}")
    except MinibenchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
