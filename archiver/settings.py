"""Scrapy settings for the archiver. Each override says the framework default it replaces."""

import os

BOT_NAME = "technews-archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl` exits non-zero for a run that crawled nothing or only failed (see README).
COMMANDS_MODULE = "archiver.commands"

# Where the archive lives: $ARCHIVER_DB (as for the `archiver` CLI), or `-s ARCHIVER_DB=path`.
ARCHIVER_DB = os.environ.get("ARCHIVER_DB") or "data/archive.db"
# Learn each site's repeated blocks (share bars, newsletter boxes...) while crawling.
ARCHIVER_TEMPLATES = True
# How many links deep `-a start=` pages are followed.
ARCHIVER_START_DEPTH = 2
# At most this many sitemaps (indexes included) are followed in one run.
ARCHIVER_MAX_SITEMAPS = 500
# Links read per start or section page, and entries per feed, at most; what is cut is
# logged and counted (archiver/cut/... in the run's stats and `runs` row).
ARCHIVER_MAX_LINKS_PER_PAGE = 1000
ARCHIVER_MAX_FEED_ENTRIES = 2000
# revisit=due: a failing or removed story is tried again after this many hours, doubling
# after each further failure (up to a week), and no longer once it has failed for this
# many days (revisit=all still fetches it).
ARCHIVER_REVISIT_RETRY = 1
ARCHIVER_REVISIT_GIVE_UP = 30
# Revisits send If-None-Match / If-Modified-Since; a 304 is a capture of the live version.
ARCHIVER_CONDITIONAL_REVISITS = True

# The spider only fetches; the page reader learns each site's template and extracts the story
# on one parse of each page (archiver/reader.py), in worker processes beside the crawl (0: in
# the crawl's own thread).
SPIDER_MIDDLEWARES = {"archiver.reader.PageReader": 950}
ARCHIVER_READER_PROCESSES = 1
# Scrapy starts this many asyncio workers for every response's output (default 100); an
# article page gives one capture, so a few are plenty and the rest cost ~1 ms per page.
CONCURRENT_ITEMS = 4
# Where site templates live between crawls (distributed workers share theirs through Redis).
ARCHIVER_TEMPLATE_BOOK = "archiver.templates.TemplateBook"

# Normalize the story; re-read the live version's page with today's extractor (so extractor
# or template changes never pass for edits); compare and store.
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.baseline.BaselinePipeline": 500,
    "pipelines.storage.ArchivePipeline": 800,
}

# `-s ARCHIVER_REDIS_URL=redis://host:6379/0` makes this crawl one worker of many sharing a
# frontier in Redis, its captures stored by `archiver ingest` (archiver/distributed/).
# Unset: nothing changes and Redis is never imported.
ARCHIVER_REDIS_URL = None
ADDONS = {"archiver.distributed.addon.Distributed": 0}  # default {}

# Politeness.
# default "Scrapy/VERSION (+https://scrapy.org)"; say who we are (add a contact with -s USER_AGENT=)
USER_AGENT = "technews-archiver/0.1 (research archive of news-story changes)"
ROBOTSTXT_OBEY = True  # default False
AUTOTHROTTLE_ENABLED = True  # default False
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # default 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # default 8
DOWNLOAD_DELAY = 0.5  # default 0
DOWNLOAD_TIMEOUT = 30  # default 180
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # default 1 GiB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024  # default 32 MiB
TELNETCONSOLE_ENABLED = False  # default True: it opens a local port
REMOTE_CONTROL_ENABLED = False  # default True (Scrapy 2.19): it opens a local port too

# No answer dropped silently (archiver/middlewares.py): a redirect to another site, back to a
# page already fetched or past REDIRECT_MAX_TIMES, and a meta refresh to another site reach
# the spider and are recorded; Retry-After is honoured; a robots.txt that cannot be fetched
# is one warning line and a failed capture, not an ERROR with a traceback.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.middlewares.QuietRobotsTxt": 100,
    "archiver.middlewares.RetryAfter": 560,
    "archiver.middlewares.RedirectStop": 650,
    # Scrapy's own, decoding only the pages that can hold a refresh (at Scrapy's 580).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.middlewares.MetaRefresh": 580,
}
# Our warning line says a fetch failed; Scrapy's own "Gave up retrying" would repeat it.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # default "ERROR"
# Wait at most this many seconds for a 429/503's Retry-After before retrying.
ARCHIVER_RETRY_AFTER_MAX = 120

# Each crawl is a row in the `runs` table, with a summary block at its end.
EXTENSIONS = {"archiver.runs.RunRecorder": 500}

# Every fetch is recorded, failures included, so the spider sees every status itself.
HTTPERROR_ALLOW_ALL = True  # default False

FEED_EXPORT_ENCODING = "utf-8"  # default None (escaped)
LOG_LEVEL = "INFO"  # default DEBUG
