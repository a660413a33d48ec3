"""Site templates shared by every worker and the writer: one template per site for the fleet.

A local crawl learns each site's template from every page it fetches. Workers each fetch
some of a site's pages, so each page a worker counts into a template goes to the site's
stream in Redis (`archiver:learned:<site>`: the page's URL and the (fingerprint, place) pairs
it counted), and every worker counts in the others' pages before it decides on the site (is
it warm? read or hold?). Which worker fetched which page then does not matter: a site is warm
once the fleet has seen enough of its pages, as it would be in one crawl of them all.

The templates themselves are also kept in a Redis hash (site -> JSON): a worker loads a
site's template from it when it first meets the site and writes back, when it stops, those
it learned from (after counting in the last pages of the others); the writer's baseline
re-reads stored pages with it, and the writer copies it into the archive's `site_templates`
when it stops, so the archive holds what a local crawl's would.
"""

from __future__ import annotations

import json
import uuid

import redis
from scrapy import signals
from scrapy_redis.connection import get_redis_from_settings

from archiver.extract.template import Placed
from archiver.normalize import site_of
from archiver.templates import TemplateBook

TEMPLATES = "archiver:templates"
LEARNED = "archiver:learned:"  # + site: a stream of the pages any worker counted
# Pages kept in each site's stream. A site is warm after a few; a worker that starts after
# older pages left the stream has them in TEMPLATES, once the workers that counted them stop.
LEARNED_KEEP = 1000


# Sites whose template a worker wrote back since the writer last copied them to the archive;
# and whether a writer has copied the whole hash once (a fleet from before these marks).
CHANGED = "archiver:templates:changed"
COPIED = "archiver:templates:copied"


def changed_templates(server) -> dict[str, str]:
    """The templates workers wrote back since the archive last took them (see `taken`); the
    whole hash the first time."""
    if not server.exists(COPIED):
        return {site.decode(): data.decode() for site, data in server.hgetall(TEMPLATES).items()}
    sites = sorted(server.smembers(CHANGED))
    if not sites:
        return {}
    return {site.decode(): data.decode()
            for site, data in zip(sites, server.hmget(TEMPLATES, sites)) if data is not None}


def taken(server, sites: dict[str, str]) -> None:
    """The archive holds these templates now: a site a worker wrote again meanwhile (its
    JSON changed) stays marked, for the next copy."""
    server.set(COPIED, 1)
    for site, data in sites.items():
        with server.pipeline() as pipe:  # (WATCH: unmark only what was copied)
            try:
                pipe.watch(TEMPLATES)
                if (pipe.hget(TEMPLATES, site) or b"").decode() == data:
                    pipe.multi()
                    pipe.srem(CHANGED, site)
                    pipe.execute()
            except redis.WatchError:
                pass


class SharedTemplateBook(TemplateBook):
    def __init__(self, server):
        super().__init__(None)  # (no archive: the fleet's templates are in Redis)
        self.server = server
        self.me = uuid.uuid4().hex  # this book's pages in the streams (counted already)
        self.read_to: dict[str, bytes] = {}  # site -> the last entry of its stream counted

    @classmethod
    def from_crawler(cls, crawler) -> SharedTemplateBook | None:
        if not crawler.settings.getbool("ARCHIVER_TEMPLATES", True):
            return None
        book = cls(get_redis_from_settings(crawler.settings))
        crawler.signals.connect(book.save, signal=signals.spider_closed)
        return book

    def _stored(self, site: str) -> str | None:
        data = self.server.hget(TEMPLATES, site)
        return data.decode() if data is not None else None

    def shared(self, url: str, placed: Placed) -> None:
        self.server.xadd(LEARNED + site_of(url),
                         {"by": self.me, "url": url, "placed": json.dumps(sorted(placed))},
                         maxlen=LEARNED_KEEP, approximate=True)

    def news(self, site: str) -> list[tuple[str, Placed]]:
        last = self.read_to.get(site)
        entries = self.server.xrange(LEARNED + site, min=b"(" + last if last else "-")
        if not entries:
            return []
        self.read_to[site] = entries[-1][0]
        template, out = self.for_site(site), []
        for _, fields in entries:
            if fields[b"by"].decode() == self.me:
                continue
            url = fields[b"url"].decode()
            placed = frozenset(tuple(pair) for pair in json.loads(fields[b"placed"]))
            template.count(placed, url)
            out.append((url, placed))
        return out

    def save(self) -> None:
        """Write back the templates this worker learned from (its own pages or the others'):
        one it only loaded is the hash's already, or older than what another worker wrote."""
        learned = {}
        for site, template in list(self.sites.items()):
            self.news(site)  # the last pages the others counted, so that no save loses them
            if template.learned:
                learned[site] = template.to_json()
        if learned:
            with self.server.pipeline() as pipe:  # (MULTI: both or neither)
                pipe.hset(TEMPLATES, mapping=learned)
                pipe.sadd(CHANGED, *learned)
                pipe.execute()
