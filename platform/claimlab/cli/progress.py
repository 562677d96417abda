"""Run a worker with a live progress display in the terminal."""

from __future__ import annotations

import signal

from rich.console import Console
from rich.live import Live
from rich.table import Table

from claimlab.config import Settings
from claimlab.runs.worker import SlotState, WorkerOptions, WorkerStats
from claimlab.services import jobs


def _table(slots: list[SlotState]) -> Table:
    table = Table(title="claimlab worker", expand=False)
    for col in ("slot", "job", "run", "progress"):
        table.add_column(col)
    for i, s in enumerate(slots):
        bar = ""
        if s.total:
            done = int(20 * (s.step or 0) / s.total)
            bar = "█" * done + "░" * (20 - done) + f" {s.step}/{s.total}"
        table.add_row(str(i), str(s.job_id or "idle"), s.label if s.job_id else "", bar)
    return table


def run_worker(settings: Settings, options: WorkerOptions, console: Console) -> WorkerStats:
    """Start a worker; SIGTERM / Ctrl-C let running jobs finish, a second one kills them."""
    live = Live(console=console, refresh_per_second=4) if console.is_terminal else None
    worker = jobs.worker(settings, options, (lambda s: live.update(_table(s))) if live else None)
    if options.executor == "ray":
        import ray

        ray.init(ignore_reinit_error=True, include_dashboard=False, log_to_driver=False)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        if live:
            with live:
                return worker.run()
        return worker.run()
    except KeyboardInterrupt:
        worker.stop()
        return worker.stats
