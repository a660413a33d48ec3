"""A finished capture on the wire: workers add it to a Redis stream, the writer reads it.

An entry has two fields: `capture`, the Capture as JSON without its body, and `body`, the
raw response bytes (binary-safe in Redis). Fields a newer worker adds and this writer does
not know are dropped, so workers and the writer can be upgraded one at a time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from scrapy.exceptions import DropItem
from scrapy_redis.connection import get_redis_from_settings

from archiver.article import Article
from archiver.distributed import CAPTURES
from archiver.items import Capture

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

    The item is passed on without its body, so `-O` exports on a worker stay small.
    """

    def __init__(self, crawler):
        self.server = get_redis_from_settings(crawler.settings)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, Capture):
            return item
        if item.held:
            # The spider sends the finished capture of this fetch once the site's
            # template is warm; the writer has no use for the placeholder.
            raise DropItem(f"held for the site template: {item.final_url}", log_level="DEBUG")
        self.server.xadd(CAPTURES, encode(item))
        self.stats.inc_value("archiver/redis/captures_sent")
        item.body = None
        return item
