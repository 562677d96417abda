"""Saved arXiv searches polled for new papers: one pass (for cron) or a long-running loop."""

from __future__ import annotations

import logging
import re
import signal
import threading
from dataclasses import dataclass

from claimlab.config import Settings
from claimlab.ingest import arxiv
from claimlab.services.access import guard, session
from claimlab.services.papers import arxiv_settings, ingest_meta
from claimlab.store import searches

log = logging.getLogger(__name__)
_EVERY = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class PassResult:
    """What one pass did for one saved search."""

    search_id: int
    query: str
    new_papers: int
    error: str | None = None


def add(settings: Settings, query: str, category: str | None, max_results: int) -> tuple[int, bool]:
    """Save a search; returns (id, created)."""
    guard(settings, write=True)
    with session(settings, write=True) as s:
        return searches.add_search(s, query, category or "", max_results)


def list_all(settings: Settings) -> list[searches.SearchView]:
    """Every saved search with its watermark."""
    with session(settings) as s:
        return searches.list_searches(s)


def run_pass(settings: Settings) -> list[PassResult]:
    """One pass over every saved search, ingesting papers newer than its watermark.

    Papers come oldest first and the watermark moves after each one, so a pass that dies
    half-way resumes where it stopped; ingesting a paper twice changes nothing.
    """
    guard(settings, write=True)  # before asking arXiv anything
    out = []
    for search in list_all(settings):
        new, error = 0, None
        try:
            metas = arxiv.search(
                search.query,
                arxiv_settings(settings),
                max_results=search.max_results,
                category=search.category or None,
                newer_than=search.watermark,
            )
            for meta in sorted(metas, key=lambda m: m.published):
                result = ingest_meta(settings, meta)
                new += result.status == "added"
                with session(settings, write=True) as db:
                    searches.advance(db, search.id, meta.published)
        except Exception as exc:  # one broken search must not stop the others
            error = f"{type(exc).__name__}: {exc}"
            log.warning("saved search %s failed: %s", search.id, error)
        with session(settings, write=True) as db:
            searches.finish_pass(db, search.id, error)
        out.append(PassResult(search.id, search.query, new, error))
    return out


def parse_every(text: str) -> float:
    """Seconds in an interval such as '6h', '30m' or '1d'."""
    m = _EVERY.match(text.strip())
    if not m:
        raise ValueError(f"interval {text!r}: use a number and s, m, h or d, e.g. 6h")
    return float(m.group(1)) * _UNIT[m.group(2)]


def serve(settings: Settings, every_s: float, on_pass=None, max_passes: int | None = None) -> int:
    """Run a pass now and then every `every_s` seconds until SIGTERM/SIGINT; returns passes."""
    guard(settings, write=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    passes = 0
    while not stop.is_set():
        results = run_pass(settings)
        passes += 1
        if on_pass:
            on_pass(results)
        if max_passes is not None and passes >= max_passes:
            break
        stop.wait(every_s)
    return passes
