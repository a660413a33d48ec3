"""Spider middleware: every fetched article page is read here, once.

The spider only navigates: for each article answer it yields a `Fetch`. The reader has the
page parsed once and, in the one walk of that tree which extraction makes, its blocks counted
into the site's template (`TemplateBook`) before the story is extracted with it: one parse
and one walk per page, and the template already knows the page it reads. That work runs in a
worker process beside the reactor (`archiver.workers`). Out comes a `Capture` for the item
pipelines.

A new site's first pages cannot know its template yet (a block is furniture once it was seen
on 3 pages of the site), so they are held: recorded at once as a `held` capture with their raw
body, and read when their site's template is warm, or when the crawl runs dry. The archive is
the only copy of a held page, so a crawl stopped at any moment (even by SIGKILL) loses
nothing: the next run loads the held captures it finds, learns from them, and completes each
one in place.

A worker of a fleet (`archiver.distributed`) shares its site templates with the other
workers: a site is warm once the fleet has seen enough of its pages, and a worker reads a
cold site's held pages only once the whole fleet is done fetching, so what is stored never
depends on which worker fetched which page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object

from archiver.capture import capture_of, is_readable
from archiver.items import Capture, Fetch
from archiver.normalize import normalize_url, site_of
from archiver.storage import Archive
from archiver.templates import TemplateBook
from archiver.workers import PageWorkers, ReaderDied

logger = logging.getLogger(__name__)

# Pages of cold sites held at once, at most; past that a page is read with what its site's
# template knows so far (a crawl of thousands of new sites must not wait on all of them).
MAX_HELD = 200
_RELEASE = "archiver_release_held"
# A request that must be served by this crawl process, never by a shared frontier (a Redis
# worker's held pages live in its own scratch archive).
LOCAL_ONLY = "archiver_local_only"


def _nothing(response) -> list:
    """Callback of the request that wakes an idle crawl to read its held pages."""
    return []


class PageReader:
    """Turn each `Fetch` into a `Capture`: learn the site's template and extract, one parse."""

    def __init__(self, crawler, templates: TemplateBook | None, db_path: str | None,
                 processes: int = 0):
        self.crawler = crawler
        self.stats = crawler.stats
        self.templates = templates
        self.workers = PageWorkers(templates, processes)
        self.db_path = db_path
        self.archive: Archive | None = None
        self.held: dict[str, list[int]] = {}  # site -> ids of its held captures, oldest first
        self.skip_seen = True  # a page seen before byte for byte is not read again
        self._recovered = False

    @classmethod
    def from_crawler(cls, crawler):
        db_path = crawler.settings.get("ARCHIVER_DB") or None
        if getattr(crawler.spider, "problems", None):
            db_path = None  # a refused run (bad arguments, foreign ARCHIVER_DB) opens no archive
        book = load_object(crawler.settings.get("ARCHIVER_TEMPLATE_BOOK",
                                                "archiver.templates.TemplateBook"))
        templates = book.from_crawler(crawler) if db_path else None
        reader = cls(crawler, templates, db_path,
                     crawler.settings.getint("ARCHIVER_READER_PROCESSES", 0))
        # A distributed worker's archive is its scratch one, not the archive of record: its
        # versions are no story to skip reading for.
        reader.skip_seen = not crawler.settings.get("ARCHIVER_REDIS_URL")
        crawler.signals.connect(reader.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reader.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(reader.spider_closed, signal=signals.spider_closed)
        return reader

    # Scrapy hooks -----------------------------------------------------------------------

    def spider_opened(self, spider) -> None:
        spider.templates = self.templates  # the baseline pipeline re-reads with the same book
        if self.db_path:  # (a refused run reads nothing)
            self.workers.start()

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Before the spider's first requests: complete what an earlier run left held."""
        async for capture in self.recover():
            yield capture
        async for item in start:
            yield item

    async def process_spider_output(self, response, result: AsyncIterator[Any]
                                    ) -> AsyncIterator[Any]:
        if response.meta.get(_RELEASE):
            async for capture in self.release_all(response.meta[_RELEASE]):
                yield capture
        async for item in result:
            if isinstance(item, Fetch):
                async for capture in self.read(item):
                    yield capture
            else:
                yield item

    def spider_idle(self) -> None:
        """The crawl ran dry with pages still held: read those it may read now."""
        if self.held:
            sites = self._releasable()
            if sites:
                self.crawler.engine.crawl(Request("data:,", callback=_nothing, dont_filter=True,
                                                  meta={_RELEASE: sites, LOCAL_ONLY: True}))
            raise DontCloseSpider

    def spider_closed(self) -> None:
        self.workers.close()
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    # Reading ----------------------------------------------------------------------------

    async def read(self, fetch: Fetch) -> AsyncIterator[Capture]:
        """The capture of `fetch`, after those of its site's held pages once it warms the
        site's template; nothing yet when the page itself is held."""
        capture = capture_of(fetch)
        if not is_readable(capture):
            yield self._logged(capture)
            return
        site = site_of(fetch.final_url)
        self.workers.catch_up(site)  # what the rest of a fleet learned of the site
        warm = self.templates is None or self.templates.is_warm(site)
        if warm and self.skip_seen and self._seen_before(capture):  # (a cold site's template learns from it)
            yield capture
            return
        if warm or not self._room():
            # The usual case: one parse and one walk count the page's blocks into its site's
            # template and extract its story.
            yield await self._read(capture, fetch, learn=True)
            return
        await self.workers.learn(fetch)
        if not self.templates.is_warm(site):
            self._hold(site, capture)
            return
        async for held in self.release(site):  # this page warmed the template
            yield held
        yield await self._read(capture, fetch)

    async def _read(self, capture: Capture, fetch: Fetch, learn: bool = False) -> Capture:
        try:
            capture.article, capture.error, capture.story_hash = await self.workers.story(
                fetch, learn)
        except ReaderDied as exc:
            capture.error = str(exc)
        return self._logged(capture)

    def _seen_before(self, capture: Capture) -> bool:
        """A page whose bytes are those the URL's latest stored page had is not read again:
        its story is the version that page was read as (comparing it then finds it
        unchanged, or returned to). A page read again only with a warmer template would be
        the same story, as the baseline re-read makes it anyway. Only for a site whose
        template is warm: a cold one must learn from every page it is given."""
        archive = self._archive()
        seen = archive.story_of_body(normalize_url(capture.url), capture.body_sha256) \
            if archive is not None and capture.body_sha256 else None
        if seen is None:
            return False
        capture.article, capture.story_hash = seen.article, seen.story_hash
        self.stats.inc_value("archiver/pages_seen_before")
        return True

    def _room(self) -> bool:
        """Whether a page may be held: an archive to hold it in, and fewer than MAX_HELD."""
        return self._archive() is not None and sum(map(len, self.held.values())) < MAX_HELD

    def _hold(self, site: str, capture: Capture) -> None:
        """Record `capture` as held (raw body, no story yet), to be read once its site's
        template is warm."""
        capture.held = True
        result = self.archive.record(capture)
        self.held.setdefault(site, []).append(result.capture_id)
        self.stats.inc_value("archiver/held_for_template")

    async def release(self, site: str) -> AsyncIterator[Capture]:
        """Read the held pages of `site`; each capture completes its held row."""
        for capture_id in self.held.pop(site, []):
            row = _held_row(self._archive(), capture_id)
            if row is None:  # completed meanwhile by another crawl of the same archive
                continue
            fetch = _fetch_of(row)
            capture = capture_of(fetch)
            capture.completes = capture_id
            if row["body"] is None and capture.error is None:
                capture.error = "held capture lost its raw body"
            if is_readable(capture):
                yield await self._read(capture, fetch)
            else:
                yield self._logged(capture)

    async def release_all(self, sites: list[str] | None = None) -> AsyncIterator[Capture]:
        """Read the held pages of `sites` (default: every site)."""
        for site in list(self.held) if sites is None else sites:
            async for capture in self.release(site):
                yield capture

    def _releasable(self) -> list[str]:
        """The held sites to read, the crawl being idle: those whose template has warmed
        meanwhile (a fleet's other workers learned it), and every one once no other crawl
        can teach their templates more. A worker of a fleet reads a cold site's pages only
        when the whole fleet is done fetching, whichever worker fetched which page."""
        for site in self.held:
            self.workers.catch_up(site)
        if _fleet_done(self.crawler):
            return list(self.held)
        return [site for site in self.held
                if self.templates is None or self.templates.is_warm(site)]

    async def recover(self) -> AsyncIterator[Capture]:
        """Load the held captures an earlier run left (it stopped before reading them): learn
        from them, and read at once those whose site's template is already warm."""
        if self._recovered or getattr(self.crawler.spider, "problems", None):
            return  # (arguments refused: the crawl writes nothing, not even a new archive)
        if self._archive() is None:
            return
        self._recovered = True
        for row in self.archive.held_captures():  # bodies read one at a time
            site = site_of(row["final_url"])
            self.held.setdefault(site, []).append(row["id"])
            if self.templates is not None and row["body_sha256"]:
                await self.workers.learn(_fetch_of(_with_body(self.archive, row)))
        if self.held:
            logger.info("Completing %d held captures of an earlier run",
                        sum(map(len, self.held.values())))
        for site in list(self.held):
            if self.templates is None or self.templates.is_warm(site):
                async for capture in self.release(site):
                    yield capture

    def _logged(self, capture: Capture) -> Capture:
        if capture.error:
            logger.warning("No story from %s: %s", capture.url, capture.error)
        return capture

    def _archive(self) -> Archive | None:
        if self.archive is None and self.db_path:
            self.archive = Archive.open(self.db_path)
        return self.archive


def _fleet_done(crawler) -> bool:
    """Whether no other crawl sharing this one's templates may still learn a page: always
    for a local crawl; for a worker, when its scheduler (the shared frontier) says so."""
    done = getattr(crawler.engine.scheduler, "fleet_done", None)
    return done is None or done()


def _held_row(archive: Archive, capture_id: int) -> dict[str, Any] | None:
    row = archive.held_capture(capture_id)
    return _with_body(archive, row) if row else None


def _with_body(archive: Archive, row: dict[str, Any]) -> dict[str, Any]:
    row["body"] = archive.body(row["body_sha256"]) if row["body_sha256"] else None
    return row


def _fetch_of(row: dict[str, Any]) -> Fetch:
    """The fetch a held capture row recorded, as the spider gave it."""
    headers = row.get("headers") or [
        [name, row[key]] for name, key in (("Content-Type", "content_type"), ("Etag", "etag"),
                                           ("Last-Modified", "last_modified")) if row.get(key)]
    return Fetch(url=row["url"], final_url=row["final_url"], status=row["status"],
                 headers=headers, body=row["body"] or b"", fetched_at=row["fetched_at"],
                 source=row["source"])
