"""arXiv identifiers, and metadata through the `arxiv` package (PDFs: ingest.download)."""

from __future__ import annotations

import email.utils
import functools
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import arxiv
import requests
from lxml import etree

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_PDF_BASE = "https://arxiv.org/pdf/"
USER_AGENT = "claimlab/0.1 (literature-claim checker)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_ID_BATCH = 100

_NEW_ID = re.compile(r"(?P<base>\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v(?P<version>[1-9]\d{0,3}))?")
_OLD_ID = re.compile(
    r"(?P<base>[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3})"
    r"(?:v(?P<version>[1-9]\d{0,3}))?"
)
_ID_PREFIX = re.compile(r"(?i)^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)")


@dataclass(frozen=True)
class ArxivSettings:
    """Where and how politely claimlab talks to arXiv."""

    api_url: str = DEFAULT_API_URL
    """Query endpoint of the arXiv API, or of a mirror or proxy."""
    pdf_base: str = DEFAULT_PDF_BASE
    """PDF base URL. At the default, the PDF link of the API entry is used; any other
    value is a mirror and PDFs come from `pdf_base + id` (e.g. `.../pdf/2106.01732v2`)."""
    delay: float = 3.0
    """Seconds between requests to the API, and between PDF downloads (arXiv asks for 3)."""
    retries: int = 3
    """Extra tries after a failed request (HTTP 429/5xx, empty page, network error)."""
    timeout: float = 30.0
    """Seconds to wait for a connection or for the next bytes of a response."""
    max_bytes: int = 50_000_000
    """Largest PDF accepted; a larger download is abandoned."""
    backoff: float = 2.0
    """First wait before a PDF retry; doubled after each further failure."""
    max_wait: float = 120.0
    """Upper bound of any single wait, Retry-After included."""
    deadline: float = 120.0
    """Seconds one PDF download may take in all, retries and waits included."""


@dataclass(frozen=True)
class ArxivId:
    """A validated arXiv identifier, new style (2106.01732) or old style (hep-th/9901001)."""

    base: str
    """Identifier without version."""
    version: int | None = None
    """Version number, None for "the latest"."""

    def __str__(self) -> str:
        return self.base if self.version is None else f"{self.base}v{self.version}"

    @property
    def filename(self) -> str:
        """Safe PDF file name: the id with "/" replaced by "_" (hep-th_9901001v1.pdf)."""
        return f"{str(self).replace('/', '_')}.pdf"


@dataclass(frozen=True)
class PaperMeta:
    """Metadata of one version of a paper, as the arXiv API reports it."""

    arxiv_id: str
    """Identifier without version, e.g. "2106.01732"."""
    version: int | None
    """Version of this entry (the API always names one)."""
    title: str
    authors: list[str]
    abstract: str
    categories: list[str]
    """arXiv categories, primary first, e.g. ["cs.CL", "cs.AI"]."""
    published: datetime
    """Submission time of version 1 (UTC); the watermark of saved searches."""
    updated: datetime
    """Submission time of this version (UTC)."""
    pdf_url: str | None
    """PDF link given by the API."""

    @property
    def id(self) -> ArxivId:
        """The versioned identifier."""
        return ArxivId(self.arxiv_id, self.version)


class ArxivIdError(ValueError):
    """Text that is not an arXiv identifier."""


class FetchError(RuntimeError):
    """An API query or PDF download that failed for good; `reason` says how."""

    def __init__(self, reason: str, message: str, url: str = "") -> None:
        super().__init__(f"{message} ({url})" if url else message)
        self.reason = reason
        """One of: http, network, empty_page, malformed, not_pdf, too_large, truncated,
        deadline."""
        self.url = url


def parse_arxiv_id(text: str) -> ArxivId:
    """Validate an id ("2106.01732v2", "hep-th/9901001", "arXiv:…", abs/pdf URLs)."""
    raw = _ID_PREFIX.sub("", text.strip())
    raw = raw.removesuffix(".pdf")
    match = _NEW_ID.fullmatch(raw) or _OLD_ID.fullmatch(raw)
    if match is None:
        raise ArxivIdError(
            f"not an arXiv id: {text!r} (expected e.g. 2106.01732, 2106.01732v2 or hep-th/9901001)"
        )
    base, version = match.group("base"), match.group("version")
    if "/" not in base:
        # New-style numbers have 4 digits from 0704 to 1412 and 5 digits since 1501.
        yymm, number = base.split(".")
        if yymm < "0704" or len(number) != (5 if yymm >= "1501" else 4):
            raise ArxivIdError(f"not an arXiv id: {text!r} (no such number for {yymm})")
    return ArxivId(base, int(version) if version else None)


def make_client(
    settings: ArxivSettings, *, sleep: Callable[[float], None] = time.sleep
) -> arxiv.Client:
    """A fresh `arxiv.Client` for these settings (most callers want `client_for`)."""
    client = arxiv.Client(page_size=100, delay_seconds=settings.delay, num_retries=settings.retries)
    # Client reads its endpoint from this format string; braces must survive .format().
    endpoint = settings.api_url.replace("{", "{{").replace("}", "}}")
    client.query_url_format = endpoint + ("&" if "?" in endpoint else "?") + "{}"
    # The package sends requests without a timeout, ignores Retry-After and takes a
    # malformed page for an empty one; its session does all three.
    client._session = _ApiSession(settings.timeout, settings.max_wait, sleep)
    return client


@functools.lru_cache(maxsize=8)
def client_for(settings: ArxivSettings) -> arxiv.Client:
    """The one reused client per settings, so the polite delay holds across calls."""
    return make_client(settings)


