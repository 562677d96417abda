"""Research questions: the reviews that ask them and the studies that answer them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claimlab.records import ReportView, RunView
from claimlab.studies.answers import answer, same_question, stand_in
from claimlab.studies.cells import Cell, digests
from claimlab.studies.files import Study
from claimlab.studies.tables import Row, table


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


def study_result(study: Study, found: list[Cell], known: dict[str, RunView]) -> StudyResult:
    """A study's table, answer in words, stand-in task and run status."""
    status = Counter(known[d].status if d in known else "missing" for d in digests(found))
    rows = table(study, found, known)
    return StudyResult(study, rows, answer(study, rows), stand_in(study), dict(status))


def asking(study: Study, reports: list[ReportView]) -> list[str]:
    """Titles of the reviews whose research question is the study's."""
    return [
        r.title
        for r in reports
        if r.research_question and same_question(r.research_question, study.question)
    ]


def group(results: list[StudyResult], reports: list[ReportView]) -> list[Question]:
    """Studies grouped by research question with the reviews asking it, then unstudied questions."""
    by_text: dict[str, Question] = {}
    for result in results:
        key = " ".join(result.study.question.split())
        question = by_text.setdefault(key, Question(key))
        question.studies.append(result)
        for title in asking(result.study, reports):
            if title not in question.reports:
                question.reports.append(title)
    asked = {t for q in by_text.values() for t in q.reports}
    unstudied: list[Question] = []
    for report in reports:
        text = " ".join((report.research_question or "").split())
        if not text or report.title in asked:
            continue
        # Reviews asking the same unstudied question share one entry, by the studies' own rule.
        same = next((q for q in unstudied if same_question(q.text, text)), None)
        if same is None:
            unstudied.append(Question(text, [report.title]))
        else:
            same.reports.append(report.title)
    return [*by_text.values(), *unstudied]
