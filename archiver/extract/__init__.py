"""Article extraction: one HTML page in, one clean `Article` out, never an exception.

`extract(html, url, template=None, encoding=None)` decodes (with the charset of the HTTP
header, when the caller has one) and parses the page (`dom`), reads metadata
(`metadata`), finds and cleans the story body (`blocks`, `body`) and, given a `SiteTemplate`
that has watched other pages of the same site (`template`), also drops blocks the site
repeats on every page.
"""

from __future__ import annotations

import logging

from lxml import etree

from archiver.article import Article
from archiver.extract.body import extract_body
from archiver.extract.dom import parse
from archiver.extract.metadata import Metadata, detect_language, extract_metadata
from archiver.extract.template import SiteTemplate
from archiver.text import clean_text

__all__ = ["SiteTemplate", "extract", "extract_tree"]

log = logging.getLogger(__name__)


def extract(html: str | bytes, url: str | None = None, *,
            template: SiteTemplate | None = None, encoding: str | None = None) -> Article:
    """Extract the story from one page; returns an empty Article if nothing usable is found.
    `encoding` is the charset the HTTP Content-Type header declared for `html` bytes."""
    try:
        return _extract(html, url, template, encoding)
    except Exception:  # noqa: BLE001 - the contract is to never raise on any input
        log.debug("extraction failed for %s", url, exc_info=True)
        return Article()


def extract_tree(root, url: str | None = None, *, template: SiteTemplate | None = None,
                 on_blocks=None) -> Article:
    """`extract` on a tree already parsed (by `dom.parse`), so that a crawl that also learns
    the site's template from the page parses it once; `on_blocks` (see `extract_body`) lets
    it learn from the very walk extraction makes. The tree is only read, never changed."""
    if root is None:
        return Article()
    try:
        return _read(root, url if isinstance(url, str) else None, template, on_blocks)
    except Exception:  # noqa: BLE001 - the contract is to never raise on any input
        log.debug("extraction failed for %s", url, exc_info=True)
        return Article()


def _declared_paragraphs(text: str) -> list[str]:
    """Paragraphs of a JSON-LD articleBody (plain text, or HTML in some CMSs)."""
    if "<" in text and ">" in text:
        from lxml import html as lxml_html
        try:
            frag = lxml_html.fragment_fromstring(text, create_parent="div")
        except (ValueError, TypeError, etree.ParserError):
            return []
        parts = [clean_text(" ".join(el.itertext())) for el in frag.iter("p")] or \
            [clean_text(" ".join(frag.itertext()))]
    else:
        parts = [clean_text(x) for x in text.split("\n")]
    return [p for p in parts if p]


def _extract(html, url, template, encoding=None) -> Article:
    root = parse(html, encoding if isinstance(encoding, str) else None)
    if root is None:
        return Article()
    return _read(root, url if isinstance(url, str) else None, template)


def _read(root, url, template, on_blocks=None) -> Article:
    try:
        meta = extract_metadata(root, url)
    except Exception:  # noqa: BLE001 - a metadata oddity must not cost the body
        log.debug("metadata failed for %s", url, exc_info=True)
        meta = Metadata(canonical_url=url)
    body = root.find("body")
    if body is None:
        body = root
    paragraphs = extract_body(body, meta.title, meta.authors, template, on_blocks=on_blocks)
    declared = meta.jsonld_body
    if declared and len(declared) > 200 and \
            sum(len(p) for p in paragraphs) < 0.3 * len(declared):
        # The page renders its story with JavaScript: the publisher's own JSON-LD
        # articleBody is then the only copy of it in the HTML.
        paragraphs = _declared_paragraphs(declared) or paragraphs
    language = meta.language
    if not language and paragraphs:
        language = detect_language(" ".join(paragraphs[:30]))
    return Article(
        title=meta.title,
        paragraphs=paragraphs,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=language,
        canonical_url=meta.canonical_url,
        headlines=meta.headlines,
    )
