"""The `news` spider: fetch stories from URL lists, feeds, sitemaps and section pages.

Spider arguments (comma-separated lists):
    urls      article pages
    feeds     RSS or Atom feeds; each entry's link is fetched as an article
    sitemaps  sitemaps, sitemap indexes, news sitemaps, or a robots.txt naming them
    start     home or section pages; same-site links that look like stories are fetched,
              section links are followed up to `depth` levels (ARCHIVER_START_DEPTH, 2)
    since     skip sitemap entries whose lastmod is older: a date ("2026-11-01"), a time
              with zone, or an age ("48h", "7d"); entries without lastmod are kept
              (a sitemap whose every entry is older gave nothing to do: not a failure)
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
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy import Request
from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import Sitemap

from archiver.capture import failed_capture, now_iso, redirect_refusal
from archiver.items import Fetch
from archiver.links import looks_like_article, looks_like_listing
from archiver.normalize import normalize_url, parse_instant, site_of
from archiver.revisit import MODES, Backoff, Revisit, archived_revisits
from archiver.sites import domain_of
from archiver.storage import Archive
from archiver.storage.files import refusal
from archiver.storage.revisits import record_hints


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
        self.sitemaps_seen: set[str] = set()
        self.entries_too_old = 0  # of the sitemap being read (see _parse_sitemap)
        # Modified times feeds and sitemaps give for stories (archiver/revisit.py reads them).
        self.hints: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.depth is None:
            spider.depth = crawler.settings.getint("ARCHIVER_START_DEPTH", 2)
        spider.conditional = crawler.settings.getbool("ARCHIVER_CONDITIONAL_REVISITS", True)
        spider.db_path = crawler.settings.get("ARCHIVER_DB")
        refused = refusal(spider.db_path) if spider.db_path else None  # empty: no archive
        if refused:
            spider.problems.append(f"ARCHIVER_DB: {refused}")
        spider.max_sitemaps = crawler.settings.getint("ARCHIVER_MAX_SITEMAPS", 500)
        spider.max_links = crawler.settings.getint("ARCHIVER_MAX_LINKS_PER_PAGE", 1000)
        spider.max_feed_entries = crawler.settings.getint("ARCHIVER_MAX_FEED_ENTRIES", 2000)
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

    def parse_article(self, response: Response) -> Iterable[Any]:
        """What was fetched, as received; `archiver.reader.PageReader` reads it."""
        if response.status == 304 and not (response.request.headers.get("If-None-Match") or
                                           response.request.headers.get("If-Modified-Since")):
            reason = "HTTP 304 to a request that was not conditional"
            self.logger.warning("No story from %s: %s", asked_url(response), reason)
            yield failed_capture(asked_url(response), reason,
                                 source=response.meta.get("archiver_source"))
            return
        yield Fetch(url=asked_url(response),
                    final_url=response.url, status=response.status,
                    headers=_headers(response), body=response.body, fetched_at=now_iso(),
                    source=response.meta.get("archiver_source", "sitemaps"))

    def on_article_error(self, failure) -> Iterable[Any]:
        request = failure.request
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.logger.warning("Fetch failed for %s: %s", asked_url(request), reason)
        yield failed_capture(asked_url(request), reason,
                             source=request.meta.get("archiver_source"))

    # Discovery --------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterable[Any]:
        problem = discovery_problem(response)
        if problem or not hasattr(response, "xpath"):
            yield self._discovery_failed(response, problem or "not a feed", "feeds")
            return
        try:
            selector = response.selector
            selector.remove_namespaces()
            entries = [(entry.xpath("link/text() | link[not(@rel) or @rel='alternate']/@href")
                        .get(), entry.xpath("updated/text() | pubDate/text() | modified/text()")
                        .get()) for entry in selector.xpath("//item | //entry")]
        except Exception as exc:  # hostile or broken XML must not stop the crawl
            yield self._discovery_failed(response, f"unreadable: {exc}", "feeds")
            return
        entries = [(link, modified) for link, modified in entries if link and link.strip()]
        if not entries:
            yield self._discovery_failed(response, "no RSS or Atom entries", "feeds")
            return
        self.crawler.stats.inc_value("archiver/feed_entries", len(entries))
        if len(entries) > self.max_feed_entries:
            self._cut(response, "feed_entries", len(entries), self.max_feed_entries,
                      "ARCHIVER_MAX_FEED_ENTRIES")
        for link, modified in entries[:self.max_feed_entries]:
            url = response.urljoin(link.strip())
            if urlsplit(url).scheme in ("http", "https"):
                self._hint(url, modified)
                yield self._article_request(url, source="feeds")
            else:
                self.crawler.stats.inc_value("archiver/links_not_web")

    def _cut(self, response: Response, what: str, found: int, kept: int, setting: str) -> None:
        """A limit cut a page's links: one warning line and a count in the run's stats."""
        self.logger.warning("%s has %d %s; the first %d are used (%s)", asked_url(response),
                            found, what.replace("_", " "), kept, setting)
        self.crawler.stats.inc_value(f"archiver/cut/{what}", found - kept)

    def _hint(self, url: str, modified: str | None) -> None:
        """Keep a modified time for archiver.revisit; one in the future counts as now (the
        moment the feed or sitemap was read, before the story is fetched from it)."""
        when = modified_time(modified)
        if when:
            when = min(when, now_iso())
            key = normalize_url(url)
            self.hints[key] = max(self.hints.get(key, when), when)

    def _parse_sitemap(self, response: Response) -> Iterable[Any]:
        problem = discovery_problem(response)
        if problem:
            yield self._discovery_failed(response, problem, "sitemaps")
            return
        self.sitemaps_seen.update({normalize_url(response.url), normalize_url(asked_url(response))})
        body = None if response.url.endswith("/robots.txt") else self._get_sitemap_body(response)
        if body is None and not response.url.endswith("/robots.txt"):
            yield self._discovery_failed(response, "not a sitemap, or too large unpacked",
                                         "sitemaps")
            return
        if body is not None:
            kind = sitemap_kind(body)
            if kind not in ("urlset", "sitemapindex"):
                yield self._discovery_failed(response, f"not a sitemap: its root element is "
                                             f"<{kind or '?'}>", "sitemaps")
                return
        found = again = 0
        try:
            self.entries_too_old = 0  # sitemap_filter counts them while the sitemap is read
            requests = list(super()._parse_sitemap(response))
            too_old = self.entries_too_old
            if too_old:
                self.logger.info("Sitemap %s: %d entries older than since= skipped",
                                 asked_url(response), too_old)
            for request in requests:
                if request.callback == self.parse_article:
                    found += 1
                    yield self._article_request(request.url, source="sitemaps")
                elif normalize_url(request.url) in self.sitemaps_seen:
                    again += 1  # an index listing itself, or a loop of indexes
                elif self.sitemaps_followed >= self.max_sitemaps:
                    yield self._discovery_failed(request, "more sitemaps than "
                                                 f"ARCHIVER_MAX_SITEMAPS={self.max_sitemaps}",
                                                 "sitemaps")
                    return
                else:
                    found += 1
                    self.sitemaps_followed += 1
                    self.sitemaps_seen.add(normalize_url(request.url))
                    yield request.replace(errback=self.on_listing_error)
        except Exception as exc:  # hostile XML must not stop the crawl
            yield self._discovery_failed(response, f"unreadable: {exc}", "sitemaps")
            return
        if not found and not too_old:  # entries skipped as too old are not a failure
            reason = (f"lists only sitemaps already read ({again}): itself, or a loop" if again
                      else "no sitemap entries (robots.txt names none, or an empty <urlset>)")
            yield self._discovery_failed(response, reason, "sitemaps")

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Sitemap (and sitemap index) entries modified since `-a since=`, when given."""
        for entry in entries:
            if not str(entry.get("loc", "")).startswith(("http://", "https://")):
                self.crawler.stats.inc_value("archiver/links_not_web")
                continue  # javascript:, relative or empty: not a page to fetch
            modified = parse_instant(entry.get("lastmod"), timezone.utc)
            if self.since is None or modified is None or modified >= self.since:
                self._hint(entry["loc"], entry.get("lastmod"))
                yield entry
            else:
                self.entries_too_old += 1
                self.crawler.stats.inc_value("archiver/sitemap_entries_too_old")

    def parse_listing(self, response: Response, depth_left: int = 0) -> Iterable[Any]:
        problem = discovery_problem(response)
        if problem or not hasattr(response, "text"):
            yield self._discovery_failed(response, problem or "not HTML", "start")
            return
        here = site_of(response.url)
        total, hrefs = page_links(response, self.max_links)
        followed = 0
        for href in hrefs:
            url = normalize_url(response.urljoin(href))
            if urlsplit(url).scheme not in ("http", "https") or site_of(url) != here:
                continue
            if looks_like_article(url):
                followed += 1
                yield self._article_request(url, source="start")
            elif depth_left > 0 and looks_like_listing(url):
                followed += 1
                yield Request(url, callback=self.parse_listing, errback=self.on_listing_error,
                              cb_kwargs={"depth_left": depth_left - 1})
        cut = total - len(hrefs)
        if not followed and depth_left == self.depth:  # a start page, not a section below it
            reason = "no story or section links on this site"
            if cut:
                reason += (f" (in the first {len(hrefs)} of {total} links: "
                           "ARCHIVER_MAX_LINKS_PER_PAGE)")
                self.crawler.stats.inc_value("archiver/cut/links", cut)
            yield self._discovery_failed(response, reason, "start")
        elif cut:
            self._cut(response, "links", total, len(hrefs), "ARCHIVER_MAX_LINKS_PER_PAGE")

    def on_listing_error(self, failure) -> Iterable[Any]:
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield self._discovery_failed(failure.request, reason, "discovery")

    def _discovery_failed(self, asked: Request | Response, reason: str, source: str):
        """A feed, sitemap or section page that gave no links: one log line, one capture row,
        under the URL that was asked for (not where its redirects ended)."""
        url = asked_url(asked)
        self.logger.warning("Discovery page %s unusable: %s", url, reason)
        self.crawler.stats.inc_value("archiver/failed_discovery")
        capture = failed_capture(url, reason, source=source)
        if isinstance(asked, Response):
            capture.final_url, capture.status = asked.url, asked.status
        return capture

    def closed(self, reason: str) -> None:
        """Keep the feed and sitemap hints for the next `revisit=due` run."""
        if self.hints and self.db_path and not self.problems:
            with Archive.open(self.db_path) as archive:
                record_hints(archive, self.hints, "discovery", now_iso())


