"""Tests for claimlab.ingest.arxiv against recorded feeds served from a local HTTP server."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pymupdf
import pytest
from support.arxiv_server import ArxivStub as _Server
from support.arxiv_server import Reply

from claimlab.ingest.arxiv import (
    DEFAULT_PDF_BASE,
    ArxivId,
    ArxivIdError,
    ArxivSettings,
    FetchError,
    client_for,
    download_pdf,
    fetch_metadata,
    make_client,
    parse_arxiv_id,
    pdf_url,
    search,
)

FEEDS = Path(__file__).parent / "fixtures" / "arxiv"


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings(server: _Server) -> ArxivSettings:
    return ArxivSettings(
        api_url=f"{server.base}/api/query",
        pdf_base=f"{server.base}/pdf/",
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
    text: str, server: _Server, settings: ArxivSettings, tmp_path: Path
):
    with pytest.raises(ArxivIdError, match="not an arXiv id"):
        parse_arxiv_id(text)
    papers = tmp_path / "papers"
    with pytest.raises(ArxivIdError):
        download_pdf(text, papers, settings)
    with pytest.raises(ArxivIdError):
        fetch_metadata(["2106.01732", text], settings)
    assert not papers.exists()
    assert server.seen == []


# Metadata


def test_fetch_metadata_from_normal_feed(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("id_list_2106.01732v2.xml"))
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
    assert server.queries()[0]["id_list"] == "2106.01732v2"


def test_fetch_metadata_keeps_request_order(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("id_list_two.xml"))
    metas = fetch_metadata(["2106.01732v2", "2305.05295", "2106.01732v2"], settings)
    assert [str(m.id) for m in metas] == ["2106.01732v2", "2305.05295v2"]
    assert metas[1].title == (
        "Boosting Zero-shot Cross-lingual Retrieval by Training on Artificially Code-Switched Data"
    )
    assert metas[1].categories == ["cs.IR", "cs.CL"]
    assert server.queries()[0]["id_list"] == "2106.01732v2,2305.05295"


def test_one_client_is_reused_per_settings(settings: ArxivSettings):
    assert client_for(settings) is client_for(settings)
    assert client_for(settings) is not client_for(replace(settings, delay=1.0))
    assert make_client(settings).query_url_format.startswith(settings.api_url + "?")


def test_search_pages_through_results_newest_first(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("search_page1.xml"), _feed("search_page2.xml"))
    metas = search("cross-lingual transfer", settings, max_results=3)
    assert [str(m.id) for m in metas] == ["2305.05295v2", "2106.01732v2", "1910.07475v3"]
    first, second = server.queries()
    assert first["search_query"] == "(cross-lingual transfer)"
    assert (first["sortBy"], first["sortOrder"]) == ("submittedDate", "descending")
    assert (first["start"], second["start"]) == ("0", "2")


def test_search_with_empty_page(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("empty.xml"))
    assert search("ti:zyxwvut", settings, max_results=10) == []
    assert len(server.seen) == 1


def test_search_survives_one_empty_page_but_not_endless_ones(
    server: _Server, settings: ArxivSettings
):
    page1, page2, empty = (
        _feed(n) for n in ("search_page1.xml", "search_page2.xml", "search_page2_empty.xml")
    )
    server.script("/api/query", page1, empty, page2)
    metas = search("cross-lingual transfer", settings, max_results=3, client=make_client(settings))
    assert [str(m.id) for m in metas][-1] == "1910.07475v3"
    assert [q["start"] for q in server.queries()] == ["0", "2", "2"]
    server.seen.clear()
    server.script("/api/query", page1, empty)
    with pytest.raises(FetchError, match="empty page") as err:
        search("cross-lingual transfer", settings, max_results=3, client=make_client(settings))
    assert err.value.reason == "empty_page" and len(server.seen) == 4


def test_search_newer_than_watermark(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("search_since.xml"))
    watermark = datetime(2021, 6, 3, 10, 19, 25, tzinfo=UTC)  # 2106.01732's submission
    metas = search(
        "cross-lingual transfer", settings, max_results=10, category="cs.CL", newer_than=watermark
    )
    assert [str(m.id) for m in metas] == ["2305.05295v2"]
    query = server.queries()[0]
    assert query["search_query"].startswith(
        "(cross-lingual transfer) AND cat:cs.CL AND submittedDate:[202106031019 TO "
    )
    assert query["sortOrder"] == "ascending"


def test_api_429_then_success(server: _Server, settings: ArxivSettings):
    server.script("/api/query", (429, {"Retry-After": "0"}, b"Rate exceeded."), _feed("empty.xml"))
    assert search("ti:zyxwvut", settings, client=make_client(settings)) == []
    assert len(server.seen) == 2


def test_api_500_that_never_recovers(server: _Server, settings: ArxivSettings):
    server.script("/api/query", (500, {}, b"Internal Server Error"))
    with pytest.raises(FetchError, match=r"arXiv API answered HTTP 500 after 3 tries") as err:
        fetch_metadata(["2106.01732"], settings, client=make_client(settings))
    assert err.value.reason == "http" and err.value.url.startswith(settings.api_url)
    assert len(server.seen) == 3


# PDFs


def _meta(server: _Server, settings: ArxivSettings):
    server.script("/api/query", _feed("id_list_2106.01732v2.xml"))
    [meta] = fetch_metadata(["2106.01732v2"], settings, client=make_client(settings))
    server.seen.clear()
    return meta


def test_download_from_mirror_is_atomic_and_hashed(
    server: _Server, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    meta = _meta(server, settings)
    server.script("/pdf/2106.01732v2", _pdf(pdf_bytes))
    got = download_pdf(meta, tmp_path, settings)
    assert got.path == tmp_path / "2106.01732v2.pdf"
    assert got.path.read_bytes() == pdf_bytes
    assert got.sha256 == hashlib.sha256(pdf_bytes).hexdigest() and got.size == len(pdf_bytes)
    assert got.url == f"{server.base}/pdf/2106.01732v2"
    assert [p.name for p in tmp_path.iterdir()] == ["2106.01732v2.pdf"]
    again = download_pdf(meta, tmp_path, settings)
    assert (again.sha256, again.url) == (got.sha256, "")
    assert server.seen == ["/pdf/2106.01732v2"]


def test_download_uses_entry_link_at_default_base(
    server: _Server, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    meta = replace(_meta(server, settings), pdf_url=f"{server.base}/files/weam.pdf")
    server.script("/files/weam.pdf", _pdf(pdf_bytes))
    got = download_pdf(meta, tmp_path, replace(settings, pdf_base=DEFAULT_PDF_BASE))
    assert got.url == f"{server.base}/files/weam.pdf"
    assert got.path.name == "2106.01732v2.pdf"


def test_download_retries_429_and_503_honouring_retry_after(
    server: _Server, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes
):
    server.script(
        "/pdf/hep-th/9901001v1",
        (429, {"Retry-After": "7"}, b"slow down"),
        (503, {}, b"busy"),
        _pdf(pdf_bytes),
    )
    waits: list[float] = []
    got = download_pdf("hep-th/9901001v1", tmp_path, settings, sleep=waits.append)
    assert got.path == tmp_path / "hep-th_9901001v1.pdf"
    assert waits == [7.0, 0.02]  # Retry-After, then backoff * 2
    assert len(server.seen) == 3


def test_download_500_that_never_recovers_leaves_nothing(
    server: _Server, settings: ArxivSettings, tmp_path: Path
):
    server.script("/pdf/2106.01732v2", (500, {}, b"oops"))
    waits: list[float] = []
    with pytest.raises(FetchError, match="HTTP 500 after 3 tries") as err:
        download_pdf("2106.01732v2", tmp_path, settings, sleep=waits.append)
    assert err.value.reason == "http"
    assert waits == [0.01, 0.02]
    assert list(tmp_path.iterdir()) == []


def test_download_of_something_that_is_not_a_pdf(
    server: _Server, settings: ArxivSettings, tmp_path: Path
):
    page = b"<!DOCTYPE html><html><body>Please verify you are human</body></html>"
    server.script("/pdf/2106.01732v2", (200, {"Content-Type": "text/html"}, page))
    with pytest.raises(FetchError, match="not a PDF") as err:
        download_pdf("2106.01732v2", tmp_path, settings)
    assert err.value.reason == "not_pdf"
    assert list(tmp_path.iterdir()) == []
    assert len(server.seen) == 1


@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "streamed"])
def test_download_over_size_cap(
    server: _Server, settings: ArxivSettings, tmp_path: Path, pdf_bytes: bytes, sized: bool
):
    big = pdf_bytes + b"%" + b"x" * 200_000
    server.script("/pdf/2106.01732v2", _pdf(big) if sized else _pdf(big, **{"X-Unsized": "1"}))
    with pytest.raises(FetchError) as err:
        download_pdf("2106.01732v2", tmp_path, replace(settings, max_bytes=100_000))
    assert err.value.reason == "too_large"
    assert list(tmp_path.iterdir()) == []


def test_download_not_found_is_not_retried(
    server: _Server, settings: ArxivSettings, tmp_path: Path
):
    server.script("/pdf/2106.01732v9", (404, {}, b"not found"))
    with pytest.raises(FetchError, match="HTTP 404") as err:
        download_pdf(ArxivId("2106.01732", 9), tmp_path, settings, sleep=pytest.fail)
    assert err.value.reason == "http" and len(server.seen) == 1


def test_pdf_url_prefers_https_entry_link_or_mirror(server: _Server, settings: ArxivSettings):
    meta = _meta(server, settings)
    assert pdf_url(meta, ArxivSettings()) == "https://arxiv.org/pdf/2106.01732v2"
    assert pdf_url(meta, settings) == f"{server.base}/pdf/2106.01732v2"
    old = ArxivId("hep-th/9901001")
    assert pdf_url(old, ArxivSettings(pdf_base="https://mirror.example/pdf")) == (
        "https://mirror.example/pdf/hep-th/9901001"
    )


def test_download_network_failure(settings: ArxivSettings, tmp_path: Path):
    closed = _Server()
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
