"""The one archive writer: captures from the Redis stream through the archive's pipelines.

`archiver ingest` runs a Scrapy crawl whose spider fetches nothing: it reads the captures
stream (a consumer group, so Redis keeps every delivered entry pending until it is
acknowledged) and yields each capture as an item. The items go through the same pipelines a
local crawl ends with (WRITER_PIPELINES: baseline, then storage, one transaction per
capture), and an entry is acknowledged and deleted only when its item has left the last
pipeline, that is after its transaction committed. A writer stopped at any moment leaves its
unacknowledged entries pending; the next one reads those first, skipping any that did reach
the archive before the stop.

One archive, one writer: a Redis key with expiry (renewed while the writer lives) refuses a
second writer on the same stream, and a lock file beside the archive refuses a second writer
on the same archive.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import socket
import time
from pathlib import Path

import redis
from scrapy import Spider, signals
from scrapy.utils.asyncio import create_looping_call

from archiver.distributed import BAD_CAPTURES, CAPTURES, WRITER_LOCK, WRITERS, worker_key
from archiver.distributed.captures import decode
from archiver.distributed.templates import SharedTemplateBook, changed_templates, taken
from archiver.items import Capture
from archiver.storage import Archive

logger = logging.getLogger(__name__)

CONSUMER = "writer"  # one writer, one consumer name: its pending entries are its own
FRONTIER = "news"  # the crawl spider whose frontier the workers share
BATCH = 100
LOCK_SECONDS = 15

# Extend or drop the writer key only if it is still ours.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class WriterBusy(Exception):
    """Another writer holds the stream or the archive."""


class WriterLock:
    def __init__(self, server: redis.Redis, db_path: str):
        self.server = server
        self.db_path = db_path
        self.token = f"{socket.gethostname()} pid {os.getpid()} writing {os.path.abspath(db_path)}"
        self._file = None

    def acquire(self) -> None:
        path = Path(f"{self.db_path}.writer-lock")
        self._file = path.open("a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise WriterBusy(f"another writer is ingesting into {self.db_path}") from None
        if not self.server.set(WRITER_LOCK, self.token, nx=True, ex=LOCK_SECONDS):
            holder = self.server.get(WRITER_LOCK)
            self._unlock_file()
            holder = holder.decode() if holder else "another writer"
            raise WriterBusy(f"the captures stream already has a writer: {holder}")

    def renew(self) -> bool:
        return bool(self.server.eval(RENEW, 1, WRITER_LOCK, self.token, LOCK_SECONDS * 1000))

    def release(self) -> None:
        self.server.eval(RELEASE, 1, WRITER_LOCK, self.token)
        self._unlock_file()

    def _unlock_file(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class IngestSpider(Spider):
    """Yields the captures of the stream; acknowledges each once the pipelines are done."""

    name = "ingest"

    def __init__(self, server: redis.Redis, lock: WriterLock, exit_when_idle: float = 0,
                 **kwargs):
        super().__init__(**kwargs)
        self.server = server
        self.lock = lock
        self.exit_when_idle = exit_when_idle
        self.entries: dict[int, bytes] = {}  # id(item) -> its stream entry, until acked
        self.templates: SharedTemplateBook | None = None
        self._templates_read = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.db_path = crawler.settings.get("ARCHIVER_DB")
        # The baseline re-reads stored pages with the site templates the workers use.
        if crawler.settings.getbool("ARCHIVER_TEMPLATES", True):
            spider.templates = SharedTemplateBook(spider.server)
        crawler.signals.connect(spider._stored, signal=signals.item_scraped)
        crawler.signals.connect(spider._stored, signal=signals.item_dropped)
        crawler.signals.connect(spider._failed, signal=signals.item_error)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        try:
            self.server.xgroup_create(CAPTURES, WRITERS, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._renewal = create_looping_call(self._renew)
        self._renewal.start(LOCK_SECONDS / 3, now=False)
        # Entries a stopped writer was given and never acknowledged come first.
        self.server.xautoclaim(CAPTURES, WRITERS, CONSUMER, min_idle_time=0, count=10_000)
        after, quiet_since = b"0", None
        with Archive.open(self.db_path) as archive:
            while True:
                while len(self.entries) >= BATCH:  # read no faster than the archive stores
                    await asyncio.sleep(0.01)
                replies = self.server.xreadgroup(WRITERS, CONSUMER, {CAPTURES: after},
                                                 count=BATCH)
                entries = replies[0][1] if replies else []
                if after != b">" and not entries:
                    after = b">"  # the pending ones are done: now the new ones
                    continue
                if not entries:
                    if self._done(quiet_since):
                        return
                    quiet_since = quiet_since or time.monotonic()
                    await asyncio.sleep(0.2)
                    continue
                quiet_since = None
                for entry_id, fields in entries:
                    if after != b">":
                        after = entry_id
                    capture = self._capture(entry_id, fields)
                    if capture is None:
                        continue
                    if after != b">" and _already_recorded(archive, capture):
                        self._ack(entry_id)  # it committed before the stop, not acked
                        self.crawler.stats.inc_value("archiver/redis/redelivered_skipped")
                        continue
                    self.entries[id(capture)] = entry_id
                    yield capture

    def _capture(self, entry_id: bytes, fields: dict) -> Capture | None:
        if not fields:  # deleted from the stream while pending: nothing to store
            self._ack(entry_id)
            return None
        try:
            return decode(fields)
        except ValueError as exc:
            logger.warning("Unreadable stream entry %s kept in %s: %s",
                           entry_id.decode(), BAD_CAPTURES, exc)
            self.server.xadd(BAD_CAPTURES, fields)
            self._ack(entry_id)
            self.crawler.stats.inc_value("archiver/redis/unreadable_captures")
            return None

    def _done(self, quiet_since: float | None) -> bool:
        """With --exit-when-idle: nothing new for that long, nothing left to store, no
        worker alive and nothing in the frontier."""
        if not self.exit_when_idle or self.entries or quiet_since is None:
            return False
        if time.monotonic() - quiet_since < self.exit_when_idle:
            return False
        workers = next(self.server.scan_iter(match=worker_key(FRONTIER, "*"), count=1000), None)
        return workers is None and not self.server.zcard(f"{FRONTIER}:requests")

    def _stored(self, item, **kwargs) -> None:
        entry_id = self.entries.pop(id(item), None)
        if entry_id is not None:
            self._ack(entry_id)
            self.crawler.stats.inc_value("archiver/redis/captures_ingested")

    def _failed(self, item, failure, **kwargs) -> None:
        entry_id = self.entries.pop(id(item), None)
        if entry_id is not None:  # left pending: the next writer tries it again
            logger.error("Capture %s not stored (%s); it stays in Redis for the next run",
                         entry_id.decode(), failure.getErrorMessage())

    def _ack(self, entry_id: bytes) -> None:
        pipe = self.server.pipeline()
        pipe.xack(CAPTURES, WRITERS, entry_id)
        pipe.xdel(CAPTURES, entry_id)
        pipe.execute()

    def _renew(self) -> None:
        if self.templates is not None and time.monotonic() - self._templates_read > 60:
            self.templates = SharedTemplateBook(self.server)  # what the workers learned since
            self._templates_read = time.monotonic()
        if not self.lock.renew():
            logger.error("Lost the writer lock (this writer stalled past %d s); stopping",
                         LOCK_SECONDS)
            self.crawler.stop()

    def _closed(self, reason: str) -> None:
        renewal = getattr(self, "_renewal", None)
        if renewal is not None and renewal.running:
            renewal.stop()
        if self.templates is not None:  # the archive keeps them, as a local crawl's does
            changed = changed_templates(self.server)
            if changed:
                with Archive.open(self.db_path) as archive:
                    archive.save_templates(changed)
                taken(self.server, changed)


def _already_recorded(archive: Archive, capture: Capture) -> bool:
    """Whether this very fetch is in the archive (delivered, stored, then the writer stopped
    before acknowledging it)."""
    row = archive.db.execute(
        "select 1 from captures where url = ? and fetched_at = ? and body_sha256 is ? "
        "and error is ? limit 1",
        [capture.url, capture.fetched_at, capture.body_sha256, capture.error]).fetchone()
    return row is not None


def ingest(redis_url: str, db_path: str, *, exit_when_idle: float = 0,
           settings_overrides: dict | None = None) -> int:
    """Run the writer until stopped (or idle): 0 when it ran, 1 when it was refused."""
    from scrapy.crawler import CrawlerProcess

    from archiver.distributed import WRITER_PIPELINES
    from archiver.distributed.addon import without_page_reader
    from archiver.distributed.runner import project_settings

    server = redis.Redis.from_url(redis_url)
    lock = WriterLock(server, db_path)
    try:
        lock.acquire()
    except WriterBusy as exc:
        logger.error("Not ingesting: %s", exc)
        return 1
    try:
        settings = project_settings({"ARCHIVER_DB": db_path, **(settings_overrides or {})})
        # The workers read the pages and ran the other pipelines.
        settings.set("ITEM_PIPELINES", {
            name: order for name, order in settings.getdict("ITEM_PIPELINES").items()
            if name in WRITER_PIPELINES})
        settings.set("SPIDER_MIDDLEWARES", without_page_reader(settings))
        process = CrawlerProcess(settings)
        process.crawl(IngestSpider, server=server, lock=lock, exit_when_idle=exit_when_idle)
        process.start()
    finally:
        lock.release()
    return 0
