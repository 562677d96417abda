"""Results bundles made in a test: the real planner's runs for a claim, with chosen numbers."""

from __future__ import annotations

import json
from pathlib import Path

from claimlab.config import Settings
from claimlab.records import RunRequest
from claimlab.services.bundle import export_bundle
from claimlab.services.claims import list_claims
from claimlab.services.reports import ingest_reports
from claimlab.services.reproduce import plan_claims
from claimlab.services.specs import parse_specs
from claimlab.store import queue
from claimlab.store.engine import session_scope
from conftest import EXAMPLE_REPORTS

WEAM_CLAIM = (
    "The mBERT+WEAM model outperforms the mBERT+TLM model in the zero-shot setting on XNLI."
)
WEAM_VALUES = {"mbert+weam": [0.52, 0.55], "mbert+tlm": [0.47, 0.49]}
"""Per-seed accuracies the bundle gives each system (constructed, not measured)."""
CHANCE = 1 / 3
"""The ref/chance level written beside each accuracy (three classes)."""


def demo_claim(settings: Settings, text: str) -> int:
    """The id of the demo claim with this text, ingesting and parsing the demo reviews first."""
    ingest_reports(settings, [EXAMPLE_REPORTS])
    parse_specs(settings)
    return next(c.id for c in list_claims(settings) if c.text == text)


def record_runs(
    settings: Settings, claim_id: int, values: dict[str, list[float]], profile: str = "smoke"
) -> dict[str, dict[str, float]]:
    """Record the runs a claim needs at `profile` as finished with `values`; metrics by hash."""
    plans, runs = plan_claims(settings, [claim_id], profile)
    metrics: dict[str, dict[str, float]] = {digest: {} for digest in runs}
    for plan in plans:
        for pp in plan.predicates:
            for check in pp.checks:
                for side in (check.lhs, check.rhs):
                    for seed, digest in side.runs.items():
                        metrics[digest][side.metric_key] = values[side.system][seed - 1]
                        metrics[digest][f"ref/chance/{side.metric_key}"] = CHANCE
    with session_scope(settings.database_url) as s:
        for digest, run in runs.items():
            req = RunRequest(run.recipe, run.profile, run.seed, run.config, digest)
            prov = {"seed": run.seed, "command": ["python"], "cache_dir": "/x"}
            queue.import_run(s, req, metrics[digest], prov, "made-in-test")
    return metrics


def write_bundle(settings: Settings, claim_text: str, path: Path) -> dict[str, dict[str, float]]:
    """A smoke bundle of the claim's runs with WEAM_VALUES, written to `path`; metrics by hash."""
    metrics = record_runs(settings, demo_claim(settings, claim_text), WEAM_VALUES)
    path.write_text(json.dumps(export_bundle(settings, "smoke")))
    return metrics
