"""A book of learned site templates, one per site, kept in the archive between crawls.

Extraction gets better as a crawl goes on: blocks that repeat across a site's pages are
its template and are stripped from later pages (see `archiver.extract.SiteTemplate`). A
site's template is warm once it has seen `min_pages` pages; until then the page reader
(`archiver.reader`) holds that site's pages back, so that even the first pages of a new site
are stored without its repeated blocks.
"""

from __future__ import annotations

from archiver.extract import SiteTemplate
from archiver.extract.template import Placed
from archiver.normalize import site_of
from archiver.storage import Archive


class TemplateBook:
    def __init__(self, db_path: str):
        self.db_path = db_path
        self.sites: dict[str, SiteTemplate] = {}
        with Archive.open(db_path) as archive:
            for site, data in archive.load_templates().items():
                self.sites[site] = SiteTemplate.from_json(data)

    @classmethod
    def from_crawler(cls, crawler) -> TemplateBook | None:
        if not crawler.settings.getbool("ARCHIVER_TEMPLATES", True):
            return None
        book = cls(crawler.settings.get("ARCHIVER_DB"))
        from scrapy import signals

        crawler.signals.connect(book.save, signal=signals.spider_closed)
        return book

    def for_site(self, site: str) -> SiteTemplate:
        return self.sites.setdefault(site, SiteTemplate())

    def for_url(self, url: str) -> SiteTemplate:
        return self.for_site(site_of(url))

    def is_warm(self, site: str) -> bool:
        """Whether the site's template has seen enough pages to tell its repeated blocks."""
        template = self.for_site(site)
        return len(template.pages) >= template.min_pages

    # A crawl that shares its templates with other crawls (a fleet of workers) overrides these
    # two; a local crawl is the only one to learn its sites.
    def shared(self, url: str, placed: Placed) -> None:
        """Tell the other crawls that this one counted a page (`placed`: what it counted)."""

    def news(self, site: str) -> list[tuple[str, Placed]]:
        """Count in the pages of `site` other crawls counted since the last call; the
        (url, placed) of each, for the copies of this book's templates elsewhere."""
        return []

    def save(self) -> None:
        with Archive.open(self.db_path) as archive:
            archive.save_templates({site: t.to_json() for site, t in self.sites.items()})
