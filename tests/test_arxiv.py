"""Tests for claimlab.ingest.arxiv against recorded feeds served from a local HTTP arxiv_stub."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pymupdf
import pytest
from support.arxiv_server import ArxivStub, Reply

from claimlab.ingest.arxiv import (
    DEFAULT_PDF_BASE,
    ArxivId,
    ArxivIdError,
    ArxivSettings,
    FetchError,
    client_for,
    fetch_metadata,
    make_client,
    parse_arxiv_id,
    pdf_url,
    search,
)
from claimlab.ingest.download import download_pdf
from claimlab.ingest.pdf import PdfError

FEEDS = Path(__file__).parent / "fixtures" / "arxiv"


@pytest.fixture
def settings(arxiv_stub: ArxivStub) -> ArxivSettings:
    return ArxivSettings(
        api_url=f"{arxiv_stub.base}/api/query",
        pdf_base=f"{arxiv_stub.base}/pdf/",
        delay=0.0,
        retries=2,
        timeout=5.0,
        backoff=0.01,
    )


def _feed(name: str) -> Reply:
    return 200, {"Content-Type": "application/atom+xml; charset=utf-8"}, (FEEDS / name).read_bytes()


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Word-Exchange Aligning Model (WEAM).")
    return doc.tobytes()


def _pdf(data: bytes, **headers: str) -> Reply:
    return 200, {"Content-Type": "application/pdf", **headers}, data


# Identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2106.01732", ArxivId("2106.01732")),
        ("2106.01732v2", ArxivId("2106.01732", 2)),
        ("0704.0001", ArxivId("0704.0001")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("hep-th/9901001v1", ArxivId("hep-th/9901001", 1)),
        ("math.GT/0309136", ArxivId("math.GT/0309136")),
        ("arXiv:2305.05295v2", ArxivId("2305.05295", 2)),
        ("http://arxiv.org/abs/2106.01732v2", ArxivId("2106.01732", 2)),
        ("https://arxiv.org/pdf/2305.05295v2.pdf", ArxivId("2305.05295", 2)),
    ],
)
def test_valid_ids(text: str, expected: ArxivId):
    assert parse_arxiv_id(text) == expected


def test_file_names_come_from_validated_ids():
    assert parse_arxiv_id("hep-th/9901001v1").filename == "hep-th_9901001v1.pdf"
    assert str(parse_arxiv_id("2106.01732v2")) == "2106.01732v2"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2106.1732",
        "1412.01732",
        "0612.0001",
        "2113.01732",
        "2106.01732v0",
        "2106.017320000",
        "hep-th/990100",
        "HEP-TH/9901001",
        "../../etc/passwd",
        "2106.01732/../../x",
        "2106.01732 v2",
        "hep-th/9901001/../../evil",
    ],
)
def test_invalid_ids_refused_before_touching_anything(
    text: str, arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path
):
    with pytest.raises(ArxivIdError, match="not an arXiv id"):
        parse_arxiv_id(text)
    papers = tmp_path / "papers"
    with pytest.raises(ArxivIdError):
        download_pdf(text, papers, settings)
    with pytest.raises(ArxivIdError):
        fetch_metadata(["2106.01732", text], settings)
    assert not papers.exists()
    assert arxiv_stub.seen == []


# Metadata


def test_fetch_metadata_from_normal_feed(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("id_list_2106.01732v2.xml"))
    [meta] = fetch_metadata(["2106.01732v2"], settings, client=make_client(settings))
    assert meta.arxiv_id == "2106.01732" and meta.version == 2
    assert meta.title == "Bilingual Alignment Pre-Training for Zero-Shot Cross-Lingual Transfer"
    assert meta.authors == [
        "Ziqing Yang",
        "Wentao Ma",
        "Yiming Cui",
        "Jiani Ye",
        "Wanxiang Che",
        "Shijin Wang",
    ]
    assert meta.abstract.startswith("Multilingual pre-trained models have achieved remarkable")
    assert "\n" not in meta.abstract and "  " not in meta.abstract
    assert meta.categories == ["cs.CL"]
    assert meta.published == datetime(2021, 6, 3, 10, 19, 25, tzinfo=UTC)
    assert meta.updated == datetime(2021, 6, 8, 2, 45, 10, tzinfo=UTC)
    assert meta.pdf_url == "http://arxiv.org/pdf/2106.01732v2"
    assert arxiv_stub.queries()[0]["id_list"] == "2106.01732v2"


def test_fetch_metadata_keeps_request_order(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("id_list_two.xml"))
    metas = fetch_metadata(["2106.01732v2", "2305.05295", "2106.01732v2"], settings)
    assert [str(m.id) for m in metas] == ["2106.01732v2", "2305.05295v2"]
    assert metas[1].title == (
        "Boosting Zero-shot Cross-lingual Retrieval by Training on Artificially Code-Switched Data"
    )
    assert metas[1].categories == ["cs.IR", "cs.CL"]
    assert arxiv_stub.queries()[0]["id_list"] == "2106.01732v2,2305.05295"


def test_one_client_is_reused_per_settings(settings: ArxivSettings):
    assert client_for(settings) is client_for(settings)
    assert client_for(settings) is not client_for(replace(settings, delay=1.0))
    assert make_client(settings).query_url_format.startswith(settings.api_url + "?")


def test_search_pages_through_results_newest_first(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("search_page1.xml"), _feed("search_page2.xml"))
    metas = search("cross-lingual transfer", settings, max_results=3)
    assert [str(m.id) for m in metas] == ["2305.05295v2", "2106.01732v2", "1910.07475v3"]
    first, second = arxiv_stub.queries()
    assert first["search_query"] == "(cross-lingual transfer)"
    assert (first["sortBy"], first["sortOrder"]) == ("submittedDate", "descending")
    assert (first["start"], second["start"]) == ("0", "2")


def test_search_with_empty_page(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("empty.xml"))
    assert search("ti:zyxwvut", settings, max_results=10) == []
    assert len(arxiv_stub.seen) == 1


def test_search_survives_one_empty_page_but_not_endless_ones(
    arxiv_stub: ArxivStub, settings: ArxivSettings
):
    page1, page2, empty = (
        _feed(n) for n in ("search_page1.xml", "search_page2.xml", "search_page2_empty.xml")
    )
    arxiv_stub.script("/api/query", page1, empty, page2)
    metas = search("cross-lingual transfer", settings, max_results=3, client=make_client(settings))
    assert [str(m.id) for m in metas][-1] == "1910.07475v3"
    assert [q["start"] for q in arxiv_stub.queries()] == ["0", "2", "2"]
    arxiv_stub.seen.clear()
    arxiv_stub.script("/api/query", page1, empty)
    with pytest.raises(FetchError, match="empty page") as err:
        search("cross-lingual transfer", settings, max_results=3, client=make_client(settings))
    assert err.value.reason == "empty_page" and len(arxiv_stub.seen) == 4


def test_search_newer_than_watermark(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("search_since.xml"))
    watermark = datetime(2021, 6, 3, 10, 19, 25, tzinfo=UTC)  # 2106.01732's submission
    metas = search(
        "cross-lingual transfer", settings, max_results=10, category="cs.CL", newer_than=watermark
    )
    assert [str(m.id) for m in metas] == ["2305.05295v2"]
    query = arxiv_stub.queries()[0]
    assert query["search_query"].startswith(
        "(cross-lingual transfer) AND cat:cs.CL AND submittedDate:[202106031019 TO "
    )
    assert query["sortOrder"] == "ascending"


def test_api_429_then_success(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script(
        "/api/query", (429, {"Retry-After": "0"}, b"Rate exceeded."), _feed("empty.xml")
    )
    assert search("ti:zyxwvut", settings, client=make_client(settings)) == []
    assert len(arxiv_stub.seen) == 2


def test_api_500_that_never_recovers(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", (500, {}, b"Internal Server Error"))
    with pytest.raises(FetchError, match=r"arXiv API answered HTTP 500 after 3 tries") as err:
        fetch_metadata(["2106.01732"], settings, client=make_client(settings))
    assert err.value.reason == "http" and err.value.url.startswith(settings.api_url)
    assert len(arxiv_stub.seen) == 3


# PDFs


def _meta(arxiv_stub: ArxivStub, settings: ArxivSettings):
    arxiv_stub.script("/api/query", _feed("id_list_2106.01732v2.xml"))
    [meta] = fetch_metadata(["2106.01732v2"], settings, client=make_client(settings))
    arxiv_stub.seen.clear()
    return meta


def test_download_from_mirror_is_atomic_and_hashed(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    meta = _meta(arxiv_stub, settings)
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(pdf_bytes))
    got = download_pdf(meta, tmp_path, settings)
    assert got.path == tmp_path / "2106.01732v2.pdf"
    assert got.path.read_bytes() == pdf_bytes
    assert got.sha256 == hashlib.sha256(pdf_bytes).hexdigest() and got.size == len(pdf_bytes)
    assert got.url == f"{arxiv_stub.base}/pdf/2106.01732v2"
    assert [p.name for p in tmp_path.iterdir()] == ["2106.01732v2.pdf"]
    again = download_pdf(meta, tmp_path, settings)
    assert (again.sha256, again.url) == (got.sha256, "")
    assert arxiv_stub.seen == ["/pdf/2106.01732v2"]


def test_download_uses_entry_link_at_default_base(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    meta = replace(_meta(arxiv_stub, settings), pdf_url=f"{arxiv_stub.base}/files/weam.pdf")
    arxiv_stub.script("/files/weam.pdf", _pdf(pdf_bytes))
    got = download_pdf(meta, tmp_path, replace(settings, pdf_base=DEFAULT_PDF_BASE))
    assert got.url == f"{arxiv_stub.base}/files/weam.pdf"
    assert got.path.name == "2106.01732v2.pdf"


def test_download_retries_429_and_503_honouring_retry_after(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    arxiv_stub.script(
        "/pdf/hep-th/9901001v1",
        (429, {"Retry-After": "7"}, b"slow down"),
        (503, {}, b"busy"),
        _pdf(pdf_bytes),
    )
    waits: list[float] = []
    got = download_pdf("hep-th/9901001v1", tmp_path, settings, sleep=waits.append)
    assert got.path == tmp_path / "hep-th_9901001v1.pdf"
    assert waits == [7.0, 0.02]  # Retry-After, then backoff * 2
    assert len(arxiv_stub.seen) == 3


def test_download_500_that_never_recovers_leaves_nothing(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path
):
    arxiv_stub.script("/pdf/2106.01732v2", (500, {}, b"oops"))
    waits: list[float] = []
    with pytest.raises(FetchError, match="HTTP 500 after 3 tries") as err:
        download_pdf("2106.01732v2", tmp_path, settings, sleep=waits.append)
    assert err.value.reason == "http"
    assert waits == [0.01, 0.02]
    assert list(tmp_path.iterdir()) == []


def test_download_of_something_that_is_not_a_pdf(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path
):
    page = b"<!DOCTYPE html><html><body>Please verify you are human</body></html>"
    arxiv_stub.script("/pdf/2106.01732v2", (200, {"Content-Type": "text/html"}, page))
    with pytest.raises(FetchError, match="not a PDF") as err:
        download_pdf("2106.01732v2", tmp_path, settings)
    assert err.value.reason == "not_pdf"
    assert list(tmp_path.iterdir()) == []
    assert len(arxiv_stub.seen) == 1


@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "streamed"])
def test_download_over_size_cap(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes, sized: bool
):
    big = pdf_bytes + b"%" + b"x" * 200_000
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(big) if sized else _pdf(big, **{"X-Unsized": "1"}))
    with pytest.raises(FetchError) as err:
        download_pdf("2106.01732v2", tmp_path, replace(settings, max_bytes=100_000))
    assert err.value.reason == "too_large"
    assert list(tmp_path.iterdir()) == []


def test_download_not_found_is_not_retried(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path
):
    arxiv_stub.script("/pdf/2106.01732v9", (404, {}, b"not found"))
    with pytest.raises(FetchError, match="HTTP 404") as err:
        download_pdf(ArxivId("2106.01732", 9), tmp_path, settings, sleep=pytest.fail)
    assert err.value.reason == "http" and len(arxiv_stub.seen) == 1


def test_pdf_url_prefers_https_entry_link_or_mirror(arxiv_stub: ArxivStub, settings: ArxivSettings):
    meta = _meta(arxiv_stub, settings)
    assert pdf_url(meta, ArxivSettings()) == "https://arxiv.org/pdf/2106.01732v2"
    assert pdf_url(meta, settings) == f"{arxiv_stub.base}/pdf/2106.01732v2"
    old = ArxivId("hep-th/9901001")
    assert pdf_url(old, ArxivSettings(pdf_base="https://mirror.example/pdf")) == (
        "https://mirror.example/pdf/hep-th/9901001"
    )


def test_download_network_failure(settings: ArxivSettings, tmp_path: Path):
    closed = ArxivStub()
    port = closed.server_port
    closed.server_close()
    waits: list[float] = []
    with pytest.raises(FetchError, match="PDF download failed after 3 tries") as err:
        download_pdf(
            "2106.01732",
            tmp_path,
            replace(settings, pdf_base=f"http://127.0.0.1:{port}/pdf/"),
            sleep=waits.append,
        )
    assert err.value.reason == "network" and len(waits) == 2
    assert list(tmp_path.iterdir()) == []


def test_api_retry_after_on_429_is_honoured_and_bounded(
    arxiv_stub: ArxivStub, settings: ArxivSettings
):
    arxiv_stub.script(
        "/api/query",
        (429, {"Retry-After": "5"}, b"Rate exceeded."),
        (429, {"Retry-After": "86400"}, b"Rate exceeded."),
        _feed("empty.xml"),
    )
    waits: list[float] = []
    client = make_client(replace(settings, max_wait=30.0), sleep=waits.append)
    assert search("ti:zyxwvut", settings, client=client) == []
    assert waits == [5.0, 30.0]
    assert len(arxiv_stub.seen) == 3


@pytest.mark.parametrize(
    "body",
    [
        b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>",
        b"<html><body>Service temporarily unavailable</body></html>",
    ],
    ids=["cut-off-xml", "html"],
)
def test_api_malformed_answer_is_retried_not_unknown(
    arxiv_stub: ArxivStub, settings: ArxivSettings, body: bytes
):
    bad = (200, {"Content-Type": "application/atom+xml"}, body)
    arxiv_stub.script("/api/query", bad)
    with pytest.raises(FetchError, match="malformed XML|not an Atom feed") as err:
        fetch_metadata(["2106.01732v2"], settings, client=make_client(settings))
    assert err.value.reason == "malformed" and len(arxiv_stub.seen) == 3
    arxiv_stub.seen.clear()
    arxiv_stub.script("/api/query", bad, _feed("id_list_2106.01732v2.xml"))
    [meta] = fetch_metadata(["2106.01732v2"], settings, client=make_client(settings))
    assert str(meta.id) == "2106.01732v2" and len(arxiv_stub.seen) == 2


# Cut-off, slow and rejected downloads


def test_download_deadline_stops_a_trickling_server(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(pdf_bytes, **{"X-Trickle": "0.05"}))
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline") as err:
        download_pdf("2106.01732v2", tmp_path, replace(settings, deadline=1.0))
    assert err.value.reason == "deadline"
    assert time.monotonic() - started < 3.0  # the whole body would take over 30 s
    assert list(tmp_path.iterdir()) == []
    assert len(arxiv_stub.seen) == 1


@pytest.mark.parametrize(
    "cut",
    [{"X-Unsized": "1"}, {"X-Short-Read": "300"}],
    ids=["no-length", "short-read"],
)
def test_cut_off_download_is_retried_and_never_kept(
    arxiv_stub: ArxivStub,
    settings: ArxivSettings,
    tmp_path: Path,
    pdf_bytes: bytes,
    cut: dict[str, str],
):
    body = pdf_bytes if "X-Short-Read" in cut else pdf_bytes[:300]
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(body, **cut))
    waits: list[float] = []
    with pytest.raises(FetchError, match=r"\(3 tries\)") as err:
        download_pdf("2106.01732v2", tmp_path, settings, sleep=waits.append)
    assert err.value.reason == "truncated" and len(arxiv_stub.seen) == 3
    assert waits == [0.01, 0.02]
    assert list(tmp_path.iterdir()) == []

    arxiv_stub.seen.clear()
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(body, **cut), _pdf(pdf_bytes))
    got = download_pdf("2106.01732v2", tmp_path, settings, sleep=waits.append)
    assert got.path.read_bytes() == pdf_bytes and len(arxiv_stub.seen) == 2


def test_stored_cut_off_file_is_fetched_again(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    (tmp_path / "2106.01732v2.pdf").write_bytes(pdf_bytes[:300])
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(pdf_bytes))
    got = download_pdf("2106.01732v2", tmp_path, settings)
    assert got.url and got.path.read_bytes() == pdf_bytes
    assert arxiv_stub.seen == ["/pdf/2106.01732v2"]


def test_rejected_download_is_not_kept_and_stored_files_are_readable(
    arxiv_stub: ArxivStub, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    arxiv_stub.script("/pdf/2106.01732v2", _pdf(pdf_bytes))

    def refuse(path: Path) -> None:
        assert path.read_bytes() == pdf_bytes
        raise PdfError("empty", "no text on any page")

    with pytest.raises(PdfError, match="^empty: no text"):
        download_pdf("2106.01732v2", tmp_path, settings, check=refuse)
    assert list(tmp_path.iterdir()) == []

    old = os.umask(0o022)
    try:
        got = download_pdf("2106.01732v2", tmp_path, settings, check=lambda path: None)
    finally:
        os.umask(old)
    assert got.path.stat().st_mode & 0o777 == 0o644
