"""Put every capture in canonical form before it is compared with the archive."""

from __future__ import annotations

from archiver.capture import NO_STORY
from archiver.items import Capture
from archiver.normalize import identity_url, normalize_article, normalize_url, story_hash


class NormalizePipeline:
    """NFC text, no invisible characters or relative times, clean URLs, a story hash.

    A story the page reader already put in canonical form comes with its hash (the reader
    does that work in its own process, beside the extraction): only its URLs are left."""

    def process_item(self, item: Capture) -> Capture:
        if not isinstance(item, Capture):
            return item
        item.url = normalize_url(item.url)
        item.final_url = normalize_url(item.final_url)
        if item.article is not None and item.story_hash is None:
            item.article = normalize_article(item.article)
            if not item.article.paragraphs:
                item.article, item.error = None, NO_STORY
        if item.article is not None:
            item.identity = identity_url(item.final_url, item.article.canonical_url)
            item.story_hash = item.story_hash or story_hash(item.article)
        else:
            item.identity = item.url
        return item
