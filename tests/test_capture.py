"""Failure rules for one HTTP answer: a reason for every way a page can fail to be a story."""

import pytest

from archiver.capture import capture_page, failed_capture
from archiver.items import Fetch

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = (b"<html><head><title>Headline here - Site</title></head><body><article><h1>Headline here"
        b"</h1><p>" + b"A story paragraph with enough words to count as text. " * 6 + b"</p><p>"
        + b"Another paragraph of the story that continues the report. " * 5 + b"</p></article>"
        b"</body></html>")


def _capture(url: str, final_url: str, status: int, headers: dict[str, str], body: bytes):
    fetch = Fetch(url, final_url, status, [[k, v] for k, v in headers.items()], body,
                  "2026-03-01T10:00:00+00:00")
    return capture_page(fetch)


def test_story_page_gives_article_and_hash():
    c = _capture("http://a/x", "http://a/x", 200, {**HTML, "ETag": '"v1"'}, PAGE)
    assert c.error is None and c.article and c.article.paragraphs
    assert c.etag == '"v1"' and len(c.body_sha256) == 64
    assert c.headers == [["Content-Type", "text/html; charset=utf-8"], ["ETag", '"v1"']]


@pytest.mark.parametrize(("status", "headers", "body", "reason"), [
    (404, HTML, b"<h1>gone</h1>", "HTTP 404"),
    (500, HTML, b"oops", "HTTP 500"),
    (200, HTML, b"   ", "empty body"),
    (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ...", "not HTML: application/pdf"),
    (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n\x00\x00", "not HTML: image/png"),
    (200, {}, b"\x00\x01\x02binary", "not HTML: no content type and no markup"),
    (200, HTML, b"<html>\x00\x00\x00<p>x</p>", "not HTML: binary content"),
    (200, HTML, b"<html><body><nav>menu</nav></body></html>", "no story text found"),
])
def test_failures_have_reasons(status, headers, body, reason):
    c = _capture("http://a/x", "http://a/x", status, headers, body)
    assert c.article is None
    assert c.error == reason
    assert c.status == status


def test_redirect_to_home_page_is_a_failure_not_a_story():
    c = _capture("http://a/2026/story/", "http://a/", 200, HTML, PAGE)
    assert c.error == "redirected to the home page" and c.article is None


def test_wrong_charset_does_not_crash():
    body = PAGE.replace(b"A story", "Ein Bericht über Änderungen".encode("cp1252"))
    c = _capture("http://a/x", "http://a/x", 200, {"Content-Type": "text/html; charset=utf-8"}, body)
    assert c.article is not None and c.error is None


def test_network_failure_capture():
    c = failed_capture("http://a/x", "TimeoutError: took too long", source="urls")
    assert c.status is None and c.error.startswith("TimeoutError") and c.body is None


def test_charset_of_the_content_type_header_is_used():
    """No <meta charset>: only the HTTP header says the page is windows-1251."""
    text = ("Производитель аккумуляторов объявил об отзыве примерно сорока тысяч батарей "
            "для ноутбуков после жалоб владельцев на вздутие. ") * 3
    body = PAGE.replace(b"A story paragraph", text.encode("cp1251"))
    c = _capture("http://a/x", "http://a/x", 200,
                     {"Content-Type": 'text/html; charset="windows-1251"'}, body)
    assert c.error is None and text.split()[0] in c.article.paragraphs[0]


@pytest.mark.parametrize(("headers", "body"), [
    (HTML, PAGE.decode().encode("utf-16")),                     # with a BOM
    ({"Content-Type": "text/html; charset=UTF-16"}, PAGE.decode().encode("utf-16-le")),
    ({"Content-Type": "text/html; charset=utf-16be"}, PAGE.decode().encode("utf-16-be")),
])
def test_utf16_pages_are_not_binary(headers, body):
    c = _capture("http://a/x", "http://a/x", 200, headers, body)
    assert c.error is None
    assert c.article.title == "Headline here"


@pytest.mark.parametrize(("final_url", "reason"), [
    ("https://other.example/2026/story/", "redirected to another site: other.example"),
    ("http://b:8080/story/", "redirected to another site: b:8080"),
    ("http://other.example/", "redirected to another site: other.example"),
    ("http://a/", "redirected to the home page"),
])
def test_redirects_off_the_story(final_url, reason):
    c = _capture("http://a/2026/story/", final_url, 200, HTML, PAGE)
    assert c.error == reason and c.article is None


@pytest.mark.parametrize("final_url", [
    "http://www.a/2026/story/", "https://a/2026/story/", "http://a:80/2026/story-renamed/"])
def test_redirects_within_the_site_are_fine(final_url):
    c = _capture("http://a/2026/story/", final_url, 200, HTML, PAGE)
    assert c.error is None and c.article is not None


@pytest.mark.parametrize("body", [
    b'  {"story": "A story paragraph with enough words to count as text.", "n": 1}',
    b'[{"id": 1, "title": "Headline here"}]\n',
    b'{"html": "<article><p>' + b"A story paragraph with enough words. " * 10 + b'</p></article>"}',
    b"Just plain text served as HTML. " * 40,
])
def test_json_or_plain_text_served_as_html_is_not_a_story(body):
    c = _capture("http://a/x", "http://a/x", 200, HTML, body)
    assert c.error == "not HTML: no markup" and c.article is None
