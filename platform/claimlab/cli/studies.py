"""`claimlab study` and `claimlab data`: research questions answered by sweeps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimlab.cli.common import (
    DbOption,
    PriorityOption,
    Settings,
    console,
    data_app,
    fail,
    settings_for,
    study_app,
)
from claimlab.cli.output import Format, print_rows


@data_app.command("build-mini")
def data_build_mini(
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    cache: Annotated[Path | None, typer.Option(help="Package download cache.")] = None,
) -> None:
    """Build the mini data set from Debian packages (see reproductions/minibench)."""
    from reproductions.minibench import build

    settings = settings_for(None)
    out = out or settings.mini_data_dir
    manifest = build(out, cache or settings.home / "cache" / "debian")
    console.print(f"mini data set in {out}: {len(manifest.get('files', {}))} files")


StudyFile = Annotated[Path, typer.Argument(help="Study YAML file.")]
StudyProfile = Annotated[str | None, typer.Option(help="Profile (default: the file's).")]


def _study(path: Path, profile: str | None, settings: Settings):
    from claimlab.services.access import guard
    from claimlab.studies.files import StudyError, load_study

    guard(settings)
    try:
        return load_study(path, profile)
    except StudyError as exc:
        raise fail(str(exc)) from None


@study_app.command("plan")
def study_plan(file: StudyFile, profile: StudyProfile = None, db: DbOption = None) -> None:
    """Show the runs a study needs and which exist already (shared with claims)."""
    from claimlab.services.studies import lookup

    settings = settings_for(db)
    study = _study(file, profile, settings)
    all_cells, known = lookup(settings, study)
    rows = [
        {
            "level": c.level,
            "system": c.system,
            "seed": seed,
            "run": digest[:12],
            "status": known[digest].status if digest in known else "missing",
        }
        for c in all_cells
        for seed, digest in c.runs.items()
    ]
    print_rows(
        console, rows, Format.table, {k: k for k in rows[0]}, f"{study.name} ({study.profile})"
    )


@study_app.command("run")
def study_run(
    file: StudyFile,
    profile: StudyProfile = None,
    db: DbOption = None,
    wait: Annotated[
        bool, typer.Option(help="Run a local worker until the queue is empty.")
    ] = False,
    slots: Annotated[int, typer.Option(help="Worker slots with --wait.")] = 1,
    priority: PriorityOption = 0,
) -> None:
    """Queue the study's runs (and with --wait, run them here)."""
    from claimlab.cli.progress import run_worker
    from claimlab.runs.worker import WorkerOptions
    from claimlab.services.studies import enqueue_study

    settings = settings_for(db)
    study = _study(file, profile, settings)
    new, old = enqueue_study(settings, study, priority)
    console.print(f"{study.name}: {new} run(s) queued, {old} already known")
    if wait:
        run_worker(settings, WorkerOptions(slots=slots, until_empty=True), console)


@study_app.command("show")
def study_show(file: StudyFile, profile: StudyProfile = None, db: DbOption = None) -> None:
    """Print mean ± 95% CI per level and system, write the plot and its data, answer in words."""
    from claimlab.services.studies import matching_reports, table, write_outputs
    from claimlab.studies.answers import answer

    settings = settings_for(db)
    study = _study(file, profile, settings)
    rows = table(settings, study)
    print_rows(
        console,
        [
            {
                "level": r.level,
                "system": r.system,
                "pair": r.pair,
                "n": r.n,
                "mean": f"{r.mean:.3f}" if r.mean is not None else "",
                "95% CI": f"[{r.ci_low:.3f}, {r.ci_high:.3f}]" if r.ci_low is not None else "",
                "pending": r.pending,
            }
            for r in rows
        ],
        Format.table,
        {k: k for k in ("level", "system", "pair", "n", "mean", "95% CI", "pending")},
        f"{study.name}: {study.question}",
    )
    paths = write_outputs(settings, study, rows)
    console.print(answer(study, rows), highlight=False)
    asked_by = matching_reports(settings, study)
    if asked_by:
        console.print("asked by: " + "; ".join(asked_by), highlight=False)
    console.print(f"plot: {paths['png']}  data: {paths['csv']}", highlight=False)
