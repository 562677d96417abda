"""What `claimlab serve` does before it starts the app: every step idempotent, one line each."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from claimlab.config import Settings
from claimlab.records import PROFILES
from claimlab.services import access, bundle, extraction, grounding, papers, reports, specs
from claimlab.services.access import session
from claimlab.services.claims import list_claims
from claimlab.services.verdicts import compute_verdicts
from claimlab.store import bundles as store_bundles
from claimlab.store import extraction as store_extraction
from claimlab.store import specs as store_specs

ROOT = Path(__file__).resolve().parents[3]
DEMO_REPORTS = ROOT / "examples" / "reports"
SHIPPED_BUNDLE = ROOT / "examples" / "results" / "mini.json"
PROBE_TIMEOUT_S = 5.0
"""How long to wait for arXiv before saying the papers were not fetched."""


@dataclass
class FirstRun:
    """What the first-run steps did."""

    lines: list[str] = field(default_factory=list)
    imported: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, dict[str, int]] = field(default_factory=dict)
    papers_fetched: bool = False
    judged: dict[str, datetime] = field(default_factory=dict)
    """Per profile, the newest finished run already judged (for refresh_verdicts)."""


def first_run(
    settings: Settings,
    *,
    reports_dir: Path | None = DEMO_REPORTS,
    bundle_path: Path | None = SHIPPED_BUNDLE,
    fetch_papers: bool = True,
    timeout_s: float = PROBE_TIMEOUT_S,
    say: Callable[[str], None] = lambda line: None,
) -> FirstRun:
    """Migrate, ingest the reviews, parse specs, load the results bundle, judge, fetch papers,
    ground the claims in them and extract the papers' own claims."""
    out = FirstRun()

    def report(line: str) -> None:
        out.lines.append(line)
        say(line)

    report(
        f"database: {_migrated(access.upgrade_db(settings))} ({access.database_label(settings)})"
    )
    _ingest(settings, reports_dir, report)
    parsed = _parse(settings, report)
    out.imported = _load_bundle(settings, bundle_path, report)
    out.verdicts = refresh_verdicts(settings, out.judged, force=parsed > 0)
    for profile, counts in out.verdicts.items():
        report(f"verdicts at {profile}: {_counts(counts)}")
    if not out.verdicts:
        with session(settings) as s:
            ran = [p for p in PROFILES if p in store_bundles.latest_finished(s)]
        report(
            f"verdicts: up to date at {', '.join(ran)}"
            if ran
            else "verdicts: no finished runs yet; queue runs from a claim's page"
        )
    out.papers_fetched = _papers(settings, fetch_papers, timeout_s, report)
    return out


def _migrated(revisions: tuple[str | None, str | None] | str | None) -> str:
    before, after = revisions if isinstance(revisions, tuple) else (None, revisions)
    if before == after:
        return f"at revision {after}"
    return f"migrated from {before} to {after}" if before else f"created at revision {after}"


def _ingest(settings: Settings, folder: Path | None, report: Callable[[str], None]) -> None:
    if folder is None or not folder.is_dir():
        report(f"reviews: no demo reviews at {folder}")
        return
    results = reports.ingest_reports(settings, [folder])
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.status == "failed":
            report(f"reviews: failed {r.error}")
    report(f"reviews: {_counts(counts)} ({folder})")


def _parse(settings: Settings, report: Callable[[str], None]) -> int:
    with session(settings) as s:
        rows = store_specs.claim_specs(s)
    todo = [r.id for r in rows if r.spec_status == "unparsed"]
    if not todo:
        report(f"specs: all {len(rows)} claim(s) already parsed")
        return 0
    report(f"specs: {_counts(specs.parse_specs(settings, todo))}")
    return len(todo)


def _load_bundle(
    settings: Settings, path: Path | None, report: Callable[[str], None]
) -> dict[str, int]:
    if path is None or not path.is_file():
        report(f"results: no shipped results bundle ({path}); verdicts wait for runs")
        return {}
    try:
        profile, counts = bundle.import_bundle(settings, path)
    except bundle.BundleError as exc:
        report(f"results: bundle not loaded: {exc}")
        return {}
    report(f"results: {_counts(counts)} run(s) at {profile} from {path.name}")
    return counts


