"""Many crawl workers, one archive writer, one Redis between them.

    scrapy crawl news -s ARCHIVER_REDIS_URL=redis://host:6379/0      (any number, any machine)
        fetch and extract; the frontier (scrapy-redis' queue and dupefilter) is shared in
        Redis; each finished capture goes to the captures stream instead of SQLite
    archiver ingest --redis redis://host:6379/0 --db archive.db     (exactly one)
        drains the stream through the pipelines a local crawl ends with (baseline, storage);
        a capture leaves Redis only after its transaction committed
    archiver enqueue --redis ... URLS / --feed / --sitemap / --start / --due
        puts seeds (or the revisits that are due) into the shared frontier

Without ARCHIVER_REDIS_URL none of this is imported: one process, SQLite, no Redis.
"""

from __future__ import annotations

# Pipelines that read or write the archive run in the writer; every other pipeline of
# ITEM_PIPELINES runs in the workers, before the capture is sent.
WRITER_PIPELINES = ("pipelines.baseline.BaselinePipeline", "pipelines.storage.ArchivePipeline")

# Redis keys. The frontier's are scrapy-redis' own (queue `news:requests`, by spider name).
CAPTURES = "archiver:captures"  # stream of finished captures
WRITERS = "archiver"  # its consumer group
WRITER_LOCK = "archiver:writer"  # held by the one writer, with expiry
BAD_CAPTURES = "archiver:captures:unreadable"  # entries the writer could not decode


def inflight_key(spider: str, worker: str) -> str:
    """The requests a worker took from the frontier and has not finished."""
    return f"{spider}:inflight:{worker}"


def worker_key(spider: str, worker: str) -> str:
    """A worker's heartbeat; when it expires the worker is dead and its requests go back."""
    return f"{spider}:worker:{worker}"


def site_key(spider: str, site: str) -> str:
    """When the fleet may next start a request to `site`."""
    return f"{spider}:polite:{site}"
