"""PDF downloads: a total deadline, complete files only, renamed into the papers folder."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from claimlab.ingest.arxiv import (
    RETRY_STATUS,
    USER_AGENT,
    ArxivId,
    ArxivSettings,
    FetchError,
    PaperMeta,
    parse_arxiv_id,
    pdf_url,
    retry_after,
)
from claimlab.ingest.files import publish, sha256_of, temp_beside
from claimlab.ingest.pdf import PdfError, check_complete

log = logging.getLogger(__name__)
_RETRIED = frozenset({"truncated"})
"""FetchError reasons that a new request may cure (besides HTTP 429/5xx and the network)."""


@dataclass(frozen=True)
class Download:
    """A PDF stored in the papers folder."""

    path: Path
    sha256: str
    size: int
    url: str
    """Where it came from ("" when the file was already there)."""


def download_pdf(
    paper: PaperMeta | ArxivId | str,
    papers_dir: Path,
    settings: ArxivSettings,
    *,
    overwrite: bool = False,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    check: Callable[[Path], object] | None = None,
) -> Download:
    """Fetch a paper's PDF into papers_dir atomically and return its path and sha256.

    The id is validated before the file system is touched. HTTP 429 and 5xx, network
    errors and cut-off bodies are retried with exponential backoff (honouring Retry-After)
    until `settings.deadline` seconds have passed in all. The body must start with %PDF,
    match its Content-Length, end with startxref/%%EOF, stay under `max_bytes` and pass
    `check` (called on the finished temporary file; its exceptions propagate) before it
    is renamed into place, so nothing but a complete, accepted PDF is ever in the folder.
    An existing file is kept unless `overwrite` or it fails the same checks.
    """
    if isinstance(paper, PaperMeta):
        aid, url = paper.id, pdf_url(paper, settings)
    else:
        aid = paper if isinstance(paper, ArxivId) else parse_arxiv_id(paper)
        url = pdf_url(aid, settings)
    papers_dir = Path(papers_dir)
    dest = papers_dir / aid.filename
    if dest.is_file() and not overwrite and (kept := _reuse(dest, check)):
        return kept
    http = session or _shared_session()
    deadline = time.monotonic() + settings.deadline
    failure: FetchError | None = None
    for attempt in range(settings.retries + 1):
        _pace(settings.delay, sleep)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        wait: float | None = None
        try:
            with http.get(
                url,
                stream=True,
                timeout=min(settings.timeout, remaining),
                headers={"User-Agent": USER_AGENT},
            ) as response:
                if response.status_code == 200:
                    tmp = _receive(response, dest, settings.max_bytes, url, deadline)
                    return _accept(tmp, dest, url, check)
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(
                        "http", f"PDF request answered HTTP {response.status_code}", url
                    )
                failure = FetchError(
                    "http",
                    f"PDF request answered HTTP {response.status_code} after {attempt + 1} tries",
                    url,
                )
                wait = retry_after(response.headers.get("Retry-After"))
        except FetchError as exc:
            if exc.reason not in _RETRIED:
                raise
            failure = FetchError(exc.reason, f"{exc.args[0]} ({attempt + 1} tries)", url)
        except requests.RequestException as exc:
            failure = FetchError(
                "network", f"PDF download failed after {attempt + 1} tries: {exc}", url
            )
        if attempt < settings.retries:
            delay = min(
                wait if wait is not None else settings.backoff * 2**attempt, settings.max_wait
            )
            if time.monotonic() + delay >= deadline:
                break
            log.info("retrying %s in %.1f s (%s)", url, delay, failure)
            sleep(delay)
        else:
            assert failure is not None
            raise failure
    last = f"; last failure: {failure}" if failure else ""
    raise FetchError(
        "deadline", f"PDF download gave up after the {settings.deadline:g} s deadline{last}", url
    )


def _reuse(dest: Path, check: Callable[[Path], object] | None) -> Download | None:
    """The existing file as a Download, or None (and the file removed) when it fails checks."""
    try:
        _check_tail(dest, "")
        if check is not None:
            check(dest)
    except (FetchError, PdfError) as exc:
        log.warning("discarding stored %s: %s", dest, exc)
        dest.unlink(missing_ok=True)
        return None
    digest, size = sha256_of(dest)
    return Download(dest, digest, size, "")


def _accept(tmp: Path, dest: Path, url: str, check: Callable[[Path], object] | None) -> Download:
    """Run the caller's check on a received file, then rename it into place."""
    try:
        if check is not None:
            check(tmp)
        digest, size = sha256_of(tmp)
        publish(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return Download(dest, digest, size, url)


def _receive(
    response: requests.Response, dest: Path, max_bytes: int, url: str, deadline: float
) -> Path:
    """Stream a response into a temporary file beside dest and check it is a whole PDF."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"PDF is {declared} bytes, over the {max_bytes} limit", url)
    expired = threading.Event()
    # A server trickling bytes never trips the read timeout; at the deadline the socket
    # is shut down under the blocked read.
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, (response, expired))
    watchdog.daemon = True
    watchdog.start()
    tmp = temp_beside(dest)
    size = 0
    try:
        with tmp.open("wb") as out:
            head = b""
            try:
                for chunk in response.iter_content(chunk_size=65536):
                    if len(head) < 5:
                        head = (head + chunk)[:5]
                        if len(head) == 5 and head != b"%PDF-":
                            raise _not_pdf(response, url)
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(
                            "too_large", f"PDF exceeds the {max_bytes} byte limit", url
                        )
                    out.write(chunk)
                    if expired.is_set():
                        break
            except requests.RequestException as exc:
                if not expired.is_set():
                    raise FetchError(
                        "truncated", f"the download stopped after {size} bytes ({exc})", url
                    ) from exc
            if expired.is_set():
                raise FetchError(
                    "deadline", f"PDF download passed its deadline with {size} bytes received", url
                )
            if head != b"%PDF-":
                raise _not_pdf(response, url)
            out.flush()
            os.fsync(out.fileno())
        if declared.isdigit() and size != int(declared):
            raise FetchError("truncated", f"got {size} of {declared} bytes", url)
        _check_tail(tmp, url)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        watchdog.cancel()
    return tmp


def _check_tail(path: Path, url: str) -> None:
    """FetchError("truncated") unless the file ends like a complete PDF."""
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        tail = f.read()
    try:
        check_complete(tail)
    except PdfError as exc:
        raise FetchError("truncated", str(exc), url) from None


def _abort(response: requests.Response, expired: threading.Event) -> None:
    """Mark the download as over its deadline and shut its socket to end a blocked read."""
    expired.set()
    raw = response.raw
    conn = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(conn, "sock", None)
    if sock is None:
        fp = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _not_pdf(response: requests.Response, url: str) -> FetchError:
    """The error for an answer that does not start like a PDF."""
    kind = response.headers.get("Content-Type", "no content type")
    return FetchError("not_pdf", f"answer is not a PDF ({kind})", url)


@functools.cache
def _shared_session() -> requests.Session:
    """One connection pool for all PDF downloads."""
    return requests.Session()


_pace_lock = threading.Lock()
_last_download = 0.0


def _pace(delay: float, sleep: Callable[[float], None]) -> None:
    """Keep `delay` seconds between the starts of PDF requests."""
    global _last_download
    with _pace_lock:
        remaining = _last_download + delay - time.monotonic()
        if remaining > 0:
            sleep(remaining)
        _last_download = time.monotonic()
