"""Politeness per site across the whole fleet, not per worker.

Scrapy's DOWNLOAD_DELAY, AutoThrottle and CONCURRENT_REQUESTS_PER_DOMAIN still apply inside
each worker; on top of them, every worker reserves the next free start time of a site in
Redis before it sends a request there, so that N workers together start at most one request
per site every ARCHIVER_REDIS_SITE_DELAY seconds (default: DOWNLOAD_DELAY; with no delay the
add-on leaves this middleware out). The clock is Redis' own, so workers on machines whose
clocks differ agree.
"""

from __future__ import annotations

import asyncio

from scrapy_redis.connection import get_redis_from_settings

from archiver.distributed import site_key
from archiver.normalize import site_of

# Milliseconds to wait before the next request to a site may start, and the reservation.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 1000)
return start - now
"""


class FleetPoliteness:
    def __init__(self, server, spider_name: str, delay: float):
        self.server = server
        self.spider_name = spider_name
        self.delay_ms = int(delay * 1000)
        self._reserve = server.register_script(RESERVE)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        delay = settings.getfloat("ARCHIVER_REDIS_SITE_DELAY",
                                  settings.getfloat("DOWNLOAD_DELAY"))
        return cls(get_redis_from_settings(settings), crawler.spider.name, delay)

    async def process_request(self, request) -> None:
        if request.url.startswith("data:"):
            return
        key = site_key(self.spider_name, site_of(request.url))
        wait_ms = self._reserve(keys=[key], args=[self.delay_ms])
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)
