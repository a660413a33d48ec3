"""The news spider as a Scrapy component: callbacks on built responses, and one in-process crawl.

The subprocess crawls in test_crawl.py prove the command line; these prove what the spider
yields and counts, which a subprocess only shows through its log.
"""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy import Request, signals
from scrapy.crawler import CrawlerRunner
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from archiver.items import Capture, Fetch
from archiver.reader import PageReader
from archiver.storage import Archive
from spiders.news import NewsSpider, parse_since
from tests.conftest import FIXTURES
from tests.test_reader import _all

RECALL = "/2026/03/chipmaker-recalls-batteries/"
ROUTER = "/2026/03/router-firmware-flaw-patched/"
BASE = FIXTURES / "site" / "base"


def _spider(tmp_path, **arguments) -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(tmp_path / "a.db"),
                                       "ARCHIVER_TEMPLATES": False})
    return NewsSpider.from_crawler(crawler, **arguments)


def _xml(url: str, path) -> XmlResponse:
    body = path.read_bytes().replace(b"__BASE__", b"http://news.example")
    return XmlResponse(url=url, body=body, request=Request(url))


def test_feed_entries_become_article_requests(tmp_path):
    spider = _spider(tmp_path, feeds="http://news.example/feed.xml")
    out = list(spider.parse_feed(_xml("http://news.example/feed.xml", BASE / "feed.xml")))
    assert [r.url for r in out] == [
        "http://news.example/2026/03/chipmaker-recalls-batteries/",  # utm_ tags dropped
        "http://news.example/2026/03/router-firmware-flaw-patched/",
    ]
    assert all(r.callback == spider.parse_article for r in out)
    assert spider.crawler.stats.get_value("archiver/feed_entries") == 2


def test_sitemap_index_is_followed_to_articles(tmp_path):
    spider = _spider(tmp_path, sitemaps="http://news.example/sitemap.xml")
    [follow] = list(spider._parse_sitemap(_xml("http://news.example/sitemap.xml",
                                               BASE / "sitemap.xml")))
    assert follow.url == "http://news.example/news-sitemap.xml"
    articles = list(spider._parse_sitemap(_xml(follow.url, BASE / "news-sitemap.xml")))
    assert {r.url for r in articles} == {
        "http://news.example/2026/03/chipmaker-recalls-batteries/",
        "http://news.example/2026/03/router-firmware-flaw-patched/",
    }
    assert all(r.meta["archiver_source"] == "sitemaps" for r in articles)


def test_start_page_yields_stories_and_sections_but_not_offsite_or_tags(tmp_path):
    spider = _spider(tmp_path, start="http://news.example/")
    page = HtmlResponse(url="http://news.example/", body=(BASE / "index.html").read_bytes(),
                        encoding="utf-8", request=Request("http://news.example/"))
    urls = {r.url for r in spider.parse_listing(page, depth_left=1)}
    assert urls == {"http://news.example" + RECALL, "http://news.example/hardware/",
                    "http://news.example/security/"}


@deferred_f_from_coro_f
async def test_article_page_yields_what_was_fetched_and_the_reader_finds_the_story(tmp_path):
    spider = _spider(tmp_path, urls="http://news.example" + RECALL)
    url = "http://news.example" + RECALL
    body = (BASE / RECALL.strip("/") / "index.html").read_bytes()
    page = HtmlResponse(url=url, body=body, request=Request(url),
                        headers={"Content-Type": "text/html", "Set-Cookie": ["a=1", "b=2"]})
    [fetch] = list(spider.parse_article(page))
    assert isinstance(fetch, Fetch) and fetch.body == body and fetch.status == 200
    assert fetch.headers == [["Content-Type", "text/html"], ["Set-Cookie", "a=1"],
                             ["Set-Cookie", "b=2"]]  # as received, repeats kept
    [capture] = await _all(PageReader.from_crawler(spider.crawler).read(fetch))
    assert isinstance(capture, Capture) and capture.error is None
    assert capture.article.title.startswith("Chipmaker recalls")
    assert len(capture.article.paragraphs) >= 3
    assert capture.headers == fetch.headers


