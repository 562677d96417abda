"""`claimlab serve`: the first-run steps, then the app and a worker until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated

import typer

from claimlab.cli.common import DbOption, app, console, err, fail, settings_for
from claimlab.config import Settings
from claimlab.services import firstrun, workers

APP_SCRIPT = firstrun.ROOT / "ui" / "app.py"
STOP_GRACE_S = 10.0
"""Seconds a child has to stop after SIGTERM/SIGINT before its process group is killed."""
REFRESH_S = 3.0
"""How often finished runs are looked for, to judge their claims again."""


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(help="Port of the app.")] = 8501,
    address: Annotated[str, typer.Option(help="Address the app listens on.")] = "127.0.0.1",
    bundle: Annotated[
        Path | None, typer.Option(help="Results bundle to load (default: the shipped mini one).")
    ] = None,
    reports: Annotated[
        Path, typer.Option(help="Folder of review files to ingest.")
    ] = firstrun.DEMO_REPORTS,
    fetch_papers: Annotated[
        bool,
        typer.Option(
            help="Fetch the cited arXiv papers, ground the claims and extract the papers' own."
        ),
    ] = True,
    slots: Annotated[
        int | None, typer.Option(min=1, help="Worker slots (default: CLAIMLAB_WORKER_SLOTS).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Set up the demo (idempotent), then run the app and a worker; Ctrl-C stops both."""
    settings = settings_for(db)
    if not APP_SCRIPT.is_file():
        raise fail(f"{APP_SCRIPT} not found: run `claimlab serve` from a claimlab checkout")
    if _port_busy(address, port):
        raise fail(f"port {port} on {address} is in use: pass --port")
    try:
        slots = slots or workers.default_slots()
    except ValueError as exc:
        raise fail(str(exc)) from None
    done = firstrun.first_run(
        settings,
        reports_dir=reports,
        bundle_path=bundle or firstrun.SHIPPED_BUNDLE,
        fetch_papers=fetch_papers,
        say=lambda line: console.print(line, highlight=False, markup=False),
    )
    code = _supervise(settings, port, address, slots, done.judged)
    raise typer.Exit(code)


def _port_busy(address: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return True
    return False


def _child_env(settings: Settings) -> dict[str, str]:
    env = {
        **os.environ,
        "CLAIMLAB_HOME": str(settings.home),
        "CLAIMLAB_DATABASE_URL": settings.database_url,
    }
    if not env.get("CLAIMLAB_STUDIES") and not settings.studies_dir.is_dir():
        env["CLAIMLAB_STUDIES"] = str(firstrun.ROOT / "examples" / "studies")
    return env


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    """A child in its own session (so its process group can be stopped whole)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=firstrun.ROOT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen, sig: int) -> None:
    """Signal the child's process group, then kill the group if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(STOP_GRACE_S)
    # Whatever is left in the group (a grandchild that ignored the signal) goes now.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _stop_request(*_: object) -> None:
    raise KeyboardInterrupt


def _supervise(settings: Settings, port: int, address: str, slots: int, judged: dict) -> int:
    """Run the app and a worker until Ctrl-C/SIGTERM or one of them exits; 0 on Ctrl-C."""
    logs = settings.home / "logs"
    env = _child_env(settings)
    app_cmd = [
        *(sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT)),
        *("--server.port", str(port), "--server.address", address),
        *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        *("--server.fileWatcherType", "none"),
    ]
    worker_cmd = [sys.executable, "-m", "claimlab", "worker", "--slots", str(slots)]
    # Our own handlers, also for a SIGINT ignored by a background shell: the children then
    # start with the default dispositions, so the worker stops at once on SIGINT.
    signal.signal(signal.SIGINT, _stop_request)
    signal.signal(signal.SIGTERM, _stop_request)
    children: list[tuple[str, subprocess.Popen, int]] = []
    code = 0
    try:
        children.append(("app", _start(app_cmd, logs / "app.log", env), signal.SIGTERM))
        # SIGINT: the worker stops at once; its runs die with it and are requeued by lease.
        children.append(("worker", _start(worker_cmd, logs / "worker.log", env), signal.SIGINT))
        url = f"http://{'localhost' if address in ('127.0.0.1', '0.0.0.0') else address}:{port}"
        _wait_ready(f"http://127.0.0.1:{port}" if address == "0.0.0.0" else url, children)
        console.print(
            f"claimlab is up at {url}; a worker runs "
            f"queued jobs ({slots} slot{'s' if slots != 1 else ''}); logs in {logs}. "
            "Ctrl-C stops both.",
            highlight=False,
        )
        next_refresh = 0.0
        while True:
            for name, proc, _ in children:
                if proc.poll() is not None:
                    err.print(f"the {name} stopped (exit {proc.returncode}); see {logs / name}.log")
                    return 1
            if time.monotonic() >= next_refresh:
                next_refresh = time.monotonic() + REFRESH_S
                _refresh(settings, judged)
            time.sleep(0.5)
    except KeyboardInterrupt:
        code = 0
    except _NotReady as exc:
        err.print(str(exc))
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _, proc, sig in children:
            _stop(proc, sig)
        console.print("stopped the app and the worker", highlight=False)
    return code


def _refresh(settings: Settings, judged: dict) -> None:
    """Judge again the profiles with newly finished runs; a failure is reported, not fatal."""
    try:
        found = firstrun.refresh_verdicts(settings, judged)
    except Exception as exc:  # a locked or busy database: the next round tries again
        err.print(f"verdicts not refreshed: {exc}", highlight=False)
        return
    for profile, counts in found.items():
        states = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        console.print(f"verdicts at {profile}: {states}", highlight=False)


class _NotReady(RuntimeError):
    """The app did not answer, or a child exited while starting."""


def _wait_ready(url: str, children: list[tuple[str, subprocess.Popen, int]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for name, proc, _ in children:
            if proc.poll() is not None:
                raise _NotReady(f"the {name} exited while starting (exit {proc.returncode})")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp,
        ):
            if resp.read().decode().strip() == "ok":
                return
        time.sleep(0.3)
    raise _NotReady(f"the app did not answer at {url} within 120 s")
