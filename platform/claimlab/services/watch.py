"""Saved arXiv searches polled for new papers: one pass (for cron) or a long-running loop.

After ingesting, a pass extracts the claims of the search's papers not yet extracted and,
for a search saved with --reproduce, queues the missing runs of their runnable claims, at
most max-runs per pass; both are worked out from what is stored (extracted PDFs, existing
runs), so a pass that dies half-way leaves the rest to the next one and nothing is done
twice."""

from __future__ import annotations

import logging
import re
import signal
import threading
from dataclasses import dataclass

from claimlab.config import Settings
from claimlab.ingest import arxiv
from claimlab.records import PROFILES
from claimlab.runs.requests import run_request
from claimlab.services import extraction
from claimlab.services.access import guard, session
from claimlab.services.jobs import enqueue_runs, existing_runs
from claimlab.services.papers import arxiv_settings, ingest_meta
from claimlab.services.reproduce import plan_claims
from claimlab.store import papers as store_papers
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
    extracted: int = 0
    """Papers whose claims were extracted in this pass."""
    extract_errors: tuple[str, ...] = ()
    """Papers whose extraction failed (tried again next pass)."""
    queued: int = 0
    """Runs queued for the search's runnable claims (--reproduce)."""
    waiting: int = 0
    """Runs still missing after this pass's bound (queued by later passes)."""


def add(
    settings: Settings,
    query: str,
    category: str | None,
    max_results: int,
    reproduce: str | None = None,
    seeds: int | None = None,
    max_runs: int | None = None,
) -> tuple[int, bool]:
    """Save a search (with `reproduce`, the profile its claims' runs are queued at after
    each pass); returns (id, created). Saving an existing search again updates its
    reproduce settings when given."""
    guard(settings, write=True)
    if reproduce is None and (seeds is not None or max_runs is not None):
        raise ValueError("--seeds and --max-runs need --reproduce PROFILE")
    if reproduce is not None and reproduce not in PROFILES:
        raise ValueError(f"profile {reproduce!r} is not one of {', '.join(PROFILES)}")
    if seeds is not None and seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds}")
    if max_runs is not None and max_runs < 0:
        raise ValueError(f"max-runs must be 0 or more, got {max_runs}")
    plan = searches.Reproduce(reproduce, seeds, max_runs) if reproduce else None
    with session(settings, write=True) as s:
        return searches.add_search(s, query, category or "", max_results, plan)


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
                    paper_id = store_papers.find_paper(db, meta.arxiv_id, meta.version)
                    if paper_id is not None:
                        searches.record_paper(db, search.id, paper_id)
                    searches.advance(db, search.id, meta.published)
        except Exception as exc:  # one broken search must not stop the others
            error = f"{type(exc).__name__}: {exc}"
            log.warning("saved search %s failed: %s", search.id, error)
        after = _after_ingest(settings, search)
        with session(settings, write=True) as db:
            searches.finish_pass(db, search.id, error)
        out.append(PassResult(search.id, search.query, new, error, *after))
    return out


def _after_ingest(
    settings: Settings, search: searches.SearchView
) -> tuple[int, tuple[str, ...], int, int]:
    """Extract the search's papers not yet extracted, then queue the missing runs of their
    claims (with --reproduce); returns (extracted, extraction errors, queued, waiting)."""
    with session(settings) as db:
        paper_ids = searches.search_papers(db, search.id)
    results = extraction.extract(settings, extraction.pending(settings, paper_ids))
    errors = tuple(r.error for r in results if r.error)
    extracted = len(results) - len(errors)
    if not search.reproduce_profile:
        return extracted, errors, 0, 0
    try:
        queued, waiting = queue_runs(
            settings,
            extraction.claims_of(settings, paper_ids),
            search.reproduce_profile,
            search.reproduce_seeds,
            search.reproduce_max_runs,
        )
    except Exception as exc:  # queueing failing leaves the pass's other work done
        log.warning("saved search %s: queueing runs failed: %s", search.id, exc)
        errors += (f"queueing runs: {type(exc).__name__}: {exc}",)
        queued = waiting = 0
    return extracted, errors, queued, waiting


def queue_runs(
    settings: Settings,
    claim_ids: list[int],
    profile: str,
    seeds: int | None,
    max_runs: int | None,
) -> tuple[int, int]:
    """Queue the runs these claims need at `profile` that do not exist yet, claim by claim,
    at most `max_runs`; returns (queued, still missing)."""
    if not claim_ids:
        return 0, 0
    plans, runs = plan_claims(settings, claim_ids, profile, seeds)
    needed: list[str] = []
    for plan in plans:  # claim order, then predicate and seed order
        for pp in plan.predicates:
            for check in pp.checks:
                for side in (check.lhs, check.rhs):
                    for digest in side.runs.values() if side else ():
                        if digest not in needed:
                            needed.append(digest)
    known = existing_runs(settings, needed)
    missing = [d for d in needed if d not in known]
    take = missing if max_runs is None else missing[:max_runs]
    requests = [
        run_request(r.recipe, r.profile, r.seed, r.config, r.config_hash)
        for r in (runs[d] for d in take)
    ]
    created = sum(new for _, new in enqueue_runs(settings, requests)) if requests else 0
    return created, len(missing) - len(take)


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
