"""`scrapy crawl` whose exit status tells cron and systemd how the run went.

Scrapy's own `crawl` exits 1 only when the crawler could not start; a run that crawled
nothing, or whose every fetch failed, exits 0. This command runs the same crawl and returns
the status the run recorder decided (archiver/runs.py).
"""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl

from archiver.runs import RunRecorder


class Command(ScrapyCrawl):
    crawler = None

    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        recorder = self.crawler.get_extension(RunRecorder) if self.crawler else None
        if not self.exitcode and recorder is not None and recorder.exit_status:
            self.exitcode = recorder.exit_status
