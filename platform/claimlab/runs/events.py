"""Read a run's events.jsonl incrementally."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class EventTail:
    """Follows events.jsonl from where it last stopped; keeps the latest progress and metrics."""

    path: Path
    offset: int = 0
    step: int | None = None
    total: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    def poll(self) -> bool:
        """Read new complete lines; True when anything changed."""
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except FileNotFoundError:
            return False
        end = chunk.rfind(b"\n")
        if end < 0:
            return False
        self.offset += end + 1
        for line in chunk[: end + 1].splitlines():
            self._apply(line)
        return True

    def _apply(self, line: bytes) -> None:
        try:
            event: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            return  # a torn line from a killed process; the next attempt rewrites state
        if event.get("type") == "progress":
            self.step, self.total = event.get("step"), event.get("total", self.total)
        elif event.get("type") == "metric" and isinstance(event.get("value"), int | float):
            self.metrics[str(event["name"])] = float(event["value"])