def refresh_verdicts(
    settings: Settings, judged: dict[str, datetime], force: bool = False
) -> dict[str, dict[str, int]]:
    """Judge again each profile with runs finished since it was last judged; counts per profile.

    `judged` remembers, per profile, the newest finished run already judged; it is updated.
    """
    with session(settings) as s:
        latest = store_bundles.latest_finished(s)
        computed = store_bundles.latest_verdicts(s)
    out = {}
    for profile in PROFILES:
        newest = latest.get(profile)
        if newest is None:
            continue
        mark = judged.get(profile, computed.get(profile))
        if force or mark is None or newest > mark:
            judged[profile] = newest  # before judging: a run finishing meanwhile is newer
            out[profile] = compute_verdicts(settings, profile)
    return out


def arxiv_unreachable(url: str, timeout_s: float = PROBE_TIMEOUT_S) -> str | None:
    """Why the arXiv API at `url` cannot be reached (None when a connection opens)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout_s):
            return None
    except OSError as exc:
        return f"{parts.hostname}:{port} unreachable ({exc.strerror or exc})"


def _papers(
    settings: Settings, fetch: bool, timeout_s: float, report: Callable[[str], None]
) -> bool:
    later = (
        "later: `claimlab ingest report --fetch-papers examples/reports`, then `claimlab ground`"
    )
    if not fetch:
        report(f"papers not fetched: turned off (--no-fetch-papers); {later}")
        return False
    wanted = papers.referenced_ids(settings)
    have = {p.key for p in papers.list_papers(settings) if p.pdf_status == "ok"}
    missing = [i for i in wanted if i not in have]
    added = 0
    if missing:
        why = arxiv_unreachable(settings.arxiv_api_url, timeout_s)
        if why:
            report(f"papers not fetched: arXiv {why}; the claims stay ungrounded; {later}")
            return False
        results = papers.ingest_arxiv(settings, missing)
        added = sum(r.status == "added" for r in results)
        failed = [f"{r.key} ({r.error})" for r in results if r.status in ("failed", "pdf-failed")]
        report(f"papers: {added} fetched, {len(have)} already here" + _failed(failed))
    else:
        report(f"papers: all {len(wanted)} cited paper(s) already here")
    pending = any(c.grounding_status == "pending" for c in list_claims(settings))
    if added or (have and pending):
        counts = grounding.ground_claims(settings)
        report(
            f"grounding: {counts['found']} grounded, {counts['not-found']} not found in source, "
            f"{counts['pending']} without an ingested paper"
        )
    _extract(settings, wanted, report)
    return True


def _extract(settings: Settings, keys: list[str], report: Callable[[str], None]) -> None:
    """Extract the claims of the cited papers not extracted yet, then judge them; a failure
    is one line and the first run goes on (the papers' own claims are extra)."""
    try:
        with session(settings) as s:
            ids, _ = store_extraction.paper_ids_for(s, keys)
            with_pdf = sum(r.pdf_status == "ok" for r in store_extraction.papers(s, ids))
        todo = extraction.pending(settings, ids)
        if not todo:
            if with_pdf:
                report(f"paper claims: all {with_pdf} cited paper(s) already extracted")
            return
        results = extraction.extract(settings, todo)
    except Exception as exc:
        report(
            f"paper claims: not extracted ({type(exc).__name__}: {exc}); "
            "later: `claimlab papers extract`"
        )
        return
    done = [r for r in results if not r.error]
    report(
        f"paper claims: {sum(r.sentences for r in done)} claim sentence(s) and "
        f"{sum(r.values for r in done)} table value(s) from {len(done)} paper(s)"
        + _failed([r.error for r in results if r.error])
    )
    _judge(settings, sorted({c for r in done for c in r.claim_ids}), report)


def _judge(settings: Settings, claim_ids: list[int], report: Callable[[str], None]) -> None:
    """Judge these claims at every profile with finished runs; a failure is one line."""
    if not claim_ids:
        return
    try:
        with session(settings) as s:
            ran = [p for p in PROFILES if p in store_bundles.latest_finished(s)]
        for profile in ran:
            counts = compute_verdicts(settings, profile, claim_ids)
            report(f"verdicts of paper claims at {profile}: {_counts(counts)}")
    except Exception as exc:
        report(f"verdicts of paper claims: not computed ({type(exc).__name__}: {exc})")


def _failed(items: list[str]) -> str:
    return f"; failed: {', '.join(items)}" if items else ""


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing"
