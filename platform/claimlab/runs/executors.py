"""Start a run through the recipe contract: a local subprocess or a Ray task."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Protocol

RECIPE_COMMAND = [sys.executable, "-m", "reproductions"]
"""`python -m reproductions`; CLAIMLAB_RECIPE_COMMAND overrides it (space-separated)."""


def recipe_command() -> list[str]:
    """The command that implements the recipe contract."""
    override = os.environ.get("CLAIMLAB_RECIPE_COMMAND")
    return override.split() if override else list(RECIPE_COMMAND)


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the worker dies, so no orphan writes into the workdir."""
    os.setsid()
    with contextlib.suppress(OSError):  # not Linux: the lease still hands the job over
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Handle(Protocol):
    """A started run."""

    def poll(self) -> int | None:
        """Exit code, or None while running."""

    def stop(self) -> None:
        """Stop it now."""


class LocalHandle:
    """A recipe subprocess in its own process group."""

    def __init__(self, workdir: Path, log_path: Path) -> None:
        cmd = [*recipe_command(), "run", "--config", str(workdir / "run.json")]
        cmd += ["--workdir", str(workdir)]
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
            )

    def poll(self) -> int | None:
        """Exit code, or None while running."""
        return self.proc.poll()

    def stop(self) -> None:
        """Kill the whole process group and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class RayHandle:
    """A recipe run as a Ray task with the GPUs it asks for; the workdir is on shared storage."""

    def __init__(self, workdir: Path, log_path: Path, gpus: float) -> None:
        import ray

        self._ray = ray
        task = ray.remote(num_gpus=gpus, num_cpus=1, max_retries=0)(_run_in_ray)
        self.ref = task.remote(recipe_command(), str(workdir), str(log_path))
        self._code: int | None = None

    def poll(self) -> int | None:
        """Exit code, or None while the task runs."""
        if self._code is None:
            ready, _ = self._ray.wait([self.ref], timeout=0)
            if ready:
                try:
                    self._code = int(self._ray.get(self.ref))
                except Exception:  # task crashed or was cancelled
                    self._code = -1
        return self._code

    def stop(self) -> None:
        """Cancel the task (its subprocess dies with it)."""
        self._ray.cancel(self.ref, force=True)
        self._code = self._code if self._code is not None else -9


def _run_in_ray(command: list[str], workdir: str, log_path: str) -> int:
    """Body of the Ray task: the same contract command as the local executor."""
    cmd = [*command, "run", "--config", f"{workdir}/run.json", "--workdir", workdir]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        return proc.wait()


def start(executor: str, workdir: Path, log_path: Path, gpus: float) -> Handle:
    """Start the run in `workdir` with `executor` ('local' or 'ray')."""
    if executor == "ray":
        return RayHandle(workdir, log_path, gpus)
    return LocalHandle(workdir, log_path)
