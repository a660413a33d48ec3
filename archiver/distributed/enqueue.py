"""`archiver enqueue`: put seeds, or the revisits that are due, into the shared frontier.

It is the `news` spider itself with ARCHIVER_REDIS_ONLY_ENQUEUE: the same arguments build the
same requests (feeds, sitemaps and start pages to read, articles to fetch, revisits with their
validators, chosen by archiver.revisit from the archive), which go to the frontier and are
fetched by the workers; this process fetches nothing.
"""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess

from archiver.distributed.runner import project_settings


def enqueue(redis_url: str, spider_args: dict[str, str], *, db_path: str | None = None,
            settings_overrides: dict | None = None) -> int:
    """Queue what `scrapy crawl news` with `spider_args` would fetch; the number queued."""
    overrides = {"ARCHIVER_REDIS_URL": redis_url, "ARCHIVER_REDIS_ONLY_ENQUEUE": True,
                 "LOG_LEVEL": "WARNING", **(settings_overrides or {})}
    if db_path:
        overrides["ARCHIVER_DB"] = db_path
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler("news")
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler.stats.get_value("scheduler/enqueued/redis", 0)
