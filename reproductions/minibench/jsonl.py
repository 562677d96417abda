"""Canonical serialisation of output lines."""

from __future__ import annotations

import json


def dumps(record: dict[str, object]) -> str:
    """One JSON line: keys in the given order, UTF-8 kept as is, no trailing spaces."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))
