"""Run the same Python code in fresh interpreters, for determinism across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def in_fresh_processes(
    code: str, argv: tuple[str, ...] = (), stdin: str = "", seeds: tuple[str, ...] = ("1", "2")
) -> list[str]:
    """The stdout of `code` run by one new interpreter per hash seed (str hashes differ)."""
    outs = []
    for seed in seeds:
        env = {**os.environ, **OFFLINE, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, *argv],
            input=stdin,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"PYTHONHASHSEED={seed}:\n{done.stderr}"
        outs.append(done.stdout)
    return outs
