"""Item pipelines: normalize a capture, re-read its baseline, then compare and store it."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from archiver.storage import Archive


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
        self.archive = Archive.open(self.db_path)

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()
