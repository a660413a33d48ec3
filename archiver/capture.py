"""Turn one HTTP answer into a Capture: the story, or the reason there is none.

Pure code with no Scrapy in it, so that every failure rule is testable on plain values.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from archiver.extract import extract
from archiver.items import Capture
from archiver.normalize import normalize_url, site_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header ("text/html; charset=windows-1251")."""
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").strip() or None
    return None


def _other_site(url: str, final_url: str) -> str | None:
    """The site a redirect ended on, when it is not the site that was asked for."""
    try:
        asked, landed = site_of(normalize_url(url)), site_of(normalize_url(final_url))
    except ValueError:
        return None
    return landed if landed and asked and landed != asked else None


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
    charset = charset_of(content_type)
    location = _header(headers, "location")
    if 300 <= status < 400 and location:  # a redirect not followed: it leaves the site
        capture.error = f"redirected to another site: {urljoin(final_url, location)}"
        return capture
    capture.error = _failure(status, content_type, body)
    if not capture.error and final_url != url:
        other = _other_site(url, final_url)
        if other:
            capture.error = f"redirected to another site: {other}"
        elif urlsplit(final_url).path in ("", "/"):
            capture.error = "redirected to the home page"
    if capture.error:
        return capture
    try:
        article = extract(body, final_url, template=template, encoding=charset)
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
    utf16 = body[:2] in _UTF16_BOMS or (charset_of(content_type) or "").lower().replace(
        "_", "-").startswith(("utf-16", "utf16"))
    if b"\x00" in body[:4096] and not utf16:
        return "not HTML: binary content"
    if _no_markup(body):
        return "not HTML: no markup"
    return None


def _no_markup(body: bytes) -> bool:
    """JSON or plain text served as text/html: no tag in the first kilobyte, or a JSON
    document (an API answer, even one that carries HTML inside its strings)."""
    head = body.lstrip()
    if b"<" not in head[:1024]:
        return True
    if head[:1] in (b"{", b"["):
        try:
            json.loads(body)
        except ValueError:  # includes UnicodeDecodeError
            return False
        return True
    return False


def failed_capture(url: str, reason: str, *, source: str | None = None) -> Capture:
    """A fetch that gave nothing to archive: no answer at all (timeout, DNS, refused, too
    large), or a feed, sitemap or section page without usable links."""
    return Capture(url=url, final_url=url, fetched_at=now_iso(), error=reason, source=source)


def held_capture(url: str, final_url: str, status: int, headers: dict[str, str], body: bytes,
                 *, fetched_at: str, source: str | None = None) -> Capture:
    """A fetch recorded before its story is extracted (see `Capture.held`)."""
    return Capture(url=url, final_url=final_url, fetched_at=fetched_at, status=status,
                   content_type=_header(headers, "content-type"), etag=_header(headers, "etag"),
                   last_modified=_header(headers, "last-modified"), body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), source=source, held=True)
