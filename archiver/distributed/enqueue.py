"""`archiver enqueue`: put seeds, or the revisits that are due, into the shared frontier.

It is the `news` spider itself with ARCHIVER_REDIS_ONLY_ENQUEUE: the same arguments build the
same requests (feeds, sitemaps and start pages to read, articles to fetch, revisits with their
validators, chosen by archiver.revisit from the archive), which go to the frontier and are
fetched by the workers; this process fetches nothing. What it logs is one line per warning;
an error (Redis refusing a write, say) is kept for the command to end with, not printed as a
traceback, so that a cron job fails in one line.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

from scrapy.crawler import CrawlerProcess

from archiver.distributed.runner import project_settings


@dataclass
class Enqueued:
    """What a run queued, and the errors that stopped it from queueing the rest."""

    queued: int
    errors: list[str] = field(default_factory=list)


class _OneLine(logging.Handler):
    """Warnings to stderr as one line each; errors kept as one line each."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            line += f": {type(exc).__name__}: {exc}"
        if record.levelno >= logging.ERROR:
            self.errors.append(line)
        else:
            print(f"{record.levelname}: {line}", file=sys.stderr)


def enqueue(redis_url: str, spider_args: dict[str, str], *, db_path: str | None = None,
            settings_overrides: dict | None = None) -> Enqueued:
    """Queue what `scrapy crawl news` with `spider_args` would fetch."""
    overrides = {"ARCHIVER_REDIS_URL": redis_url, "ARCHIVER_REDIS_ONLY_ENQUEUE": True,
                 "LOG_ENABLED": False, **(settings_overrides or {})}
    if db_path:
        overrides["ARCHIVER_DB"] = db_path
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler("news")
    lines = _OneLine()
    logging.getLogger().addHandler(lines)
    try:
        process.crawl(crawler, **spider_args)
        process.start()
    finally:
        logging.getLogger().removeHandler(lines)
    return Enqueued(crawler.stats.get_value("scheduler/enqueued/redis", 0), lines.errors)
