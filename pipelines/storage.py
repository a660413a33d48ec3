"""Compare each capture with the archive and store it: versions, updates, changes, captures."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from scrapy.exceptions import DropItem

from archiver.items import Capture
from archiver.storage.recording import RecordResult, StaleBaseline, defer_reread
from pipelines import ArchiveBound
from pipelines.baseline import reread

logger = logging.getLogger(__name__)

# Times a capture's baseline is read again because other captures kept replacing the live
# version meanwhile; past that it is compared with the stored text as it is.
MAX_REREADS = 3


class ArchivePipeline(ArchiveBound):
    """Write every capture to the SQLite archive named by the ARCHIVER_DB setting.

    One transaction per capture, so a crash loses at most the capture in flight. The writes
    run in one writer thread, in the order the captures arrive: SQLite does its work (and
    waits for the disk) without the GIL, so the reactor keeps fetching meanwhile. Page
    reading stays on the reactor's side: a baseline that must be read again comes back as
    StaleBaseline, is read here, and the capture is written once more.

    The raw body is kept (compressed) in the archive and dropped from the item, so feed
    exports (`-O`) carry the story, its version and its updates but not megabytes of HTML.
    """

    writer: ThreadPoolExecutor | None = None

    def open_spider(self) -> None:
        super().open_spider()
        if self.archive is not None:
            self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        logger.info("Archive: %s", self.db_path)

    def close_spider(self) -> None:
        if self.writer is not None:
            # Queued behind every write: what the writer thread cost, for the run's stats.
            cpu = self.writer.submit(time.thread_time).result()
            self.stats.set_value("archiver/writer_cpu_seconds", round(cpu, 3))
            self.writer.shutdown(wait=True)
            self.writer = None
        super().close_spider()

    async def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture):
            return item
        for attempt in range(MAX_REREADS + 1):
            how = defer_reread if attempt < MAX_REREADS else None
            try:
                result = await asyncio.wrap_future(
                    self.writer.submit(self.archive.record, item, how))
                break
            except StaleBaseline as stale:
                item.baseline = reread(self.crawler, stale.body, stale.url, stale.content_type)
                item.baseline_version = stale.version_id
                self.stats.inc_value("archiver/baseline_stale_rereads")
        return self._recorded(item, result)

    def _recorded(self, item: Capture, result: RecordResult) -> Capture:
        item.outcome, item.version, item.change = result.outcome, result.version, result.change
        item.capture_id = result.capture_id
        item.updates = result.updates or []
        item.body = item.baseline = None
        item.baseline_version = None
        if result.outcome == "duplicate":  # another crawl completed this held capture
            raise DropItem(f"completed by another crawl: {item.final_url}", log_level="DEBUG")
        if result.outcome == "held":  # stored; the full capture follows, and is exported
            raise DropItem(f"held for the site template: {item.final_url}", log_level="DEBUG")
        self.stats.inc_value(f"archiver/captures/{result.outcome}")
        if result.outcome == "new_version":
            logger.info("Version %d of %s: %s", result.version, item.identity, result.change)
        elif result.outcome in ("removed", "returned"):
            logger.info("%s: %s (version %s)", item.identity, result.outcome, result.version)
        return item
