"""A book of learned site templates, one per site, kept in the archive between crawls.

Extraction gets better as a crawl goes on: blocks that repeat across a site's pages are
its template and are stripped from later pages (see `archiver.extract.SiteTemplate`). A
site's template is warm once it has seen `min_pages` pages; until then the page reader
(`archiver.reader`) holds that site's pages back, so that even the first pages of a new site
are stored without its repeated blocks.

A mature template is most of a megabyte in memory and takes tens of milliseconds to load or
write, and an archive may know thousands of sites: so a site's template is loaded when the
crawl first meets the site, and only the templates a crawl learned from are written back.
"""

from __future__ import annotations

from collections.abc import Callable

from archiver.extract import SiteTemplate
from archiver.extract.template import Placed
from archiver.normalize import site_of
from archiver.storage import Archive


class TemplateBook:
    def __init__(self, db_path: str | None):
        self.db_path = db_path
        self.sites: dict[str, SiteTemplate] = {}
        # Told (site, JSON) of each template loaded: page readers in other processes start
        # the site from the same state (archiver.workers).
        self.on_load: Callable[[str, str], None] | None = None
        self._archive = Archive.open(db_path) if db_path else None

    @classmethod
    def from_crawler(cls, crawler) -> TemplateBook | None:
        if not crawler.settings.getbool("ARCHIVER_TEMPLATES", True):
            return None
        book = cls(crawler.settings.get("ARCHIVER_DB"))
        from scrapy import signals

        crawler.signals.connect(book.save, signal=signals.spider_closed)
        return book

    def for_site(self, site: str) -> SiteTemplate:
        template = self.sites.get(site)
        if template is None:
            data = self._stored(site)
            template = SiteTemplate.from_json(data) if data else SiteTemplate()
            self.sites[site] = template
            if data and self.on_load is not None:
                self.on_load(site, data)
        return template

    def for_url(self, url: str) -> SiteTemplate:
        return self.for_site(site_of(url))

    def _stored(self, site: str) -> str | None:
        """The site's template as kept between crawls (JSON), or None."""
        return self._archive.load_template(site) if self._archive is not None else None

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
        """Write back the templates this crawl learned from (the others are as stored)."""
        if self._archive is None:
            return
        learned = {site: t.to_json() for site, t in self.sites.items() if t.learned}
        if learned:
            self._archive.save_templates(learned)
        self._archive.close()
        self._archive = None
