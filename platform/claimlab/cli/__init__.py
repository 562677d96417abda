"""The `claimlab` command; each module adds the commands of one area."""

from claimlab.cli import (  # noqa: F401  (registers the commands)
    claims,
    papers,
    results,
    runs,
    serve,
    studies,
)
from claimlab.cli.common import app


def main() -> None:
    """Entry point for `python -m claimlab`."""
    app()


__all__ = ["app", "main"]
