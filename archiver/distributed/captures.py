"""A finished capture on the wire: workers add it to a Redis stream, the writer reads it.

An entry has two fields: `capture`, the Capture as JSON without its body, and `body`, the
raw response bytes (binary-safe in Redis). Fields a newer worker adds and this writer does
not know are dropped, so workers and the writer can be upgraded one at a time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from scrapy_redis.connection import get_redis_from_settings

from archiver.article import Article
from archiver.distributed import CAPTURES
from archiver.items import Capture
from archiver.storage import Archive

_CAPTURE_FIELDS = {f.name for f in fields(Capture)}
_ARTICLE_FIELDS = {f.name for f in fields(Article)}
_ARTICLES = ("article", "baseline")  # the Capture fields that hold an Article


def encode(capture: Capture) -> dict[str, bytes]:
    data = asdict(capture)
    body = data.pop("body")
    entry = {"capture": json.dumps(data, ensure_ascii=False).encode()}
    if body is not None:
        entry["body"] = body
    return entry


def decode(entry: dict[bytes, bytes]) -> Capture:
    """The Capture of a stream entry; ValueError (with the reason) when it is not one."""
    try:
        data = json.loads(entry[b"capture"])
        for name in _ARTICLES:
            if data.get(name) is not None:
                data[name] = Article(**{k: v for k, v in data[name].items()
                                        if k in _ARTICLE_FIELDS})
        capture = Capture(**{k: v for k, v in data.items() if k in _CAPTURE_FIELDS})
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a capture: {type(exc).__name__}: {exc}") from None
    capture.body = entry.get(b"body")
    return capture


class SendCaptures:
    """The worker's last pipeline: the capture goes to the captures stream, not to SQLite.

    A worker's ARCHIVER_DB is its own scratch archive, where the page reader keeps the pages
    it holds until their site's template is warm. The capture that completes such a page is
    sent as a plain capture (the writer never saw the held row), then recorded in the scratch
    archive so that the held row there is complete and no later run reads it again.
    The item is passed on without its body, so `-O` exports on a worker stay small.
    """

    def __init__(self, crawler):
        self.server = get_redis_from_settings(crawler.settings)
        self.stats = crawler.stats
        self.scratch_path = crawler.settings.get("ARCHIVER_DB") or None
        self.scratch: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, Capture):
            return item
        completes, item.completes = item.completes, None
        self.server.xadd(CAPTURES, encode(item))
        self.stats.inc_value("archiver/redis/captures_sent")
        if completes is not None and self.scratch_path:
            item.completes = completes
            self.scratch = self.scratch or Archive.open(self.scratch_path)
            self.scratch.record(item)
        item.body = None
        return item

    def close_spider(self) -> None:
        if self.scratch is not None:
            self.scratch.close()
