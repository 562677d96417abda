"""Append-only JSON-lines event log (`DIR/events.jsonl`) that the platform tails."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


class EventWriter:
    """Writes progress, metric and log events, one JSON object per line, flushed at once."""

    def __init__(self, workdir: str | Path | None, filename: str = "events.jsonl") -> None:
        self.path = Path(workdir) / filename if workdir is not None else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def emit(self, type_: str, **fields: Any) -> None:
        """Append one event `{"t": now, "type": type_, **fields}`."""
        if self.path is None:
            return
        record = {"t": round(time.time(), 3), "type": type_, **fields}
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def progress(self, step: int, total: int, **fields: Any) -> None:
        """A training or evaluation position: `step` of `total` (extra fields name the stage)."""
        self.emit("progress", step=step, total=total, **fields)

    def metric(self, name: str, value: float, step: int | None = None, **fields: Any) -> None:
        """A measured value, e.g. `clir/en-de/mrr@10`."""
        self.emit("metric", name=name, value=value, step=step, **fields)

    def log(self, message: str, **fields: Any) -> None:
        """A free-text note (stage started, cache hit, checkpoint saved)."""
        self.emit("log", message=message, **fields)


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """All events of a log, skipping a torn last line from a killed writer."""
    events = []
    path = Path(path)
    if not path.exists():
        return events
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events
