"""The `claimlab` command; each module adds the commands of one area."""

from claimlab.cli import claims, papers, runs, studies  # noqa: F401  (registers the commands)
from claimlab.cli.common import app


def main() -> None:
    """Entry point for `python -m claimlab`."""
    app()


__all__ = ["app", "main"]
