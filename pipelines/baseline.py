"""Re-read the live version's stored page with today's extractor before a capture is compared.

Extraction changes between runs: a new release of the extractor, a site template that has
learned more blocks. Compared with the text stored months ago, the same page would then look
edited. The storage pipeline compares each capture with this baseline too, so that only a
change in the page, never a change in how it is read, makes a version.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from archiver.extract import extract
from archiver.items import Capture
from archiver.normalize import normalize_article
from archiver.storage import Archive


class BaselinePipeline:
    """Attach `capture.baseline` when a capture's story differs from the live version's."""

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
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

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture) or item.article is None:
            return item
        page = self.archive.current_page(item.identity, item.url, item.final_url)
        if page is None or page[0] == item.story_hash:
            return item  # a first capture, or the same story: nothing to re-read
        _, url, body = page
        templates = getattr(self.crawler.spider, "templates", None)
        template = templates.for_url(url) if templates else None
        item.baseline = normalize_article(extract(body, url, template=template))
        self.crawler.stats.inc_value("archiver/baseline_reextractions")
        return item
