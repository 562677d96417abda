"""A non-editable install carries its migrations: `claimlab db upgrade` works outside the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from claimlab.store import migrate

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "platform", "reproductions")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _pip(cwd: Path, args: str) -> str:
    return _run([sys.executable, "-m", "pip", *args.split()], cwd=cwd)


def _copy_sources(dest: Path) -> None:
    """Copy what the build reads, so building leaves no build/ or egg-info in the repo."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


@pytest.mark.slow
def test_wheel_install_runs_db_upgrade_from_another_directory(tmp_path: Path):
    src, dist, venv, elsewhere = (tmp_path / n for n in ("src", "dist", "venv", "elsewhere"))
    src.mkdir()
    elsewhere.mkdir()
    _copy_sources(src)
    _pip(tmp_path, f"wheel --no-deps --no-build-isolation -q -w {dist} {src}")
    (wheel,) = dist.glob("claimlab-*.whl")

    # A fresh venv gets only the wheel; its dependencies come from this venv's site-packages
    # through a .pth (a plain path entry, so this venv's editable claimlab finder is not loaded).
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _pip(tmp_path, f"--python {python} install --no-deps --no-index -q {wheel}")
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=tmp_path,
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMLAB_", "PYTHON"))}
    env["CLAIMLAB_HOME"] = str(elsewhere / "home")
    where = _run(
        [str(python), "-c", "import claimlab.store.migrate as m; print(m.MIGRATIONS)"],
        cwd=elsewhere,
        env=env,
    ).strip()
    assert Path(where) == site / "claimlab" / "store" / "migrations"

    url = f"sqlite:///{elsewhere / 'fresh.db'}"
    out = _run(
        [str(venv / "bin" / "claimlab"), "db", "upgrade"],
        cwd=elsewhere,
        env={**env, "CLAIMLAB_DATABASE_URL": url},
    )
    assert f"database upgraded from empty to {migrate.head()}" in out
    assert migrate.current(url) == migrate.head()
