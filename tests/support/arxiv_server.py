"""A local stand-in for export.arxiv.org and arxiv.org/pdf, scripted per path, for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], bytes]
"""(status, headers, body). Headers steering the stub, never sent: X-Unsized (no
Content-Length), X-Short-Read: N (announce the whole body, send N bytes, hang up),
X-Trickle: S (send the body one byte every S seconds)."""
_CONTROL = ("X-Unsized", "X-Short-Read", "X-Trickle")


class _Handler(BaseHTTPRequestHandler):
    """Answers each path from a scripted queue; the last reply repeats forever."""

    server: ArxivStub

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        queue = self.server.routes.get(urlsplit(self.path).path)
        status, headers, body = (
            (404, {}, b"no route") if not queue else queue.pop(0) if len(queue) > 1 else queue[0]
        )
        self.send_response(status)
        for key, value in headers.items():
            if key not in _CONTROL:
                self.send_header(key, value)
        if "X-Unsized" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if "X-Short-Read" in headers:
            body = body[: int(headers["X-Short-Read"])]
        try:
            if "X-Trickle" in headers:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(float(headers["X-Trickle"]))
            else:
                self.wfile.write(body)
        except OSError:  # the client hung up
            pass
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class ArxivStub(ThreadingHTTPServer):
    """Local stand-in for export.arxiv.org and arxiv.org/pdf."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def script(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def queries(self) -> list[dict[str, str]]:
        return [{k: v[0] for k, v in parse_qs(urlsplit(p).query).items()} for p in self.seen]


@contextmanager
def serving() -> Iterator[ArxivStub]:
    """An ArxivStub answering on a free local port until the block ends."""
    stub = ArxivStub()
    thread = threading.Thread(target=stub.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.shutdown()
        stub.server_close()
