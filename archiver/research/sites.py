"""Sites by the names readers know them: og:site_name of the site's latest stored story page,
else the host without `www.`."""

from __future__ import annotations

from archiver.research import reads
from archiver.storage import Archive
from archiver.text import clean_text


class SiteNames(dict):
    """`names[site]` for the sites (hosts, as `articles.site`) of one archive, each looked up
    once: a feed of thousands of rows reads one page per site."""

    def __init__(self, archive: Archive):
        super().__init__()
        self.archive = archive

    def __missing__(self, site: str) -> str:
        name = self[site] = page_site_name(reads.latest_site_body(self.archive, site)) or site
        return name


def page_site_name(page: bytes | None) -> str | None:
    """The og:site_name a page declares, cleaned as all text is (None when it has none)."""
    if not page:
        return None
    from lxml import etree
    from lxml import html as lxml_html

    try:
        names = lxml_html.fromstring(page).xpath("//meta[@property='og:site_name']/@content")
    except (etree.ParserError, ValueError, TypeError):
        return None
    name = clean_text(str(names[0])) if names else ""
    return name or None
