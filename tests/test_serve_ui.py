"""The app's first sight: verdicts labelled by profile with what to do next; the worker's state."""

from __future__ import annotations

import time

from support.app import open_page, use_app
from support.bundles import WEAM_CLAIM, WEAM_VALUES, demo_claim, record_runs

from claimlab.runs import heartbeats
from claimlab.services.verdicts import compute_verdicts

MINI_VALUES = {system: [*values, values[0]] for system, values in WEAM_VALUES.items()}
"""Three seeds per system, constructed for this test's database only."""


def test_claims_page_labels_mini_verdicts_as_stand_in_evidence(settings, monkeypatch):
    claim = demo_claim(settings, WEAM_CLAIM)
    record_runs(settings, claim, MINI_VALUES, profile="mini")
    compute_verdicts(settings, "mini")
    use_app(monkeypatch, settings)
    at = open_page()
    (info,) = at.info
    assert info.value.startswith(
        "**Stand-in evidence**, verdicts at mini: evidence about the method's direction at "
        "small scale on a stand-in task, never “reproduced as published”. For more, run at "
        "**paper** on a GPU machine"
    )
    assert info.value.endswith(
        "Open a claim and press **Queue runs**: a running worker picks them up."
    )
    use_app(monkeypatch, settings, readonly=True)
    (info,) = [i for i in open_page().info if "**Stand-in evidence**" in i.value]
    assert "Queue runs" not in info.value, "a read-only instance has no button to press"


def test_claims_page_without_verdicts_says_how_to_get_them(settings, monkeypatch):
    demo_claim(settings, WEAM_CLAIM)
    use_app(monkeypatch, settings)
    captions = [c.value for c in open_page().caption]
    assert (
        "No verdicts yet: open a claim and press **Queue runs** (the worker that `claimlab "
        "serve` starts runs them), or load finished runs with `claimlab results import FILE`."
    ) in captions


def test_jobs_page_shows_the_worker_state_from_heartbeats(settings, monkeypatch):
    use_app(monkeypatch, settings)
    at = open_page("app_pages/jobs.py")
    assert "**Worker:** not running" in [m.value for m in at.markdown]
    beat = heartbeats.Heartbeat("host:42", 42, 1, 1, time.time(), [3])
    heartbeats.write(settings.home, beat)
    at = open_page("app_pages/jobs.py")
    assert "**Worker:** running 1 (1 slot)" in [m.value for m in at.markdown]
