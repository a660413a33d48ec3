"""Downloader middlewares: no answer lost silently, and servers that ask us to wait are obeyed.

Scrapy drops some answers with only a DEBUG line: a redirect or a meta refresh to a host the
crawl was not given (the offsite filter), a redirect back to a page already fetched (the
duplicate filter), a chain longer than REDIRECT_MAX_TIMES. `RedirectStop` stops such a
redirect before Scrapy follows it, so the 3xx (or the page with its refresh) reaches the
spider under the URL that was asked for, and becomes a failed capture naming its target.

`MetaRefresh` is Scrapy's MetaRefreshMiddleware without its cost on a page that has no
refresh: Scrapy decodes every HTML body whole, on the reactor's thread, to look at its first
4,096 characters.

`RetryAfter` honours `Retry-After` on 429 and 503 answers: the request is retried once the
server's wait is over, when that wait is at most ARCHIVER_RETRY_AFTER_MAX seconds (a longer
one is recorded as the failure it is). `QuietRobotsTxt` turns Scrapy's ERROR line and
traceback for a robots.txt that could not be fetched into one warning and a failed capture.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.robotstxt import logger as robots_logger
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from archiver.capture import failed_capture, may_refresh, meta_refresh
from archiver.normalize import normalize_url
from archiver.sites import site_of

logger = logging.getLogger(__name__)


class RedirectStop:
    """Keep requests from following redirects that Scrapy would drop (see module doc)."""

    def __init__(self, max_hops: int):
        self.max_hops = max_hops

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES", 20))

    def process_response(self, request, response, spider=None):
        if 300 <= response.status < 400:
            location = response.headers.get(b"Location")
            if location and self._stop(request, urljoin(request.url,
                                                        location.decode("latin-1"))):
                request.meta["dont_redirect"] = True  # RedirectMiddleware runs after us
        elif response.status == 200 and isinstance(response, TextResponse):  # (not hasattr "text": it decodes the body)
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
            target = meta_refresh(response.body, response.url, content_type)
            if target and site_of(target) != site_of(request.url):
                request.meta["dont_redirect"] = True  # and MetaRefreshMiddleware too
        return response

    def _stop(self, request, target: str) -> bool:
        hops = request.meta.get("redirect_urls", [])
        seen = {normalize_url(u) for u in [*hops, request.url]}
        return (site_of(target) != site_of(request.url) or normalize_url(target) in seen
                or len(hops) >= self.max_hops)


class MetaRefresh(MetaRefreshMiddleware):
    """Follow a page's `<meta http-equiv="refresh">` as Scrapy does, decoding the page only
    when its head can hold one (`may_refresh`)."""

    def process_response(self, request, response, spider=None):
        if not may_refresh(response.body):
            return response
        return super().process_response(request, response)


class RetryAfter:
    """Retry a 429 or 503 after the wait its `Retry-After` asks for (see module doc)."""

    def __init__(self, crawler, longest: float):
        self.crawler = crawler
        self.longest = longest

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RETRY_ENABLED", True):
            raise NotConfigured("retries are off")
        return cls(crawler, crawler.settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 120))

    async def process_response(self, request, response, spider=None):
        if response.status not in (429, 503) or request.meta.get("dont_retry"):
            return response
        wait = retry_after(response.headers.get(b"Retry-After"))
        if wait is None:
            return response  # Scrapy's RetryMiddleware retries it as usual
        if wait > self.longest:
            logger.warning("%s asks to retry after %.0f s (more than ARCHIVER_RETRY_AFTER_MAX="
                           "%.0f): not waited for", request.url, wait, self.longest)
            return response
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"{response.status} Retry-After {wait:.0f} s")
        if retry is None:
            return response  # retries used up: recorded as the failure it is
        self.crawler.stats.inc_value("archiver/retry_after_waits")
        await maybe_deferred_to_future(deferLater(reactor, wait))
        return retry


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


class QuietRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with a robots.txt that cannot be fetched recorded as a
    failed capture and one warning line instead of an ERROR with a traceback."""

    def __init__(self, crawler):
        super().__init__(crawler)
        robots_logger.addFilter(self._robots_error_line)
        crawler.signals.connect(self._unhook, signal=signals.engine_stopped)

    def _unhook(self) -> None:
        """The filter belongs to this crawl: another crawl in this process has its own."""
        robots_logger.removeFilter(self._robots_error_line)

    def _robots_error_line(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, dict) else {}
        if not str(record.msg).startswith("Error downloading") or "request" not in args:
            return True
        asked = args["request"]
        url = urljoin(asked.url, "/robots.txt")
        error = args.get("f_exception")
        reason = f"{type(error).__name__}: {error}" if error else "robots.txt not fetched"
        logger.warning("robots.txt %s not fetched (crawling on as if it allowed all): %s",
                       url, reason)
        capture = failed_capture(url, reason, source="robots.txt")
        self.crawler.engine.crawl(Request("data:,", callback=lambda _response: [capture],
                                          dont_filter=True, meta={"dont_obey_robotstxt": True}))
        return False
