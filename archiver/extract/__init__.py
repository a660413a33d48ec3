"""Placeholder extractor: every <p> in the page (to be replaced by the real one)."""

from __future__ import annotations

import lxml.html

from archiver.article import Article


def extract(html: str | bytes, url: str | None = None, *, template=None) -> Article:
    if not html or not str(html).strip():
        return Article()
    tree = lxml.html.fromstring(html)
    title = tree.findtext(".//h1") or tree.findtext(".//title")
    paragraphs = [p.text_content().strip() for p in tree.iter("p") if p.text_content().strip()]
    return Article(title=title.strip() if title else None, paragraphs=paragraphs)