@deferred_f_from_coro_f
async def test_in_process_crawl_counts_every_outcome(fixture_site, tmp_path):
    settings = get_project_settings()
    settings.setdict({"ARCHIVER_DB": str(tmp_path / "a.db"), "DOWNLOAD_DELAY": 0,
                      "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0, "LOG_LEVEL": "WARNING"},
                     priority="cmdline")
    crawler = CrawlerRunner(settings).create_crawler(NewsSpider)
    items: list[Capture] = []

    def collect(item):  # a named function: signal receivers are weak references
        items.append(item)

    crawler.signals.connect(collect, signal=signals.item_scraped)
    urls = [fixture_site.url(RECALL), fixture_site.url("/no-such-story-here/")]
    await crawler.crawl_async(urls=",".join(urls))
    outcomes = sorted(i.outcome for i in items)
    assert outcomes == ["failed", "new_version"]
    stats = crawler.stats.get_stats()
    assert stats["archiver/captures/new_version"] == 1
    assert stats["archiver/captures/failed"] == 1
    assert stats["archiver/writer_cpu_seconds"] > 0  # queued behind the writes it measures


def test_a_crawl_stopped_early_keeps_its_held_pages(fixture_site, crawl, db_path):
    urls = f"urls={fixture_site.url(RECALL)},{fixture_site.url(ROUTER)}"
    result = crawl(db_path, "-a", urls, "-s", "CLOSESPIDER_PAGECOUNT=2")
    assert "closespider_pagecount" in result.stderr and "Traceback" not in result.stderr
    with Archive.open(db_path) as archive:
        rows = list(archive.db.query("select outcome, body_sha256 from captures"))
    assert len(rows) == 2 and all(r["body_sha256"] for r in rows)  # both fetches are kept
    assert {r["outcome"] for r in rows} <= {"held", "new_version"}
    crawl(db_path, "-a", urls)  # the next run completes the held ones, then fetches again
    with Archive.open(db_path) as archive:
        assert archive.db["articles"].count == 2
        outcomes = sorted(r["outcome"] for r in archive.db.query("select outcome from captures"))
    assert outcomes == ["new_version", "new_version", "unchanged", "unchanged"]


def test_since_keeps_recent_sitemap_entries_and_those_without_lastmod(tmp_path):
    spider = _spider(tmp_path, sitemaps="http://news.example/sitemap.xml", since="2026-03-01")
    entries = [{"loc": "https://n.example/a", "lastmod": "2026-03-02T09:15:00+00:00"},
               {"loc": "https://n.example/b", "lastmod": "2026-02-27"},
               {"loc": "https://n.example/c"},
               {"loc": "https://n.example/d", "lastmod": "not a date"},
               {"loc": "javascript:void(0)"}, {"loc": "/relative/e"}]
    kept = [e["loc"].rsplit("/", 1)[-1] for e in spider.sitemap_filter(entries)]
    assert kept == ["a", "c", "d"]
    assert spider.crawler.stats.get_value("archiver/sitemap_entries_too_old") == 1
    assert spider.crawler.stats.get_value("archiver/links_not_web") == 2


def test_since_ages_and_moments():
    now = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
    assert parse_since("48h", now) == datetime(2026, 3, 8, 12, tzinfo=timezone.utc)
    assert parse_since("7d", now) == datetime(2026, 3, 3, 12, tzinfo=timezone.utc)
    assert parse_since("2026-03-01T08:00:00+01:00") == datetime(2026, 3, 1, 7, tzinfo=timezone.utc)


def test_bad_arguments_give_one_error_line_and_no_crawl(fixture_site, crawl, db_path):
    result = crawl(db_path, "-a", "since=last tuesday", "-a", "revisit=sometimes",
                   "-a", f"urls={fixture_site.url(RECALL)}", expect=2)
    assert "Nothing crawled: since='last tuesday'" in result.stderr
    assert "Nothing crawled: revisit='sometimes'" in result.stderr
    assert "Traceback" not in result.stderr and RECALL not in fixture_site.requests


OLD_URLSET = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>__BASE__/2026/03/chipmaker-recalls-batteries/</loc><lastmod>2026-03-02</lastmod></url>
<url><loc>__BASE__/2026/03/router-firmware-flaw-patched/</loc><lastmod>2026-03-03</lastmod></url>
</urlset>"""
OLD_INDEX = """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>__BASE__/old-urlset.xml</loc><lastmod>2026-03-03</lastmod></sitemap>
</sitemapindex>"""
OLD_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>__BASE__/2026/03/chipmaker-recalls-batteries/</link>
<pubDate>Mon, 02 Mar 2026 09:00:00 GMT</pubDate></item></channel></rss>"""


def test_entries_older_than_since_are_not_a_failure(crawl, db_path):
    """A healthy sitemap (or index) whose every entry is older than since= gave nothing to do:
    no failed capture, no 'unusable' warning, exit 0, one INFO line per sitemap."""
    from archiver.localsite import LocalSite

    def xml(text):
        return lambda: (200, {"Content-Type": "application/xml"},
                        text.replace("__BASE__", site.base).encode())

    with LocalSite([BASE]) as site:
        site.routes.update({"/old-urlset.xml": xml(OLD_URLSET), "/old-index.xml": xml(OLD_INDEX),
                            "/old-feed.xml": xml(OLD_FEED)})
        sitemaps = f"sitemaps={site.url('/old-urlset.xml')},{site.url('/old-index.xml')}"
        result = crawl(db_path, "-a", sitemaps, "-a", "since=2026-11-01", expect=0)
        assert "unusable" not in result.stderr and "sitemap_entries_too_old': 3" in result.stderr
        skipped = [line for line in result.stderr.splitlines() if "older than since=" in line]
        assert len(skipped) == 2 and all("INFO" in line for line in skipped), skipped
        assert not [p for p in site.requests if p.startswith("/2026/")]
        # since= is for sitemaps: a feed's entries are fetched whatever their date.
        feed = crawl(db_path, "-a", f"feeds={site.url('/old-feed.xml')}",
                     "-a", "since=2026-11-01", expect=0)
        assert "unusable" not in feed.stderr and RECALL in site.requests
    with Archive.open(db_path) as archive:
        failed = list(archive.db.query("select url from captures where outcome = 'failed'"))
    assert failed == []
