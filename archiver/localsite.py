"""Serve a folder of static pages on 127.0.0.1, for the offline demo and the tests.

A site is a stack of folders: the first folder that holds a path answers it, so a later
state of a site is a small overlay on its base. `__BASE__` in served text files becomes the
site's own address, so feeds and sitemaps can carry absolute URLs. Paths listed in an
overlay's `.removed` file answer 404, as a deleted story would. Files carry an ETag, and a
request whose If-None-Match matches it gets 304 Not Modified, as from any static server.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# A route answers a path with (status, headers, body); tests use them for failures.
Route = Callable[[], "tuple[int, dict[str, str], bytes]"]
_TEXT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain"}


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 with a switchable stack of folders."""

    def __init__(self, layers: Sequence[Path | str], routes: dict[str, Route] | None = None):
        self.layers = [Path(p) for p in layers]
        self.routes = dict(routes or {})
        self.requests: list[str] = []
        self.not_modified: list[str] = []
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def removed(self) -> set[str]:
        gone: set[str] = set()
        for layer in self.layers:
            listing = layer / ".removed"
            if listing.is_file():
                gone.update(line.strip() for line in listing.read_text().splitlines() if line.strip())
        return gone

    def resolve(self, path: str) -> Path | None:
        relative = unquote(path).lstrip("/")
        for layer in self.layers:
            candidate = (layer / relative).resolve()
            if not candidate.is_relative_to(layer.resolve()):
                return None
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if candidate.is_file():
                return candidate
        return None

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path in self.routes:
            return self.routes[path]()
        if path in self.removed():
            return 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"
        found = self.resolve(path)
        if found is None:
            return 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"
        body = found.read_bytes()
        ctype = _TEXT_TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0]
        if found.suffix in _TEXT_TYPES:
            body = body.replace(b"__BASE__", self.base.encode())
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        return 200, {"Content-Type": ctype or "application/octet-stream", "ETag": etag}, body


class _Handler(BaseHTTPRequestHandler):
    site: LocalSite

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        self.site.requests.append(path)
        status, headers, body = self.site.answer(path)
        if status == 200 and headers.get("ETag") and \
                self.headers.get("If-None-Match") == headers["ETag"]:
            status, body = 304, b""  # as any static server does for an unchanged file
            self.site.not_modified.append(path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up (e.g. DOWNLOAD_MAXSIZE): that is its right

    def log_message(self, format: str, *args) -> None:  # quiet: the crawl logs enough
        pass
