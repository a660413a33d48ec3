"""Re-read the live version's stored page with today's extractor before a capture is compared.

Extraction changes between runs: a new release of the extractor, a site template that has
learned more blocks. Compared with the text stored months ago, the same page would then look
edited. The storage pipeline compares each capture with this baseline too, so that only a
change in the page, never a change in how it is read, makes a version.
"""

from __future__ import annotations

from archiver.capture import charset_of
from archiver.changes import compare
from archiver.extract import extract
from archiver.items import Capture
from archiver.normalize import normalize_article
from pipelines import ArchiveBound


class BaselinePipeline(ArchiveBound):
    """Attach `capture.baseline` when a capture differs from the live version: in its story,
    or in what else compare() reads (byline, dates, headline variants), so that a better
    reading of a page's metadata is no more a version than a better reading of its text."""

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture) or item.article is None:
            return item
        page = self.archive.current_page(item)
        if page is None or (page[0] == item.story_hash and self._as_live(item)):
            return item  # a first capture, or the same story and metadata: nothing to re-read
        _, url, body, content_type = page
        templates = getattr(self.crawler.spider, "templates", None)
        template = templates.for_url(url) if templates else None
        item.baseline = normalize_article(extract(body, url, template=template,
                                                  encoding=charset_of(content_type)))
        self.stats.inc_value("archiver/baseline_reextractions")
        return item

    def _as_live(self, item: Capture) -> bool:
        article, _ = self.archive.find_article(item)
        live = self.archive.live_story(article) if article else None
        return live is not None and compare(live, item.article).kind == "unchanged"
