"""The `news` spider: fetch stories from URL lists, feeds, sitemaps and section pages.

Spider arguments (comma-separated lists):
    urls      article pages
    feeds     RSS or Atom feeds; each entry's link is fetched as an article
    sitemaps  sitemaps, sitemap indexes, news sitemaps, or a robots.txt naming them
    start     home or section pages; same-site links that look like stories are fetched,
              section links are followed up to `depth` levels (ARCHIVER_START_DEPTH, 2)
    since     skip sitemap entries whose lastmod is older: a date ("2026-11-01"), a time
              with zone, or an age ("48h", "7d"); entries without lastmod are kept
    depth     how many section links deep `start` pages are followed
    revisit   "all" (or "1") to fetch again every article already in the archive (of
              the sites named by the other arguments, or of all sites when none are given),
              "due" for only those whose time has come (see archiver.revisit): the scheduled
              re-crawl that finds updates, edits and removals. Revisits are conditional
              requests (ETag, Last-Modified) unless ARCHIVER_CONDITIONAL_REVISITS is False.
Malformed values are reported in one error line each, and nothing is crawled.

The spider only navigates: each article answer leaves it as a `Fetch` (the answer as
received), which the page reader (`archiver.reader`) turns into a Capture.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta, timezone
from difflib import get_close_matches
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from archiver.capture import failed_capture, now_iso
from archiver.items import Fetch
from archiver.links import looks_like_article, looks_like_listing
from archiver.normalize import normalize_url, parse_instant, site_of
from archiver.revisit import MODES, Backoff, Revisit, archived_revisits
from archiver.sites import domain_of
from archiver.storage.files import refusal

MAX_FEED_ENTRIES = 2000


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class NewsSpider(SitemapSpider):
    name = "news"
    sitemap_rules = [("", "parse_article")]

    def __init__(self, urls: str = "", feeds: str = "", sitemaps: str = "", start: str = "",
                 depth: str | None = None, revisit: str = "", since: str = "", **kwargs: Any):
        super().__init__()
        self.problems: list[str] = []  # bad -a arguments, reported once the crawl starts
        # What this run was asked, as given (the runs table records it).
        self.arguments = {name: value for name, value in [
            ("urls", urls), ("feeds", feeds), ("sitemaps", sitemaps), ("start", start),
            ("depth", depth), ("revisit", revisit), ("since", since), *kwargs.items()]
            if value not in (None, "")}
        self.problems += unknown_arguments(kwargs)
        self.article_urls = self._web_urls("urls", urls)
        self.feed_urls = self._web_urls("feeds", feeds)
        self.sitemap_urls = self._web_urls("sitemaps", sitemaps)
        self.start_urls = self._web_urls("start", start)
        self.depth = None
        if depth is not None:
            if depth.strip().isdigit():
                self.depth = int(depth)
            else:
                self.problems.append(f"depth={depth!r}: give a whole number")
        try:
            self.since = parse_since(since) if since else None
        except ValueError as exc:
            self.problems.append(str(exc))
        self.revisit = MODES.get(revisit.lower()) if revisit else None
        if revisit and self.revisit is None:
            self.problems.append(f"revisit={revisit!r}: use revisit=all (or 1) or revisit=due")
        self.conditional = True
        self.db_path: str | None = None
        # Offsite filtering (redirects included) works on sites; revisits add theirs.
        self.allowed_domains = sorted({domain_of(u) for u in self.named_urls})
        self.revisits: list[Revisit] = []
        self.sitemaps_followed = 0
        self._links = LinkExtractor(deny_extensions=None, unique=True)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.depth is None:
            spider.depth = crawler.settings.getint("ARCHIVER_START_DEPTH", 2)
        spider.conditional = crawler.settings.getbool("ARCHIVER_CONDITIONAL_REVISITS", True)
        spider.db_path = crawler.settings.get("ARCHIVER_DB")
        refused = refusal(spider.db_path or "")
        if refused:
            spider.problems.append(f"ARCHIVER_DB: {refused}")
        spider.max_sitemaps = crawler.settings.getint("ARCHIVER_MAX_SITEMAPS", 500)
        worker = bool(crawler.settings.get("ARCHIVER_REDIS_URL"))  # the shared frontier has work
        if not (spider.named_urls or spider.revisit or spider.problems or worker):
            spider.problems.append("nothing to crawl: give -a urls=, feeds=, sitemaps=, start= "
                                   "or revisit=")
        if spider.revisit and not spider.problems:
            sites = {site_of(u) for u in spider.named_urls}
            spider.revisits = archived_revisits(spider.db_path, sites, spider.revisit,
                                                 Backoff.from_settings(crawler.settings))
            domains = {domain_of(r.url) for r in spider.revisits}
            spider.allowed_domains = sorted(set(spider.allowed_domains) | domains - {""})
        return spider

    @property
    def named_urls(self) -> list[str]:
        return self.article_urls + self.feed_urls + self.sitemap_urls + self.start_urls

    def _web_urls(self, name: str, value: str) -> list[str]:
        """The http(s) URLs of a comma-separated argument; anything else is a problem."""
        good = []
        for url in _split(value):
            try:
                parts = urlsplit(url)
                ok = parts.scheme in ("http", "https") and bool(parts.hostname)
            except ValueError:
                ok = False
            if ok:
                good.append(url)
            else:
                self.problems.append(f"{name}: {url!r} is not an http(s) URL")
        return good

    async def start(self) -> AsyncIterator[Any]:
        if self.problems:
            for problem in self.problems:
                self.logger.error("Nothing crawled: %s", problem)
            return
        for revisit in self.revisits:
            request = self._article_request(revisit.url, source="revisit")
            if self.conditional:
                request.headers.update(revisit.headers)
            yield request
        for url in self.article_urls:
            yield self._article_request(url, source="urls")
        for url in self.feed_urls:
            yield Request(url, callback=self.parse_feed, errback=self.on_listing_error)
        for url in self.sitemap_urls:
            yield Request(url, callback=self._parse_sitemap, errback=self.on_listing_error)
        for url in self.start_urls:
            yield Request(url, callback=self.parse_listing, errback=self.on_listing_error,
                          cb_kwargs={"depth_left": self.depth})

    def _article_request(self, url: str, *, source: str) -> Request:
        """Tracking parameters go before the fetch, so one story is fetched once per run."""
        return Request(normalize_url(url), callback=self.parse_article,
                       errback=self.on_article_error, meta={"archiver_source": source})

    # Articles ---------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[Fetch]:
        """What was fetched, as received; `archiver.reader.PageReader` reads it."""
        yield Fetch(url=(response.meta.get("redirect_urls") or [response.url])[0],
                    final_url=response.url, status=response.status,
                    headers=_headers(response), body=response.body, fetched_at=now_iso(),
                    source=response.meta.get("archiver_source", "sitemaps"))

    def on_article_error(self, failure) -> Iterable[Any]:
        request = failure.request
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.logger.warning("Fetch failed for %s: %s", request.url, reason)
        yield failed_capture(request.url, reason, source=request.meta.get("archiver_source"))

    # Discovery --------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterable[Any]:
        if response.status >= 400 or not hasattr(response, "xpath"):
            yield self._discovery_failed(response.url, f"HTTP {response.status}", "feeds")
            return
        try:
            selector = response.selector
            selector.remove_namespaces()
            links = selector.xpath(
                "//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href"
            ).getall()
        except Exception as exc:  # hostile or broken XML must not stop the crawl
            yield self._discovery_failed(response.url, f"unreadable: {exc}", "feeds")
            return
        if not links:
            yield self._discovery_failed(response.url, "no RSS or Atom entries", "feeds")
            return
        self.crawler.stats.inc_value("archiver/feed_entries", len(links))
        if len(links) > MAX_FEED_ENTRIES:
            self.logger.warning("Feed %s has %d entries; the first %d are fetched",
                                response.url, len(links), MAX_FEED_ENTRIES)
        for link in links[:MAX_FEED_ENTRIES]:
            url = response.urljoin(link.strip())
            if urlsplit(url).scheme in ("http", "https"):
                yield self._article_request(url, source="feeds")
            else:
                self.crawler.stats.inc_value("archiver/links_not_web")

    def _parse_sitemap(self, response: Response) -> Iterable[Any]:
        if response.status >= 400:
            yield self._discovery_failed(response.url, f"HTTP {response.status}", "sitemaps")
            return
        if not response.url.endswith("/robots.txt") and not self._get_sitemap_body(response):
            yield self._discovery_failed(response.url, "not a sitemap, or too large unpacked",
                                         "sitemaps")
            return
        for request in super()._parse_sitemap(response):
            if request.callback == self.parse_article:
                yield self._article_request(request.url, source="sitemaps")
            elif self.sitemaps_followed >= self.max_sitemaps:
                yield self._discovery_failed(request.url, "more sitemaps than "
                                             f"ARCHIVER_MAX_SITEMAPS={self.max_sitemaps}",
                                             "sitemaps")
                return
            else:
                self.sitemaps_followed += 1
                yield request.replace(errback=self.on_listing_error)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Sitemap (and sitemap index) entries modified since `-a since=`, when given."""
        for entry in entries:
            if not str(entry.get("loc", "")).startswith(("http://", "https://")):
                self.crawler.stats.inc_value("archiver/links_not_web")
                continue  # javascript:, relative or empty: not a page to fetch
            modified = parse_instant(entry.get("lastmod"), timezone.utc)
            if self.since is None or modified is None or modified >= self.since:
                yield entry
            else:
                self.crawler.stats.inc_value("archiver/sitemap_entries_too_old")

    def parse_listing(self, response: Response, depth_left: int = 0) -> Iterable[Any]:
        if response.status >= 400 or not hasattr(response, "text"):
            reason = f"HTTP {response.status}" if response.status >= 400 else "not HTML"
            yield self._discovery_failed(response.url, reason, "start")
            return
        here = site_of(response.url)
        for link in self._links.extract_links(response):
            url = normalize_url(link.url)
            if site_of(url) != here:
                continue
            if looks_like_article(url):
                yield self._article_request(url, source="start")
            elif depth_left > 0 and looks_like_listing(url):
                yield Request(url, callback=self.parse_listing, errback=self.on_listing_error,
                              cb_kwargs={"depth_left": depth_left - 1})

    def on_listing_error(self, failure) -> Iterable[Any]:
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield self._discovery_failed(failure.request.url, reason, "discovery")

    def _discovery_failed(self, url: str, reason: str, source: str):
        """A feed, sitemap or section page that gave no links: one log line, one capture row."""
        self.logger.warning("Discovery page %s unusable: %s", url, reason)
        self.crawler.stats.inc_value("archiver/failed_discovery")
        return failed_capture(url, reason, source=source)


