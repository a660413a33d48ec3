"""A same-site `<meta http-equiv="refresh">` is followed as Scrapy follows it, while a page
that has none is never decoded for it (archiver.middlewares.MetaRefresh); one to another site,
in whatever encoding the page is in, is a recorded failure (archiver.capture.meta_refresh)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.capture import REFRESH_CHARS, meta_refresh
from archiver.localsite import LocalSite
from archiver.middlewares import MetaRefresh
from archiver.storage import Archive
from tests.conftest import FIXTURES

RECALL = "/2026/03/chipmaker-recalls-batteries/"
REFRESH = f'<meta http-equiv="refresh" content="0; url={RECALL}">'
# 2,500 two-byte letters before the refresh: past Scrapy's 4,096 characters in bytes, not in
# characters, so Scrapy follows it.
LATE_UTF8 = f"<html><head><title>{chr(0xE9) * 2500}</title>{REFRESH}</head><body></body></html>"
UTF16 = f"<html><head>{REFRESH}</head><body><p>Moved.</p></body></html>"
ROUTES = {
    "/2026/03/moved-late-story/": lambda: (
        200, {"Content-Type": "text/html; charset=utf-8"}, LATE_UTF8.encode("utf-8")),
    "/2026/03/moved-utf16-story/": lambda: (
        200, {"Content-Type": "text/html; charset=utf-16"}, UTF16.encode("utf-16")),
}


@pytest.mark.parametrize("path", list(ROUTES))
def test_a_same_site_refresh_is_followed_to_the_story(path, crawl, db_path):
    assert LATE_UTF8.index(REFRESH) < REFRESH_CHARS < LATE_UTF8.encode().index(REFRESH.encode())
    with LocalSite([FIXTURES / "site" / "base"], routes=ROUTES) as site:
        crawl(db_path, "-a", f"urls={site.url(path)}")
        asked, target = site.url(path), site.url(RECALL)
    with Archive.open(db_path) as archive:
        rows = list(archive.db.query("select url, final_url, outcome from captures"))
    assert [(r["url"], r["final_url"], r["outcome"]) for r in rows] == [
        (asked, target, "new_version")]


def _answer(body: bytes, content_type: str = "text/html; charset=utf-8"):
    request = Request("http://127.0.0.1:8000/2026/03/a-story/")
    response = HtmlResponse(request.url, body=body, request=request,
                            headers={"Content-Type": content_type})
    return MetaRefresh.from_crawler(get_crawler()), request, response


def test_a_page_without_a_refresh_is_passed_on_undecoded():
    middleware, request, response = _answer(b"<html><body>" + b"<p>Story text.</p>" * 5000)
    assert middleware.process_response(request, response) is response
    assert response._cached_ubody is None  # Scrapy's own middleware decodes every page whole


@pytest.mark.parametrize("body,content_type", [
    (LATE_UTF8.encode("utf-8"), "text/html; charset=utf-8"),
    (UTF16.encode("utf-16"), "text/html; charset=utf-16"),
])
def test_a_page_with_a_refresh_is_redirected(body, content_type):
    middleware, request, response = _answer(body, content_type)
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1:8000" + RECALL


def test_the_offsite_check_reads_as_many_characters_as_scrapy():
    late = LATE_UTF8.replace(RECALL, "http://127.0.0.2:9/x/").encode("utf-8")
    assert meta_refresh(late, "http://127.0.0.1:8000/") == "http://127.0.0.2:9/x/"
    too_late = ("<html><head><title>" + chr(0xE9) * 4100 + "</title>" + REFRESH).encode("utf-8")
    assert meta_refresh(too_late, "http://127.0.0.1:8000/") is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_refresh_to_another_site_is_a_recorded_failure_in_any_encoding(encoding, crawl,
                                                                         db_path):
    away = "http://127.0.0.2:9/x/"
    page = UTF16.replace(RECALL, away).encode(encoding)  # "utf-16-le" has no BOM
    path = "/2026/03/moved-away-story/"
    routes = {path: lambda: (200, {"Content-Type": f"text/html; charset={encoding}"}, page)}
    with LocalSite([FIXTURES / "site" / "base"], routes=routes) as site:
        crawl(db_path, "-a", f"urls={site.url(path)}", expect=1)
        asked = site.url(path)
    with Archive.open(db_path) as archive:
        rows = list(archive.db.query("select url, outcome, error from captures"))
    assert [(r["url"], r["outcome"], r["error"]) for r in rows] == [
        (asked, "failed", f"meta refresh to another site: {away}")]
