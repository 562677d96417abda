"""Check a built data set against its manifest."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import MinibenchError
from .leakage import audit
from .outputs import sha256_bytes


def verify(out: Path) -> dict[str, object]:
    """Re-hash every file listed in `manifest.json` and re-run the leakage audit.

    Returns `{"files": n, "leakage": {...}}`; raises MinibenchError on any mismatch.
    """
    out = Path(out)
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise MinibenchError(f"{out}: no readable manifest.json ({err})") from err
    problems = []
    for rel, info in sorted(manifest["files"].items()):
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
            continue
        data = path.read_bytes()
        if sha256_bytes(data) != info["sha256"]:
            problems.append(f"{rel}: sha256 differs from the manifest")
        elif data.count(b"\n") != info["count"]:
            problems.append(f"{rel}: line count differs from the manifest")
    leakage = audit(out)
    if leakage["page_overlaps"] or leakage["text_overlaps"]:
        problems.append(f"leakage: {leakage}")
    if problems:
        raise MinibenchError("verification failed:\n  " + "\n  ".join(problems))
    return {"files": len(manifest["files"]), "leakage": leakage}
