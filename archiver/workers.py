"""Where pages are read: in worker processes beside the crawl, or in the crawl's own thread.

Reading a page (parse, template learning, extraction) is CPU work in Python that holds the
GIL, so threads would not run it beside Scrapy's reactor; a worker process does. Each site is
read by one worker only (sites are sharded over the workers), so a site's pages are learned
in the order they arrive and the worker's copy of the site's template stays exact. Every page
a worker learns from is sent back as the (fingerprint, place) pairs it counted, and counted
again into the crawl's own `TemplateBook`: the book the crawl decides on (is a site warm?),
re-reads baselines with and saves at the end is always the workers' templates, a few pages
behind at most. A book shared by a fleet of crawls (`archiver.distributed.templates`) is
told of every page counted here, and `catch_up` counts in the pages the others counted, in the
book and in the worker process that reads the site.

With `processes=0` pages are read in the crawl's own thread, on the book itself.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from archiver.article import Article
from archiver.capture import NO_STORY, parse_page, story_of
from archiver.extract import SiteTemplate
from archiver.extract.template import Placed
from archiver.items import Fetch
from archiver.normalize import normalize_article, site_of, story_hash
from archiver.templates import TemplateBook

logger = logging.getLogger(__name__)

WATCH_SECONDS = 0.5  # how often a worker looks whether its crawl is still there


class Story(NamedTuple):
    """A page's story in canonical form (see `archiver.normalize`) with its hash, or why
    there is none. Normalizing here, beside the extraction, keeps that work off the crawl's
    thread; the normalize pipeline only finishes a capture that comes with its hash."""

    article: Article | None
    error: str | None
    story_hash: str | None = None

    @classmethod
    def of(cls, article: Article | None, error: str | None) -> Story:
        if article is None:
            return cls(None, error)
        article = normalize_article(article)
        if not article.paragraphs:
            return cls(None, NO_STORY)
        return cls(article, None, story_hash(article))


class Reading:
    """Site templates and the pages read with them: one per process that reads pages."""

    def __init__(self, templates: dict[str, SiteTemplate] | None):
        self.templates = templates  # None: no templates, pages are read on their own

    def story(self, fetch: Fetch, learn: bool = False) -> tuple[Story, Placed | None]:
        """The page's story; with `learn`, its site's template first counts its blocks (from
        extraction's own walk). Also what was counted, if anything."""
        template = self._template(fetch)
        learned: list[Placed] = []
        on_blocks = None
        if learn and template is not None:
            def on_blocks(blocks):
                learned.append(template.observe_blocks(blocks, fetch.final_url))
        story = story_of(parse_page(fetch), fetch.final_url, template, on_blocks=on_blocks)
        return Story.of(*story), (learned[0] if learned else None)

    def learn(self, fetch: Fetch) -> Placed | None:
        """Count the page's blocks into its site's template, without reading its story."""
        template = self._template(fetch)
        if template is None:
            return None
        return template.observe(parse_page(fetch), fetch.final_url)

    def _template(self, fetch: Fetch) -> SiteTemplate | None:
        if self.templates is None:
            return None
        return self.templates.setdefault(site_of(fetch.final_url), SiteTemplate())


class ReaderDied(Exception):
    """A worker process died twice on the same page (a crash in native code)."""


class PageWorkers:
    """Read pages in `processes` worker processes (or in this thread when 0)."""

    def __init__(self, book: TemplateBook | None, processes: int):
        self.book = book
        self.processes = max(0, processes)
        self._here = Reading(book.sites if book is not None else None)
        self._pools: list[ProcessPoolExecutor | None] = [None] * self.processes
        self._known: list[set[str]] = [set() for _ in range(self.processes)]  # sites it has
        if book is not None and self.processes:
            book.on_load = self._adopt

    async def story(self, fetch: Fetch, learn: bool = False) -> Story:
        site = self._meet(fetch)
        if not self.processes:
            story, placed = self._here.story(fetch, learn)
        else:
            story, placed = await self._run(fetch, site, _story, learn)
            self._count(site, fetch, placed)
        self._share(fetch, placed)
        return story

    async def learn(self, fetch: Fetch) -> None:
        site = self._meet(fetch)
        if not self.processes:
            placed = self._here.learn(fetch)
        else:
            placed = await self._run(fetch, site, _learn)
            self._count(site, fetch, placed)
        self._share(fetch, placed)

    def _meet(self, fetch: Fetch) -> str:
        """The fetch's site, whose template the book loads when the crawl first meets the
        site (and hands to the site's worker process: `_adopt`)."""
        site = site_of(fetch.final_url)
        if self.book is not None:
            self.book.for_site(site)
        return site

    def _adopt(self, site: str, data: str) -> None:
        """The book just loaded the site's template: the site's worker process gets the same
        JSON before anything else of the site (a worker runs its tasks in order)."""
        shard = self._shard(site)
        self._pool(shard)  # (a new one starts with every template the book holds)
        if site not in self._known[shard]:
            self._known[shard].add(site)
            self._tell(shard, _adopt, site, data)

    def catch_up(self, site: str) -> None:
        """Count in the pages of `site` that other crawls sharing the book counted (a fleet
        of workers), here and in the worker process that reads the site."""
        if self.book is None:
            return
        news = self.book.news(site)  # (a site met only now is loaded, and adopted, first)
        if news and self.processes:
            self._tell(self._shard(site), _count, site, news)  # before any later page

    def _tell(self, shard: int, task, *args) -> None:
        """Send a worker a task nobody waits for. A worker found dead is replaced, from the
        book, which already holds what the task would have told it."""
        pool = self._pool(shard)
        try:
            pool.submit(task, *args)
        except BrokenProcessPool:
            self._drop(shard, pool)
            self._pool(shard)

    def start(self) -> None:
        """Start every worker process now (a new process takes a second or more to import
        the extractor), so that the first pages do not wait for it."""
        for shard in range(self.processes):
            self._pool(shard).submit(_ready)

    def _count(self, site: str, fetch: Fetch, placed: Placed | None) -> None:
        if placed is not None and self.book is not None:
            self.book.for_site(site).count(placed, fetch.final_url)

    def _share(self, fetch: Fetch, placed: Placed | None) -> None:
        if placed and self.book is not None:
            self.book.shared(fetch.final_url, placed)

    def _shard(self, site: str) -> int:
        return zlib.crc32(site.encode()) % self.processes

    async def _run(self, fetch: Fetch, site: str, task, *args):
        """Run `task(fetch, *args)` in the worker of the fetch's `site`; a worker that dies
        is replaced (from the book) and the page tried once more."""
        shard = self._shard(site)
        for attempt in (1, 2):
            pool = self._pool(shard)
            try:
                return await asyncio.wrap_future(pool.submit(task, fetch, *args))
            except BrokenProcessPool:
                logger.error("Page reader process died reading %s (attempt %d)",
                             fetch.url, attempt)
                self._drop(shard, pool)
        raise ReaderDied(f"page reader process died twice on {fetch.url}")

    def _drop(self, shard: int, pool: ProcessPoolExecutor) -> None:
        """Let a dead worker's pool go; only if it is still the shard's, so that the other
        pages that were waiting on it do not throw away the new one the first of them made
        (each would start another process, from the book as it was then)."""
        if self._pools[shard] is pool:
            self._pools[shard] = None
        pool.shutdown(wait=False, cancel_futures=True)

    def _pool(self, shard: int) -> ProcessPoolExecutor:
        pool = self._pools[shard]
        if pool is None:
            templates = None
            if self.book is not None:
                templates = {site: t.to_json() for site, t in self.book.sites.items()
                             if self._shard(site) == shard}
                self._known[shard] = set(templates)
            # spawn: a fork of a process running a reactor and threads is not safe.
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start, initargs=(templates, os.getpid()))
            self._pools[shard] = pool
        return pool

    def close(self) -> None:
        for pool in self._pools:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pools = [None] * self.processes