ARGUMENTS = ("urls", "feeds", "sitemaps", "start", "depth", "revisit", "since")


def unknown_arguments(given: dict[str, Any]) -> list[str]:
    """One problem per `-a` name the spider does not know (a typo such as `feed=`); names
    starting with `_` are a scheduler's own (scrapyd's `_job`) and pass."""
    problems = []
    for name in given:
        if name.startswith("_"):
            continue
        close = get_close_matches(name, ARGUMENTS, n=1)
        hint = f" (did you mean {close[0]}=?)" if close else ""
        problems.append(f"unknown argument -a {name}={hint}; known: {', '.join(ARGUMENTS)}")
    return problems


def _headers(response: Response) -> list[list[str]]:
    """[name, value] pairs in the order received, every value of a repeated name kept."""
    return [[key.decode("latin-1"), value.decode("latin-1")]
            for key, values in response.headers.items() for value in values]


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """`48h`, `7d` (an age) or an ISO date or time (a moment) as an aware datetime."""
    age = re.fullmatch(r"\s*(\d+)\s*([hd])\s*", value)
    if age:
        unit = timedelta(hours=1) if age.group(2) == "h" else timedelta(days=1)
        return (now or datetime.now(timezone.utc)) - int(age.group(1)) * unit
    moment = parse_instant(value, timezone.utc)
    if moment is None:
        raise ValueError(f"since={value!r}: give a date (2026-11-01), a time, or an age (48h, 7d)")
    return moment

