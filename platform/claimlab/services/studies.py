"""Studies against the database: their runs, queue, numbers, outputs and research questions."""

from __future__ import annotations

from pathlib import Path

from claimlab.config import Settings
from claimlab.records import ReportView, RunView
from claimlab.services.access import guard
from claimlab.services.jobs import enqueue_runs, existing_runs
from claimlab.services.reports import list_reports
from claimlab.studies import plots, questions
from claimlab.studies.cells import Cell, digests, requests
from claimlab.studies.cells import cells as study_cells
from claimlab.studies.files import BrokenStudy, Study, StudyError, list_studies, load_study
from claimlab.studies.questions import Question, StudyResult
from claimlab.studies.tables import Row
from claimlab.studies.tables import table as study_table

__all__ = [  # the study records and errors the app handles come from here
    "BrokenStudy",
    "Question",
    "Study",
    "StudyError",
    "StudyResult",
    "cells",
    "enqueue_study",
    "load_study",
    "lookup",
    "matching_reports",
    "research_questions",
    "study_result",
    "table",
    "write_outputs",
]

Found = tuple[list[Cell], dict[str, RunView]]
"""A study's cells and the recorded runs among them, by config hash."""


def cells(settings: Settings, study: Study) -> list[Cell]:
    """Every (level, system) of the study with the config hash of each seed's run."""
    return study_cells(study, settings.mini_data_dir, settings.home / "cache")


def lookup(settings: Settings, study: Study) -> Found:
    """The study's cells and the recorded runs among them."""
    found = cells(settings, study)
    return found, existing_runs(settings, digests(found))


def enqueue_study(settings: Settings, study: Study, priority: int = 0) -> tuple[int, int]:
    """Queue the study's missing runs; returns (new, already known)."""
    guard(settings, write=True)
    created = [
        c for _, c in enqueue_runs(settings, requests(study, cells(settings, study), priority))
    ]
    return sum(created), len(created) - sum(created)


def table(settings: Settings, study: Study, found: Found | None = None) -> list[Row]:
    """The study's numbers from finished runs (rows with n = 0 are still pending).

    `found` is a `lookup` already made, so a caller that also needs the runs reads them once.
    """
    return study_table(study, *(found or lookup(settings, study)))


def study_result(settings: Settings, study: Study) -> StudyResult:
    """A study's table, answer in words, stand-in task and run status (runs read once)."""
    return questions.study_result(study, *lookup(settings, study))


def matching_reports(
    settings: Settings, study: Study, reports: list[ReportView] | None = None
) -> list[str]:
    """Titles of the reviews (default: all ingested) whose research question is the study's."""
    return questions.asking(study, list_reports(settings) if reports is None else reports)


def research_questions(
    settings: Settings, folder: Path, profile: str | None = None
) -> tuple[list[Question], list[BrokenStudy]]:
    """Studies grouped by research question with the reviews asking it, then unstudied questions.

    `profile` None loads each study at its own profile.
    """
    found = list_studies(folder, profile)
    results = [study_result(settings, s) for s in found if isinstance(s, Study)]
    asked = questions.group(results, list_reports(settings))
    return asked, [s for s in found if isinstance(s, BrokenStudy)]


def write_outputs(settings: Settings, study: Study, rows: list[Row]) -> dict[str, Path]:
    """Write the table (CSV, JSON with the answer) and the plot (PNG) into the home folder."""
    guard(settings, write=True)
    folder = settings.home / "studies" / f"{study.name}-{study.profile}"
    return plots.write_outputs(folder, study, rows)