# In a worker process: its Reading, and the tasks the crawl sends it.
_reading: Reading | None = None


def _start(templates: dict[str, str] | None, crawl: int) -> None:
    global _reading
    _reading = Reading(None if templates is None else
                       {site: SiteTemplate.from_json(data) for site, data in templates.items()})
    threading.Thread(target=_exit_with, args=(crawl,), daemon=True,
                     name="exit-with-crawl").start()


def _exit_with(crawl: int) -> None:
    """End this worker once the crawl that started it (process `crawl`, named by the crawl
    itself: one killed while this worker was still starting is gone already) is gone. A
    crawl killed by SIGKILL cannot stop its workers, and a worker waits on its task queue
    for ever (it holds that queue's write end itself): scheduled crawls killed that way
    would pile them up."""
    while os.getppid() == crawl:
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def _ready() -> None:
    """A task that only makes the pool start its process."""


def _story(fetch: Fetch, learn: bool) -> tuple[Story, Placed | None]:
    return _reading.story(fetch, learn)


def _learn(fetch: Fetch) -> Placed | None:
    return _reading.learn(fetch)


def _adopt(site: str, data: str) -> None:
    """Start a site this process has not read yet from the template the crawl loaded."""
    if _reading.templates is not None:
        _reading.templates[site] = SiteTemplate.from_json(data)


def _count(site: str, pages: list[tuple[str, Placed]]) -> None:
    """Count pages other crawls learned into this process's copy of the site's template."""
    if _reading.templates is not None:
        template = _reading.templates.setdefault(site, SiteTemplate())
        for url, placed in pages:
            template.count(placed, url)
