"""Turn one HTTP answer into a Capture: the story, or the reason there is none.

Pure code with no Scrapy in it, so that every failure rule is testable on plain values. The
steps are separate so that the crawl can learn a site's template on the very tree it
extracts from: `capture_of` (the record, and any reason the answer alone gives),
`parse_page` (one parse), `story_of` (extraction on that tree).
"""

from __future__ import annotations

import codecs
import hashlib
import json
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from w3lib.encoding import html_to_unicode
from w3lib.html import get_meta_refresh

from archiver.article import Article
from archiver.extract import extract_tree
from archiver.extract.dom import parse
from archiver.items import Capture, Fetch
from archiver.normalize import normalize_url, site_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
NO_STORY = "no story text found"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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


def capture_page(fetch: Fetch, template=None) -> Capture:
    """The capture of one article fetch, read on its own; never raises on what a server sends."""
    capture = capture_of(fetch)
    if is_readable(capture):
        capture.article, capture.error = story_of(parse_page(fetch), fetch.final_url, template)
    return capture


def capture_of(fetch: Fetch) -> Capture:
    """The record of a fetch before its page is read, with the reason it holds no story when
    the answer alone tells (an error status, not HTML, a redirect off the story)."""
    body = None if fetch.status == 304 else fetch.body  # Not Modified: no body
    capture = Capture(
        url=fetch.url, final_url=fetch.final_url, fetched_at=fetch.fetched_at,
        status=fetch.status, content_type=fetch.header("content-type"),
        etag=fetch.header("etag"), last_modified=fetch.header("last-modified"),
        body=body, body_sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
        source=fetch.source, headers=fetch.headers,
    )
    if fetch.status != 304:
        capture.error = _refusal(fetch, capture.content_type)
    return capture


def is_readable(capture: Capture) -> bool:
    """Whether the page may hold a story: not refused, and not a 304 (which has no body)."""
    return capture.error is None and capture.status != 304


def _refusal(fetch: Fetch, content_type: str | None) -> str | None:
    location = fetch.header("location")
    if 300 <= fetch.status < 400 and location:  # a redirect archiver/middlewares.py stopped
        return redirect_refusal(fetch.final_url, location)
    failure = _failure(fetch.status, content_type, fetch.body)
    if not failure:
        refresh = meta_refresh(fetch.body, fetch.final_url, content_type)
        if refresh and site_of(refresh) != site_of(fetch.final_url):
            failure = f"meta refresh to another site: {refresh}"
    if failure or fetch.final_url == fetch.url:
        return failure
    other = _other_site(fetch.url, fetch.final_url)
    if other:
        return f"redirected to another site: {other}"
    if urlsplit(fetch.final_url).path in ("", "/"):
        return "redirected to the home page"
    return None


def redirect_refusal(url: str, location: str) -> str:
    """Why a redirect from `url` was not followed (see archiver/middlewares.py)."""
    target = urljoin(url, location)
    if site_of(target) != site_of(url):
        return f"redirected to another site: {target}"
    return f"redirect not followed (a loop, or more than REDIRECT_MAX_TIMES hops): {target}"


# Scrapy's MetaRefreshMiddleware looks for a refresh in a page's first 4,096 characters: at
# most 16 KiB in UTF-8, or in any encoding that spells ASCII letters in single bytes.
REFRESH_CHARS = 4096
REFRESH_HEAD_BYTES = 4 * REFRESH_CHARS


def may_refresh(body: bytes) -> bool:
    """Whether a page's head can hold a `<meta http-equiv="refresh">`: it has the word, or
    zero bytes (UTF-16 or UTF-32, where the word is not spelt in single bytes)."""
    head = body[:REFRESH_HEAD_BYTES]
    return b"refresh" in head.lower() or b"\x00" in head


def meta_refresh(body: bytes | None, url: str, content_type: str | None = None) -> str | None:
    """Where a page's `<meta http-equiv="refresh">` sends the reader, if anywhere: read in its
    first 4,096 characters, decoded as Scrapy decodes the page for its MetaRefreshMiddleware
    (BOM, then the Content-Type charset, then a charset the page declares)."""
    if not body or not may_refresh(body):
        return None
    _, head = html_to_unicode(content_type, body[:REFRESH_HEAD_BYTES])
    _, target = get_meta_refresh(head[:REFRESH_CHARS], url)
    return target


def parse_page(fetch: Fetch):
    """The page's lxml tree (decoded with the charset its header declared), or None."""
    return parse(fetch.body, charset_of(fetch.header("content-type")))


def story_of(root, url: str, template=None, *, on_blocks=None) -> tuple[Article | None,
                                                                         str | None]:
    """(the story on a parsed page, None), or (None, why there is none). `on_blocks` lets a
    crawl learn the site's template from extraction's own walk (see `extract_body`)."""
    try:
        article = extract_tree(root, url, template=template, on_blocks=on_blocks)
    except Exception as exc:  # the extractor promises not to raise; the archive must not depend on it
        return None, f"extraction failed: {type(exc).__name__}: {exc}"
    if not article.paragraphs:
        return None, NO_STORY
    return article, None


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
