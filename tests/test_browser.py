"""End to end: `streamlit run ui/app.py` on localhost, looked at by headless Debian chromium."""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from support.scenario import CLAIM_TEXT, build

from claimlab.config import Settings
from claimlab.store import migrate
from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.25)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


@contextmanager
def served(settings: Settings, readonly: bool = False) -> Iterator[str]:
    """The app served by `streamlit run` on a free localhost port; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "CLAIMLAB_HOME": str(settings.home),
        "CLAIMLAB_DATABASE_URL": settings.database_url,
        "CLAIMLAB_UI_READONLY": "1" if readonly else "",
    }
    command = [
        *(sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py")),
        *("--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        *("--server.fileWatcherType", "none"),
    ]
    log = settings.home / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _get(f"{url}/_stcore/health") == "ok", 60, f"streamlit ({log})")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return resp.read().decode()


class Browser:
    """Headless chromium driven over the DevTools protocol."""

    def __init__(self, profile: Path, width: int = 1500, height: int = 1200) -> None:
        from websockets.sync.client import connect

        profile.mkdir(parents=True, exist_ok=True)
        active = profile / "DevToolsActivePort"
        active.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _wait(lambda: active.exists() and active.read_text().split()[0], 30, "chromium")
            targets = _wait(lambda: json.loads(_get(f"http://127.0.0.1:{port}/json/list")), 10, "")
            page = next(t for t in targets if t["type"] == "page")
            self.connection = ExitStack()
            ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
            self.ws = self.connection.enter_context(ws)
        except BaseException:
            self._stop()
            raise
        self.ids = itertools.count(1)

    def call(self, method: str, **params) -> dict:
        """Send one DevTools command and return its result (events in between are dropped)."""
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def text(self) -> str:
        """The page's visible text."""
        result = self.call("Runtime.evaluate", expression="document.body.innerText")
        return result["result"].get("value", "")

    def open(self, url: str, *texts: str, timeout: float = 60) -> str:
        """Go to `url` and wait until its DOM holds every one of `texts`; returns the DOM."""
        self.call("Page.navigate", url=url)

        def shown() -> str | None:
            dom = self.dom()
            return dom if all(t in dom for t in texts) else None

        return _wait(shown, timeout, f"{texts} on {url}")

    def dom(self) -> str:
        """The page's DOM as HTML."""
        result = self.call("Runtime.evaluate", expression="document.documentElement.outerHTML")
        return result["result"].get("value", "")

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the connection and stop chromium."""
        self.connection.close()
        self._stop()

    def _stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def browser(profile: Path) -> Iterator[Browser]:
    """A headless chromium for the test."""
    b = Browser(profile)
    try:
        yield b
    finally:
        b.close()


def _row(dom: str, text: str) -> str:
    """The HTML of the table row (a11y grid row of the data grid) holding `text`."""
    at = dom.index(text)
    return dom[dom.rindex("<tr", 0, at) : dom.index("</tr>", at)]


def test_claims_page_in_a_real_browser(tmp_path):
    url = f"sqlite:///{tmp_path / 'claimlab.db'}"
    migrate.upgrade(url)
    settings = Settings(home=tmp_path / "home", database_url=url)
    build(settings)
    with served(settings) as app, browser(tmp_path / "chromium") as b:
        b.open(app, "with a verdict", CLAIM_TEXT, "✅ supported")
        shot = b.screenshot(tmp_path / "claims.png")
        text, dom = b.text(), b.dom()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert "19 of 19 claim(s) · 2 with a verdict" in text
    row = _row(dom, CLAIM_TEXT)
    assert "✅ supported" in row and "❔ inconclusive" in row, "the claim's verdicts on its row"
    if os.environ.get("CLAIMLAB_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["CLAIMLAB_SCREENSHOTS"]) / "claims.png")