def asked_url(asked: Request | Response) -> str:
    """The URL the crawl asked for, before any redirect."""
    return (asked.meta.get("redirect_urls") or [asked.url])[0]


def discovery_problem(response: Response) -> str | None:
    """Why a feed, sitemap or start page answer gives no links, when its status tells."""
    location = response.headers.get(b"Location")
    if 300 <= response.status < 400 and location:
        return redirect_refusal(response.url, location.decode("latin-1"))
    if response.status >= 300:
        return f"HTTP {response.status}"
    return None


def page_links(response: Response, limit: int) -> tuple[int, list[str]]:
    """How many distinct links (href values) a page has, and the first `limit` of them. A
    link repeated (a story under its picture and its headline) is one link, so only distinct
    links past the limit are cut. The hrefs are read as plain strings in one pass: a page of
    100,000 links never makes 100,000 Selector objects."""
    hrefs = _distinct(_ALL_HREFS(response.selector.root))
    return len(hrefs), hrefs[:limit]


_ALL_HREFS = etree.XPath("//a/@href | //area/@href", smart_strings=False)


def _distinct(hrefs: Iterable[str]) -> list[str]:
    """Href values stripped, empty ones dropped, each once, in page order."""
    return list(dict.fromkeys(h for h in map(str.strip, hrefs) if h))


def sitemap_kind(body: bytes) -> str | None:
    """The root element of a sitemap body (`urlset`, `sitemapindex`, `rss`...), or None when
    it cannot be parsed."""
    try:
        return Sitemap(body).type
    except Exception:  # any parser error means: not a sitemap
        return None


def modified_time(value: str | None) -> str | None:
    """An entry's modified time (ISO 8601 or an RSS date) as ISO 8601 UTC, or None."""
    if not value or not value.strip():
        return None
    when = parse_instant(value, timezone.utc)
    if when is None:
        try:
            when = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


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

