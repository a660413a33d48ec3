"""Re-read the live version's stored page with today's extractor before a capture is compared.

Extraction changes between runs: a new release of the extractor, a site template that has
learned more blocks. Compared with the text stored months ago, the same page would then look
edited. The storage pipeline compares each capture with this baseline too, so that only a
change in the page, never a change in how it is read, makes a version.

The re-read happens here, before the archive's write lock: the item carries the version it
was read from (`baseline_version`), and the archive re-reads under the lock only if another
crawl replaced that version in between.
"""

from __future__ import annotations

from archiver.article import Article
from archiver.capture import charset_of
from archiver.changes.versioning import differs
from archiver.extract import extract
from archiver.items import Capture
from archiver.normalize import normalize_article
from pipelines import ArchiveBound


class BaselinePipeline(ArchiveBound):
    """Attach `capture.baseline` when a capture differs in any way `compare()` reports
    (story, byline, dates, headline variants) from the live version."""

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture) or item.article is None or item.held:
            return item
        page = self.archive.live_page(item)
        if page is None or not differs(page.version.article, item.article):
            return item  # a first capture, or nothing to explain: no re-read
        item.baseline = reread(self.crawler, page.body, page.url, page.content_type)
        item.baseline_version = page.version.id
        self.stats.inc_value("archiver/baseline_reextractions")
        return item


def reread(crawler, body: bytes, url: str, content_type: str | None) -> Article:
    """A stored page as today's extractor (with the crawl's site templates) reads it."""
    templates = getattr(crawler.spider, "templates", None)
    template = templates.for_url(url) if templates else None
    return normalize_article(extract(body, url, template=template,
                                     encoding=charset_of(content_type)))
