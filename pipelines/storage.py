"""Compare each capture with the archive and store it: versions, updates, changes, captures."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from archiver.items import Capture
from pipelines import ArchiveBound
from pipelines.baseline import reread

logger = logging.getLogger(__name__)


class ArchivePipeline(ArchiveBound):
    """Write every capture to the SQLite archive named by the ARCHIVER_DB setting.

    One transaction per capture, so a crash loses at most the capture in flight. The raw
    body is kept (compressed) in the archive and dropped from the item, so feed exports
    (`-O`) carry the story, its version and its updates but not megabytes of HTML.
    """

    def open_spider(self) -> None:
        super().open_spider()
        logger.info("Archive: %s", self.db_path)

    def _reread(self, body: bytes, url: str, content_type: str | None):
        return reread(self.crawler, body, url, content_type)

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture):
            return item
        result = self.archive.record(item, reread=self._reread)
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
