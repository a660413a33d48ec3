"""The Scrapy add-on that turns `scrapy crawl news` into a crawl worker.

Listed in ADDONS (archiver/settings.py) and inert unless ARCHIVER_REDIS_URL is set, so a
local crawl never imports scrapy-redis nor needs a Redis. An add-on runs after `-s` options
are read, which a conditional in the settings module could not see.
"""

from __future__ import annotations

from archiver.distributed import WRITER_PIPELINES


class Distributed:
    def update_settings(self, settings) -> None:
        url = settings.get("ARCHIVER_REDIS_URL")
        if not url:
            return
        shared = {
            "REDIS_URL": url,
            "SCHEDULER": "archiver.distributed.frontier.Frontier",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "DUPEFILTER_CLASS": "archiver.distributed.frontier.RecentlySeen",
            "SCHEDULER_PERSIST": True,  # the frontier outlives every worker
            # Workers and the writer read pages with the same site templates.
            "ARCHIVER_TEMPLATE_BOOK": "archiver.distributed.templates.SharedTemplateBook",
        }
        # At the project's priority: these replace archiver/settings.py's choices (an add-on's
        # own priority is below the project's), while `-s` options still win.
        for name, value in shared.items():
            settings.set(name, value, priority="project")
        if settings.getbool("ARCHIVER_REDIS_ONLY_ENQUEUE"):
            # `archiver enqueue`: the spider's requests go to the frontier, nothing is read.
            settings.set("ITEM_PIPELINES", {}, priority="project")
            settings.set("SPIDER_MIDDLEWARES", without_page_reader(settings), priority="project")
            return
        # Fetch and extract here; the archive's own pipelines run in the writer.
        pipelines = {name: order for name, order in settings.getdict("ITEM_PIPELINES").items()
                     if name not in WRITER_PIPELINES}
        pipelines["archiver.distributed.captures.SendCaptures"] = 1000
        settings.set("ITEM_PIPELINES", pipelines, priority="project")
        if settings.getfloat("ARCHIVER_REDIS_SITE_DELAY", settings.getfloat("DOWNLOAD_DELAY")) > 0:
            middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
            middlewares["archiver.distributed.politeness.FleetPoliteness"] = 590
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="project")


def without_page_reader(settings) -> dict:
    """SPIDER_MIDDLEWARES with the page reader switched off (for processes that read no page)."""
    middlewares = settings.getdict("SPIDER_MIDDLEWARES")
    middlewares["archiver.reader.PageReader"] = None
    return middlewares
