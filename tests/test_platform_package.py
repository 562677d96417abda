"""`platform/` is a source root, not a package: the stdlib `platform` must stay importable."""

import subprocess
import sys

from conftest import ROOT

PROBE = (
    "import platform, sysconfig, claimlab; "
    "assert platform.__file__.startswith(sysconfig.get_paths()['stdlib']), platform.__file__; "
    "assert callable(platform.system); print(platform.system())"
)


def test_platform_dir_has_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_wins_from_every_working_dir():
    for cwd in (ROOT, ROOT / "platform", ROOT / "platform" / "claimlab", ROOT / "tests"):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=cwd, capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, f"from {cwd}: {out.stderr}"
        assert out.stdout.strip() == "Linux"