def fetch_metadata(
    ids: Iterable[str], settings: ArxivSettings, *, client: arxiv.Client | None = None
) -> list[PaperMeta]:
    """Metadata for ids, in the order asked; ids arXiv does not know are left out.

    Every id is validated before any request; a versionless id yields the latest version.
    """
    wanted = list(dict.fromkeys(parse_arxiv_id(i) for i in ids))
    client = client or client_for(settings)
    found: dict[str, PaperMeta] = {}
    for start in range(0, len(wanted), _ID_BATCH):
        batch = wanted[start : start + _ID_BATCH]
        search = arxiv.Search(id_list=[str(i) for i in batch], max_results=len(batch))
        for meta in _run(client, search):
            found.setdefault(meta.arxiv_id, meta)
            found[str(meta.id)] = meta
    return [found[str(i)] for i in wanted if str(i) in found]


def search(
    query: str,
    settings: ArxivSettings,
    *,
    max_results: int = 50,
    category: str | None = None,
    newer_than: datetime | None = None,
    client: arxiv.Client | None = None,
) -> list[PaperMeta]:
    """Papers matching an arXiv query (e.g. 'abs:"code-switching" AND cat:cs.CL').

    Without `newer_than`: the newest `max_results` by submission date, newest first.
    With it (a saved search's watermark): the oldest `max_results` submitted after it,
    oldest first, so ingesting in order and advancing the watermark after each paper
    never skips a paper, even when more than `max_results` are new.
    """
    text = f"({query})" if category is None else f"({query}) AND cat:{category}"
    order = arxiv.SortOrder.Descending
    if newer_than is not None:
        newer_than = newer_than if newer_than.tzinfo else newer_than.replace(tzinfo=UTC)
        since = newer_than.astimezone(UTC).strftime("%Y%m%d%H%M")
        until = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y%m%d%H%M")
        text = f"{text} AND submittedDate:[{since} TO {until}]"
        order = arxiv.SortOrder.Ascending
    request = arxiv.Search(
        query=text,
        max_results=max_results,
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=order,
    )
    client = client or client_for(settings)
    results = _run(client, request, page_size=max(1, min(max_results, 100)))
    # The API filters by minute only; the exact watermark is applied here.
    return [m for m in results if newer_than is None or m.published > newer_than]


def pdf_url(paper: PaperMeta | ArxivId, settings: ArxivSettings) -> str:
    """Where the PDF of a paper is fetched from under these settings."""
    if isinstance(paper, PaperMeta):
        if paper.pdf_url and settings.pdf_base == DEFAULT_PDF_BASE:
            # The API still writes http:// links; asking for https saves a redirect.
            return re.sub(r"^http://(www\.)?arxiv\.org/", "https://arxiv.org/", paper.pdf_url)
        paper = paper.id
    return settings.pdf_base.rstrip("/") + "/" + str(paper)


class MalformedFeedError(requests.ConnectionError):
    """An API answer that is not a well-formed Atom feed (retried like a network error)."""


class _ApiSession(requests.Session):
    """The API client's session: a default timeout, Retry-After honoured, feeds checked."""

    def __init__(self, timeout: float, max_wait: float, sleep: Callable[[float], None]) -> None:
        super().__init__()
        self._timeout, self._max_wait, self._sleep = timeout, max_wait, sleep

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", self._timeout)
        response = super().request(method, url, **kwargs)
        if response.status_code == 429 or response.status_code >= 500:
            # The package retries at once; wait as long as the server asked (bounded).
            wait = retry_after(response.headers.get("Retry-After"))
            if wait:
                self._sleep(min(wait, self._max_wait))
        elif response.status_code == 200:
            _check_feed(response.content, url)
        return response


def _check_feed(content: bytes, url: str) -> None:
    """Raise MalformedFeedError unless content parses strictly as an Atom feed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedFeedError(f"arXiv API answered malformed XML: {exc}") from exc
    if root is None or etree.QName(root).localname != "feed":
        raise MalformedFeedError("arXiv API answered XML that is not an Atom feed")


def _run(client: arxiv.Client, request: arxiv.Search, page_size: int = 100) -> list[PaperMeta]:
    """Execute a search, turning the package's failures into FetchError."""
    client.page_size = page_size
    try:
        return list(_metas(client.results(request)))
    except arxiv.HTTPError as exc:
        raise FetchError(
            "http", f"arXiv API answered HTTP {exc.status} after {exc.retry + 1} tries", exc.url
        ) from exc
    except arxiv.UnexpectedEmptyPageError as exc:
        raise FetchError(
            "empty_page", f"arXiv API kept returning an empty page ({exc.retry + 1} tries)", exc.url
        ) from exc
    except MalformedFeedError as exc:
        raise FetchError("malformed", f"{exc} (after {client.num_retries + 1} tries)") from exc
    except requests.RequestException as exc:
        raise FetchError("network", f"arXiv API unreachable: {exc}") from exc


def _metas(results: Iterator[arxiv.Result]) -> Iterator[PaperMeta]:
    """PaperMeta for each result whose id is valid."""
    for r in results:
        try:
            aid = parse_arxiv_id(r.get_short_id())
        except ArxivIdError:
            log.warning("skipping API entry with unusable id %r", r.entry_id)
            continue
        yield PaperMeta(
            arxiv_id=aid.base,
            version=aid.version,
            title=" ".join(r.title.split()),
            authors=[a.name for a in r.authors],
            abstract=" ".join(r.summary.split()),
            categories=list(r.categories),
            published=r.published,
            updated=r.updated,
            pdf_url=r.pdf_url,
        )


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
