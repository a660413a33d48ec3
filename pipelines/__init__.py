"""Item pipelines: normalize a capture, re-read its baseline, then compare and store it."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from archiver.storage import Archive
from archiver.storage.files import refusal


class ArchiveBound:
    """A pipeline that keeps the archive named by ARCHIVER_DB open for the crawl."""

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("ARCHIVER_DB")
        if not path:
            raise NotConfigured("ARCHIVER_DB is empty")
        return cls(crawler, path)

    def open_spider(self) -> None:
        if getattr(self.crawler.spider, "problems", None):
            return  # arguments refused, nothing will be crawled: create no archive
        refused = refusal(self.db_path)
        if refused:
            raise ValueError(f"ARCHIVER_DB: {refused}")
        self.archive = Archive.open(self.db_path)

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()
