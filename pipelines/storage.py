"""Compare each capture with the archive and store it: versions, updates, changes, captures."""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from archiver.items import Capture
from archiver.storage import Archive

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Write every capture to the SQLite archive named by the ARCHIVER_DB setting.

    One transaction per capture, so a crash loses at most the capture in flight. The raw
    body is kept (compressed) in the archive and dropped from the item, so feed exports
    (`-O`) carry the story, its version and its updates but not megabytes of HTML.
    """

    def __init__(self, db_path: str, stats):
        self.db_path = db_path
        self.stats = stats
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("ARCHIVER_DB")
        if not path:
            raise NotConfigured("ARCHIVER_DB is empty")
        return cls(path, crawler.stats)

    def open_spider(self) -> None:
        self.archive = Archive.open(self.db_path)
        logger.info("Archive: %s", self.db_path)

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture):
            return item
        result = self.archive.record(item)
        item.outcome, item.version, item.change = result.outcome, result.version, result.change
        item.updates = result.updates or []
        item.body = item.baseline = None
        self.stats.inc_value(f"archiver/captures/{result.outcome}")
        if result.outcome == "new_version":
            logger.info("Version %d of %s: %s", result.version, item.identity, result.change)
        elif result.outcome in ("removed", "returned"):
            logger.info("%s: %s (version %s)", item.identity, result.outcome, result.version)
        return item
