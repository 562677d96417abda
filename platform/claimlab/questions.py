"""Research questions: the reviews that ask them and the studies that answer them, for the app."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from claimlab import services
from claimlab.config import Settings
from claimlab.store.entities import ReportView
from claimlab.studies import (
    QUESTION_MATCH,
    Row,
    Study,
    StudyError,
    answer,
    load_study,
    lookup,
    matching_reports,
    stand_in,
    table,
)


@dataclass(frozen=True)
class BrokenStudy:
    """A study file that could not be loaded, with the reason."""

    path: str
    name: str
    error: str


@dataclass(frozen=True)
class StudyResult:
    """A study at one profile with its numbers, answer and run status."""

    study: Study
    rows: list[Row]
    answer: str
    stand_in: str
    status: dict[str, int]
    """Runs by status: succeeded, queued, running, failed, cancelled, missing (never queued)."""

    @property
    def total(self) -> int:
        """Runs the study needs."""
        return sum(self.status.values())

    @property
    def finished(self) -> int:
        """Runs that succeeded."""
        return self.status.get("succeeded", 0)

    @property
    def label(self) -> str:
        """What every number of the study is: profile and stand-in task."""
        return f"{self.study.profile} profile · stand-in: {self.stand_in}"


@dataclass
class Question:
    """A research question, the reviews that ask it and the studies that answer it."""

    text: str
    reports: list[str] = field(default_factory=list)
    studies: list[StudyResult] = field(default_factory=list)
    """Empty: no study yet."""


def list_studies(folder: Path, profile: str | None = None) -> list[Study | BrokenStudy]:
    """Every `*.yaml` study in `folder` by file name; a file that fails is listed with its error."""
    out: list[Study | BrokenStudy] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            out.append(load_study(path, profile))
        except StudyError as exc:
            out.append(BrokenStudy(str(path), path.stem, str(exc)))
    return out


def study_result(settings: Settings, study: Study) -> StudyResult:
    """A study's table, answer in words, stand-in task and run status (runs read once)."""
    all_cells, known = found = lookup(settings, study)
    digests = [d for c in all_cells for d in c.runs.values()]
    status = Counter(known[d].status if d in known else "missing" for d in digests)
    rows = table(settings, study, found)
    return StudyResult(study, rows, answer(study, rows), stand_in(study), dict(status))


def questions(
    settings: Settings, folder: Path, profile: str | None = None
) -> tuple[list[Question], list[BrokenStudy]]:
    """Studies grouped by research question with the reviews asking it, then unstudied questions.

    `profile` None loads each study at its own profile.
    """
    found = list_studies(folder, profile)
    broken = [s for s in found if isinstance(s, BrokenStudy)]
    reports: list[ReportView] = services.list_reports(settings)
    by_text: dict[str, Question] = {}
    for study in (s for s in found if isinstance(s, Study)):
        key = " ".join(study.question.split())
        question = by_text.setdefault(key, Question(key))
        question.studies.append(study_result(settings, study))
        for title in matching_reports(settings, study, reports):
            if title not in question.reports:
                question.reports.append(title)
    asked = {t for q in by_text.values() for t in q.reports}
    unstudied: list[Question] = []
    for report in reports:
        text = " ".join((report.research_question or "").split())
        if not text or report.title in asked:
            continue
        # Reviews asking the same unstudied question share one entry, by the studies' own rule.
        same = next(
            (q for q in unstudied if fuzz.token_set_ratio(q.text, text) >= QUESTION_MATCH), None
        )
        if same is None:
            unstudied.append(Question(text, [report.title]))
        else:
            same.reports.append(report.title)
    return [*by_text.values(), *unstudied], broken
