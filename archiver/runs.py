"""Runs as records: every crawl leaves a `runs` row, a summary block and an exit status.

A scheduled crawl is looked at only when something is wrong, so each run says what it was
asked (arguments, the settings that matter), what it did (pages fetched, captures by outcome,
new articles and versions, failures by reason) and how it ended. The exit status is what cron
and systemd see (`archiver/commands/crawl.py` returns it from `scrapy crawl`):

    0  the run archived something, or had nothing to do (no story due)
    1  every fetch failed: nothing but failed captures (or the crawl could not start)
    2  bad arguments or settings: nothing was crawled
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.capture import now_iso
from archiver.failures import reason_of
from archiver.items import Capture
from archiver.storage import Archive
from archiver.storage.files import refusal
from archiver.storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)

OK, ALL_FAILED, BAD_ARGUMENTS = 0, 1, 2
MEANING = {OK: "ok", ALL_FAILED: "every fetch failed", BAD_ARGUMENTS: "bad arguments or settings"}
# Settings an operator may change per run that change what a run does or how hard it hits.
RECORDED_SETTINGS = (
    "ARCHIVER_DB", "ARCHIVER_TEMPLATES", "ARCHIVER_START_DEPTH", "ARCHIVER_MAX_SITEMAPS",
    "ARCHIVER_CONDITIONAL_REVISITS", "ARCHIVER_REVISIT_RETRY", "ARCHIVER_REVISIT_GIVE_UP",
    "ARCHIVER_MAX_LINKS_PER_PAGE", "ARCHIVER_MAX_FEED_ENTRIES", "ARCHIVER_RETRY_AFTER_MAX",
    "REDIRECT_MAX_TIMES",
    "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "RETRY_TIMES",
    "CLOSESPIDER_PAGECOUNT", "CLOSESPIDER_TIMEOUT", "CLOSESPIDER_ITEMCOUNT", "USER_AGENT",
)


def exit_status(problems: list[str], outcomes: Counter) -> int:
    """BAD_ARGUMENTS when the spider refused its arguments, ALL_FAILED when captures were
    made and every one failed, else OK (an idle run, e.g. nothing due, is fine)."""
    if problems:
        return BAD_ARGUMENTS
    if outcomes and set(outcomes) == {"failed"}:
        return ALL_FAILED
    return OK


class RunRecorder:
    """Extension that keeps the `runs` row of this crawl (see module doc)."""

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.run_id: int | None = None
        self.started_at: str | None = None
        self.outcomes: Counter = Counter()
        self.failures: Counter = Counter()
        self.new_articles = self.new_versions = 0
        self.exit_status: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        # With no archive (ARCHIVER_DB empty) nothing is recorded, but the exit status holds.
        # `archiver enqueue` (ARCHIVER_REDIS_ONLY_ENQUEUE) is no crawl: it records no run.
        enqueue_only = crawler.settings.getbool("ARCHIVER_REDIS_ONLY_ENQUEUE")
        recorder = cls(crawler, "" if enqueue_only else crawler.settings.get("ARCHIVER_DB") or "")
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def _problems(self, spider) -> list[str]:
        return list(getattr(spider, "problems", []) or [])

    def _recordable(self, spider) -> bool:
        """A refused archive is never touched, and a run refused for its arguments creates no
        archive (it is recorded in one that exists)."""
        if not self.db_path or refusal(self.db_path):
            return False
        return not self._problems(spider) or Path(self.db_path).is_file()

    def spider_opened(self, spider) -> None:
        self.started_at = now_iso()
        if not self._recordable(spider):
            return
        settings = self.crawler.settings
        with Archive.open(self.db_path) as archive:
            self.run_id = start_run(archive, {
                "started_at": self.started_at, "spider": spider.name,
                "arguments": getattr(spider, "arguments", None),
                "settings": {name: settings.get(name) for name in RECORDED_SETTINGS
                             if settings.get(name) is not None},
                "pid": os.getpid(),
            })

    def item_scraped(self, item, response=None, spider=None) -> None:
        if not isinstance(item, Capture) or not item.outcome:
            return
        self.outcomes[item.outcome] += 1
        if item.outcome == "failed":
            self.failures[reason_of(item.error)] += 1
        elif item.outcome == "new_version":
            if item.version == 1:
                self.new_articles += 1
            else:
                self.new_versions += 1

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats
        problems = self._problems(spider)
        self.exit_status = exit_status(problems, self.outcomes)
        row = {
            "ended_at": now_iso(), "requests": stats.get_value("downloader/request_count", 0),
            "pages_fetched": stats.get_value("downloader/response_count", 0),
            "captures": dict(self.outcomes), "new_articles": self.new_articles,
            "new_versions": self.new_versions,
            "failures": dict(self.failures) or ({"bad arguments": len(problems)} if problems
                                                else {}),
            "cuts": {key.removeprefix("archiver/cut/"): n for key, n in stats.get_stats().items()
                     if key.startswith("archiver/cut/")},
            "finish_reason": reason, "exit_status": self.exit_status,
        }
        if self._recordable(spider):
            with Archive.open(self.db_path) as archive:
                if self.run_id is None:
                    self.run_id = start_run(archive, {"started_at": self.started_at,
                                                      "spider": spider.name})
                finish_run(archive, self.run_id, row)
        log = logger.info if self.exit_status == OK else logger.error
        log("%s", summary(self.run_id, {**row, "started_at": self.started_at}, self.db_path))


def summary(run_id: int | None, row: dict[str, Any], db_path: str) -> str:
    """The block a run prints at its end: what an operator reads in a cron mail."""
    def counts(mapping: dict[str, int]) -> str:
        return ", ".join(f"{key} {n}" for key, n in sorted(mapping.items(),
                                                           key=lambda kv: (-kv[1], kv[0]))) or "none"
    status = row["exit_status"]
    lines = [
        f"Run {run_id if run_id is not None else '(not recorded)'} ended "
        f"({row['finish_reason']}): exit {status}, {MEANING.get(status, '?')}",
        f"  archive     {db_path}",
        f"  fetched     {row['pages_fetched']} pages for {row['requests']} requests",
        f"  captures    {counts(row['captures'])}",
        f"  stories     {row['new_articles']} new, {row['new_versions']} new versions",
        f"  failures    {counts(row['failures'])}",
    ]
    if row.get("cuts"):
        lines.append(f"  cut         {counts(row['cuts'])} (limits: ARCHIVER_MAX_*)")
    return "\n".join(lines)
