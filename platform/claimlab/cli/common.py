"""Shared pieces of the `claimlab` command: the command groups, options and output."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from claimlab.cli.output import Format
from claimlab.config import Settings
from claimlab.errors import (
    DatabaseUnavailableError,
    NotFoundError,
    NotReadyError,
    ReadOnlyError,
)
from claimlab.records import PROFILES  # noqa: F401 (re-exported to the command modules)


class _Commands(TyperGroup):
    """The top-level group: an unreachable or unmigrated database, a read-only instance or an
    unknown id is one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DatabaseUnavailableError, NotReadyError, NotFoundError, ReadOnlyError) as exc:
            raise fail(str(exc)) from None


app = typer.Typer(
    cls=_Commands, help="Check what literature reviews claim about papers.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
ingest_app = typer.Typer(help="Bring reviews and papers in.", no_args_is_help=True)
reports_app = typer.Typer(help="Ingested reviews.", no_args_is_help=True)
claims_app = typer.Typer(help="Canonical claims and their mentions.", no_args_is_help=True)
jobs_app = typer.Typer(help="The run queue.", no_args_is_help=True)
verdicts_app = typer.Typer(help="Judge claims from measured numbers.", no_args_is_help=True)
data_app = typer.Typer(help="Data sets the recipes read.", no_args_is_help=True)
papers_app = typer.Typer(help="Ingested arXiv papers and their passages.", no_args_is_help=True)
watch_app = typer.Typer(help="Saved arXiv searches polled for new papers.", no_args_is_help=True)
study_app = typer.Typer(
    help="Studies that answer a review's research question.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(reports_app, name="reports")
app.add_typer(claims_app, name="claims")
app.add_typer(jobs_app, name="jobs")
app.add_typer(verdicts_app, name="verdicts")
app.add_typer(data_app, name="data")
app.add_typer(study_app, name="study")
app.add_typer(papers_app, name="papers")
app.add_typer(watch_app, name="watch")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: CLAIMLAB_DATABASE_URL).")
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ProfileOption = Annotated[str, typer.Option(help="smoke, mini or paper.")]
SeedsOption = Annotated[int | None, typer.Option(help="Seeds per run (default: per profile).")]
ClaimIds = Annotated[list[int] | None, typer.Argument(help="Claim ids (or --all).")]
AllOption = Annotated[bool, typer.Option("--all", help="Every claim.")]
PriorityOption = Annotated[
    int, typer.Option(help="Queue priority of new jobs: higher runs first (default 0).")
]


def settings_for(db: str | None) -> Settings:
    """Settings from the environment, with `--db` applied."""
    # CLAIMLAB_UI_READONLY guards the public app, not the operator's command line.
    return replace(Settings.from_env(db=db), ui_readonly=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error and return the Exit to raise."""
    err.print(Text.assemble(("error:", "red"), f" {message}"), highlight=False)
    return typer.Exit(code)
