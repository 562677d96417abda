"""The app reaches claimlab only through services, present, records, errors and config.

ui/ is not a package (Streamlit runs ui/app.py as a script), so import-linter cannot see it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

ALLOWED = ("services", "present", "records", "errors", "config")
FORBIDDEN_ROOTS = ("sqlalchemy", "alembic", "reproductions")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) for every absolute import in the file; `from a import b` gives a.b."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(path: Path, root: Path) -> list[str]:
    """The imports in `path` that break the app's rule, as 'file:line name'."""
    bad = []
    for line, name in imported_modules(path):
        parts = name.split(".")
        claimlab_beyond = parts[0] == "claimlab" and (len(parts) < 2 or parts[1] not in ALLOWED)
        if claimlab_beyond or parts[0] in FORBIDDEN_ROOTS:
            bad.append(f"{path.relative_to(root)}:{line} {name}")
    return bad


def test_the_check_flags_domain_store_and_sqlalchemy_imports(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import streamlit as st\n"
        "from claimlab import services, runs\n"
        "from claimlab.present.words import badge\n"
        "import claimlab.store.engine\n"
        "from sqlalchemy import select\n"
        "from . import local\n"
    )
    assert violations(probe, tmp_path) == [
        "probe.py:2 claimlab.runs",
        "probe.py:4 claimlab.store.engine",
        "probe.py:5 sqlalchemy.select",
    ]


def test_ui_imports_only_services_present_records_errors_config():
    files = sorted((ROOT / "ui").rglob("*.py"))
    assert ROOT / "ui" / "app.py" in files and len(files) > 5
    bad = [v for path in files for v in violations(path, ROOT)]
    assert not bad, "ui/ imports outside " + ", ".join(ALLOWED) + ":\n" + "\n".join(bad)
