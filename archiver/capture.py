"""Turn one HTTP answer into a Capture: the story, or the reason there is none.

Pure code with no Scrapy in it, so that every failure rule is testable on plain values.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from urllib.parse import urlsplit

from archiver.extract import extract
from archiver.items import Capture

HTML_TYPES = ("text/html", "application/xhtml+xml")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def capture_page(
    url: str,
    final_url: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
    *,
    template=None,
    source: str | None = None,
    fetched_at: str | None = None,
) -> Capture:
    """Build the capture of an article fetch; never raises on what a server sends."""
    content_type = _header(headers, "content-type")
    capture = Capture(
        url=url,
        final_url=final_url,
        fetched_at=fetched_at or now_iso(),
        status=status,
        content_type=content_type,
        etag=_header(headers, "etag"),
        last_modified=_header(headers, "last-modified"),
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        source=source,
    )
    if status == 304:  # Not Modified: an answer to a conditional revisit, with no body
        capture.body = capture.body_sha256 = None
        return capture
    capture.error = _failure(status, content_type, body)
    if not capture.error and final_url != url and urlsplit(final_url).path in ("", "/"):
        capture.error = "redirected to the home page"
    if capture.error:
        return capture
    try:
        article = extract(body, final_url, template=template)
    except Exception as exc:  # the extractor promises not to raise; the archive must not depend on it
        capture.error = f"extraction failed: {type(exc).__name__}: {exc}"
        return capture
    if not article.paragraphs:
        capture.error = "no story text found"
    else:
        capture.article = article
    return capture


def _failure(status: int, content_type: str | None, body: bytes) -> str | None:
    if status >= 400:
        return f"HTTP {status}"
    if not body.strip():
        return "empty body"
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        return f"not HTML: {mime}"
    if not mime and b"<" not in body[:2048]:
        return "not HTML: no content type and no markup"
    if b"\x00" in body[:4096]:
        return "not HTML: binary content"
    return None


def failed_capture(url: str, reason: str, *, source: str | None = None) -> Capture:
    """A fetch that got no answer at all (timeout, DNS, refused, too large)."""
    return Capture(url=url, final_url=url, fetched_at=now_iso(), error=reason, source=source)
