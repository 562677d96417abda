"""Finished runs for results bundles, and which profiles have runs newer than their verdicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimlab.records import RunView
from claimlab.store.models import Run, Verdict
from claimlab.store.queue import runs_by_hash


def finished_runs(session: Session, profile: str) -> list[RunView]:
    """Succeeded runs at `profile`, ordered by recipe, seed and id (a stable export order)."""
    hashes = session.scalars(
        select(Run.config_hash)
        .where(Run.profile == profile, Run.status == "succeeded")
        .order_by(Run.recipe, Run.seed, Run.id)
    ).all()
    found = runs_by_hash(session, list(hashes)) if hashes else {}
    return [found[h] for h in hashes]


def latest_finished(session: Session) -> dict[str, datetime]:
    """Per profile, when its newest succeeded run finished."""
    rows = session.execute(
        select(Run.profile, func.max(Run.finished_at))
        .where(Run.status == "succeeded", Run.finished_at.is_not(None))
        .group_by(Run.profile)
    )
    return {profile: when for profile, when in rows}


def latest_verdicts(session: Session) -> dict[str, datetime]:
    """Per profile, when its newest verdict was computed."""
    rows = session.execute(
        select(Verdict.profile, func.max(Verdict.computed_at)).group_by(Verdict.profile)
    )
    return {profile: when for profile, when in rows}
