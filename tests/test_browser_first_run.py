"""End to end in headless chromium: a fresh home, `claimlab serve`, verdicts from a bundle, a
claim queued at smoke from its page and run by serve's own worker, its numbers on the page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.bundles import WEAM_CLAIM, write_bundle
from test_browser import CHROMIUM, _row, browser, free_port

from claimlab.config import Settings
from claimlab.services import jobs
from claimlab.services.claims import get_claim, list_claims
from claimlab.store import migrate
from conftest import ROOT

CLAIM = "Multilingual code-switching (ML-CS) outperforms the zero-shot re-ranker in MLIR."
KEY = "mlir/avg/mrr@10"
ARTIFACTS = ROOT / ".artifacts" / "first_run"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
]


class Serve:
    """`claimlab serve` as a child process, its output collected line by line."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if line.startswith(prefix)]
            if found:
                return found[0]
            assert self.proc.poll() is None, "\n".join(self.lines)
            time.sleep(0.2)
        raise TimeoutError(f"no line {prefix!r} in {self.lines}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.reader.join(5)
        return self.proc.wait()


def click(b, expression: str, timeout: float = 60) -> None:
    """Click with the mouse at the centre of the element `expression` finds, once it is there."""
    deadline = time.monotonic() + timeout
    while (found := _centre(b, expression)) is None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert found, f"nothing to click: {expression}"
    for kind in ("mousePressed", "mouseReleased"):
        b.call(
            "Input.dispatchMouseEvent",
            type=kind,
            x=found[0],
            y=found[1],
            button="left",
            clickCount=1,
        )


def _centre(b, expression: str) -> list[float] | None:
    found = b.call(
        "Runtime.evaluate",
        expression=f"""(() => {{ const el = {expression}; if (!el) return null;
            el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect();
            return JSON.stringify([r.x + r.width / 2, r.y + r.height / 2]); }})()""",
    )["result"].get("value")
    return json.loads(found) if found else None


def wait_dom(b, texts: tuple[str, ...], timeout: float, reload_url: str | None = None) -> str:
    """Wait until the DOM holds every text; reload `reload_url` now and then (cached reads)."""
    deadline, next_reload = time.monotonic() + timeout, time.monotonic() + 10
    while time.monotonic() < deadline:
        dom = b.dom()
        if all(t in dom for t in texts):
            return dom
        if reload_url and time.monotonic() > next_reload:
            b.call("Page.navigate", url=reload_url)
            next_reload = time.monotonic() + 10
        time.sleep(0.5)
    raise TimeoutError(f"{texts} not shown")


def shot(b, tmp_path: Path, name: str) -> Path:
    path = b.screenshot(tmp_path / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / name)
    return path


def test_first_run_shows_bundle_verdicts_and_runs_what_the_page_queues(tmp_path):
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source_url)
    bundle = tmp_path / "smoke.json"
    write_bundle(Settings(home=tmp_path / "source", database_url=source_url), WEAM_CLAIM, bundle)
    home, port = tmp_path / "home", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMLAB_")}
    env.update(CLAIMLAB_HOME=str(home), CLAIMLAB_ARXIV_API_URL="http://127.0.0.1:9/api")
    command = [sys.executable, "-m", "claimlab", "serve", "--port", str(port)]
    serve = Serve([*command, "--bundle", str(bundle)], env)
    try:
        serve.wait_for("claimlab is up at", 180)
        assert serve.wait_for("papers not fetched: arXiv 127.0.0.1:9 unreachable", 1)
        settings = Settings(home=home, database_url=f"sqlite:///{home / 'claimlab.db'}")
        claim_id = next(c.id for c in list_claims(settings) if c.text == CLAIM)
        app = f"http://127.0.0.1:{port}"
        with browser(tmp_path / "chromium") as b:
            dom = b.open(app, WEAM_CLAIM, "Pipeline check", timeout=90)
            shot(b, tmp_path, "1_claims.png")
            row = _row(dom, WEAM_CLAIM)
            assert "❔ inconclusive" in row, "the bundle's smoke verdict on the claim's row"
            text = b.text()
            assert "19 of 19 claim(s) · 17 with a verdict" in text
            assert "Pipeline check, verdicts at smoke: a pipeline check on generated data" in text
            assert "For evidence, run at mini: claimlab reproduce --all --profile mini" in text

            page = f"{app}/claim?id={claim_id}"
            b.open(page, "Queue runs", timeout=90)
            click(b, "document.querySelector('.st-key-repro_profile input')")
            for kind in ("keyDown", "keyUp"):  # the combobox opens its list on ArrowDown
                b.call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key="ArrowDown",
                    code="ArrowDown",
                    windowsVirtualKeyCode=40,
                )
            click(
                b,
                "[...document.querySelectorAll('[role=option]')]"
                ".find(o => o.innerText.trim() === 'smoke')",
            )
            click(
                b,
                "[...document.querySelectorAll('button')]"
                ".find(x => x.innerText.trim() === 'Queue runs')",
            )
            wait_dom(b, ("4 run(s) queued, 0 already known; the worker (",), 60)
            assert "starts them within seconds" in b.text()
            shot(b, tmp_path, "2_queued.png")

            def finished() -> bool:
                return jobs.job_counts(settings).get("succeeded") == 4

            deadline = time.monotonic() + 600
            while not finished() and time.monotonic() < deadline:
                assert not {"failed", "cancelled"} & set(jobs.job_counts(settings))
                time.sleep(1)
            assert finished(), jobs.job_counts(settings)
            values = sorted(f"{j.run.metrics[KEY]:.4f}" for j in jobs.list_jobs(settings))
            wait_dom(b, ("4 measurement(s) planned, 4 done", *values), 120, page)
            assert "smoke ❔ inconclusive (stand-in: synthetic en/de/fr set" in b.text()
            click(b, "[...document.querySelectorAll('h3')].find(h => h.innerText === 'Runs')")
            shot(b, tmp_path, "3_measured.png")
        # serve judged the claim again from the runs its worker finished
        (verdict,) = get_claim(settings, claim_id).verdicts
        lhs = verdict["predicates"][0]["measured"]["avg"]["lhs"]
        ml_cs = [j.run for j in jobs.list_jobs(settings) if j.run.config["system"] == "ml-cs"]
        assert lhs["values"] == [r.metrics[KEY] for r in sorted(ml_cs, key=lambda r: r.seed)]
        up = next(i for i, line in enumerate(serve.lines) if line.startswith("claimlab is up"))
        assert any(line.startswith("verdicts at smoke: ") for line in serve.lines[up:])
    finally:
        code = serve.stop()
    assert code == 0 and serve.lines[-1] == "stopped the app and the worker", serve.lines
