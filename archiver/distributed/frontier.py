"""The shared frontier: scrapy-redis' scheduler and dupefilter, made safe to kill.

scrapy-redis pops a request from Redis when the engine asks for it; a worker killed with
requests waiting in its downloader would lose them. `Frontier` pops a request and writes it
to the worker's in-flight hash in one atomic step, removes it once the engine has finished
with it (downloaded, parsed, its capture sent and its links queued), and keeps a heartbeat
key alive. Any worker that finds an in-flight hash without a heartbeat puts its requests back
in the queue, so a dead worker's requests are fetched again by the others.

`RecentlySeen` shares "already scheduled" across workers for ARCHIVER_REDIS_SEEN_FOR seconds
(a key per fingerprint that expires), rather than forever: a later run finds a section page
or a story again, as a new local crawl would, and Redis holds only the recent fingerprints.
Seeds and revisits (start requests) are always scheduled, seen or not.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
import warnings
from collections import deque

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from archiver.distributed import inflight_key, worker_key
from archiver.reader import LOCAL_ONLY

logger = logging.getLogger(__name__)

# Pop the first request of the queue and note it (with its score) as in flight.
TAKE = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('HSET', KEYS[2], top[1], top[2])
return top[1]
"""
# Put a dead worker's in-flight requests back in the queue, unless its heartbeat is back.
RECOVER = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local taken = redis.call('HGETALL', KEYS[1])
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[2], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[1])
return #taken / 2
"""
SWEEP_EVERY = 1.0  # seconds


class Frontier(Scheduler):
    """scrapy-redis' scheduler with an in-flight ledger, dead-worker recovery and idle close.

    ARCHIVER_REDIS_WORKER_TIMEOUT: seconds without a heartbeat after which a worker is dead.
    ARCHIVER_REDIS_IDLE_CLOSE: a worker stops once the frontier has been empty, with nothing
    in flight anywhere, for this many seconds; 0 keeps it waiting for work until stopped.
    """

    @classmethod
    def from_crawler(cls, crawler):
        frontier = super().from_crawler(crawler)
        frontier.crawler = crawler
        frontier.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        frontier.timeout = crawler.settings.getint("ARCHIVER_REDIS_WORKER_TIMEOUT", 30)
        frontier.idle_close = crawler.settings.getfloat("ARCHIVER_REDIS_IDLE_CLOSE", 5)
        frontier.only_enqueue = crawler.settings.getbool("ARCHIVER_REDIS_ONLY_ENQUEUE")
        frontier.taken = {}  # queue member -> the Request made from it
        frontier.local = deque()  # requests only this worker can serve (LOCAL_ONLY)
        frontier.idle_since = None
        frontier._take = frontier.server.register_script(TAKE)
        frontier._recover = frontier.server.register_script(RECOVER)
        crawler.signals.connect(frontier._on_idle, signal=signals.spider_idle)
        return frontier

    def open(self, spider) -> None:
        with warnings.catch_warnings():  # scrapy-redis' open() still calls Spider.log()
            warnings.simplefilter("ignore", ScrapyDeprecationWarning)
            super().open(spider)
        self.inflight = inflight_key(spider.name, self.worker)
        self.heartbeat = worker_key(spider.name, self.worker)
        if self.only_enqueue:
            return
        self._beat()
        self.recover_dead()
        self._loop = create_looping_call(self._sweep)
        self._loop.start(SWEEP_EVERY, now=False)

    def close(self, reason: str) -> None:
        if getattr(self, "_loop", None) is not None and self._loop.running:
            self._loop.stop()
        if not self.only_enqueue:
            self._release_finished()
            if self.taken:  # not finished (a forced stop): back to the queue for others
                logger.info("Returning %d unfinished requests to the frontier", len(self.taken))
            self.server.delete(self.heartbeat)
            self._recover(keys=[self.inflight, self.queue.key, self.heartbeat])
        super().close(reason)

    # The queue ------------------------------------------------------------------------

    def enqueue_request(self, request) -> bool:
        if request.meta.get(LOCAL_ONLY):  # e.g. the reader's wake-up for pages held here
            self.local.append(request)
            return True
        seen = not request.dont_filter and self.df.request_seen(request)
        if seen and not request.meta.get("is_start_request"):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        if self.local:
            return self.local.popleft()
        if self.only_enqueue:
            return None
        member = self._take(keys=[self.queue.key, self.inflight])
        if member is None:
            return None
        request = self.queue._decode_request(member)
        self.taken[member] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or (not self.only_enqueue and super().has_pending_requests())

    # Bookkeeping ----------------------------------------------------------------------

    def _sweep(self) -> None:
        self._beat()
        self._release_finished()
        self.recover_dead()
        self._wake_engine()  # new work in the frontier, or time to check for idle

    def _beat(self) -> None:
        self.server.set(self.heartbeat, self.worker, ex=self.timeout)

    def _release_finished(self) -> None:
        """Forget the requests the engine is done with (their captures and links are out)."""
        busy = _engine_requests(self.crawler)
        done = [m for m, request in self.taken.items() if busy is not None and request not in busy]
        if done:
            self.server.hdel(self.inflight, *done)
            for member in done:
                del self.taken[member]

    def recover_dead(self) -> int:
        """Put back the requests of every worker whose heartbeat has expired."""
        prefix = inflight_key(self.spider.name, "")
        moved = 0
        for key in self.server.scan_iter(match=prefix + "*", count=1000):
            key = key.decode() if isinstance(key, bytes) else key
            worker = key[len(prefix):]
            if worker != self.worker:
                moved += self._recover(keys=[key, self.queue.key,
                                             worker_key(self.spider.name, worker)])
        if moved:
            logger.warning("Put %d requests of dead workers back in the frontier", moved)
            self.stats.inc_value("archiver/redis/recovered_requests", moved)
        return moved

    def busy_elsewhere(self) -> bool:
        """Whether another worker has requests in flight (they may add more work)."""
        prefix = inflight_key(self.spider.name, "")
        return any(k not in (self.inflight, self.inflight.encode())
                   for k in self.server.scan_iter(match=prefix + "*", count=1000))

    def fleet_done(self) -> bool:
        """Whether the fleet has nothing left to fetch: the frontier is empty and no other
        worker has requests in flight (the page reader then reads pages of cold sites)."""
        return not len(self.queue) and not self.busy_elsewhere()

    def _on_idle(self) -> None:
        if self.only_enqueue:
            return
        if self.idle_close <= 0 or not self.fleet_done():
            self.idle_since = None
            raise DontCloseSpider
        self.idle_since = self.idle_since or time.monotonic()
        if time.monotonic() - self.idle_since < self.idle_close:
            raise DontCloseSpider

    def _wake_engine(self) -> None:
        """Ask the engine for requests (or to notice it is idle) now rather than at its next
        5-second heartbeat."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()


def _engine_requests(crawler):
    """The requests the engine is downloading or processing, or None if it cannot say
    (then nothing is released before a clean close: a kill re-fetches, never loses)."""
    slot = getattr(crawler.engine, "_slot", None)
    return getattr(slot, "inprogress", None)


class RecentlySeen(RFPDupeFilter):
    """A request is a duplicate when any worker scheduled it in the last
    ARCHIVER_REDIS_SEEN_FOR seconds (default 600)."""

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.seen_for = spider.settings.getint("ARCHIVER_REDIS_SEEN_FOR", 600)
        return dupefilter

    def request_seen(self, request) -> bool:
        key = f"{self.key}:{self.request_fingerprint(request)}"
        return not self.server.set(key, 1, nx=True, ex=self.seen_for)

    def clear(self) -> None:
        for key in self.server.scan_iter(match=f"{self.key}:*", count=1000):
            self.server.delete(key)
