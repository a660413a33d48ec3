"""Site templates shared by every worker and the writer, in a Redis hash (site -> JSON).

A local crawl keeps its templates in the archive; workers have no archive, and the writer's
baseline must re-read stored pages with the templates the workers extracted with. A worker
loads the hash when it starts and writes back the sites it learned when it stops; the writer
copies the hash into the archive's `site_templates` when it stops, so the archive holds what a
local crawl's would.
"""

from __future__ import annotations

from scrapy import signals
from scrapy_redis.connection import get_redis_from_settings

from archiver.extract import SiteTemplate
from archiver.templates import TemplateBook

TEMPLATES = "archiver:templates"


def shared_templates(server) -> dict[str, str]:
    return {site.decode(): data.decode() for site, data in server.hgetall(TEMPLATES).items()}


class SharedTemplateBook(TemplateBook):
    def __init__(self, server):
        self.server = server
        self.db_path = None
        self.sites = {site: SiteTemplate.from_json(data)
                      for site, data in shared_templates(server).items()}

    @classmethod
    def from_crawler(cls, crawler) -> SharedTemplateBook | None:
        if not crawler.settings.getbool("ARCHIVER_TEMPLATES", True):
            return None
        book = cls(get_redis_from_settings(crawler.settings))
        crawler.signals.connect(book.save, signal=signals.spider_closed)
        return book

    def save(self) -> None:
        learned = {site: t.to_json() for site, t in self.sites.items() if t.pages}
        if learned:
            self.server.hset(TEMPLATES, mapping=learned)
