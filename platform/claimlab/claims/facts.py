"""What one recipe's capability table says, as the claim parser needs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimlab.claims.mentions import Patterns, find, names


class Unreadable(Exception):
    """The claim cannot be read with confidence; the message says why."""

    def __init__(self, reason: str, kind: str = "comparison") -> None:
        super().__init__(reason)
        self.kind = kind


@dataclass(frozen=True)
class Facts:
    """What one recipe's capability table says, as the parser needs it."""

    recipe: str
    table: dict[str, Any]
    patterns: dict[str, Patterns]

    def _top(self, key: str) -> str:
        if key not in self.table:
            raise KeyError(f"capability table of {self.recipe} has no {key!r}")
        return self.table[key]

    def baseline(self) -> str:
        """The system a claim compares against when it names none."""
        return self._top("baseline")

    def default_task(self) -> str:
        """The task a claim is about when it names none."""
        return self._top("default_task")

    def default_setting(self, what: str) -> str:
        """The setting a claim is about when it names none, or Unreadable."""
        if self.table.get("default_setting"):
            return self.table["default_setting"]
        raise Unreadable(f"{what} names no setting")

    def metric(self, task: str) -> str:
        """The task's default metric."""
        return self.table["tasks"][task]["details"]["metric"]

    def task_of(self, s: str, start: int, end: int) -> str:
        """The one task named in s[start:end], else in s, else the default task."""
        own = names(find(s, self.patterns["tasks"], start, end))
        if len(own) > 1:
            raise Unreadable(f"names several tasks ({', '.join(own)})")
        every = names(find(s, self.patterns["tasks"]))
        return (own or (every if len(every) == 1 else []) or [self.default_task()])[0]

    def length_metric(self) -> str | None:
        """The metric of input lengths: the first metric measured on a data-statistics task."""
        for name, entry in self.table["metrics"].items():
            if entry.get("details", {}).get("task"):
                return name
        return None
