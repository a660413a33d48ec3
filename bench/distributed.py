"""Distributed crawl benchmark: crawl workers and the one writer, against a local crawl.

Real pages from the shared extraction benchmark (read in place) are served on 127.0.0.1 by a
few local sites, each with a feed of its stories. A real redis-server is started on a free
port. In one run this measures, on the same pages:

- `local`: one `scrapy crawl news` process that fetches, reads and stores (the reference);
- for 1, 2 and 3 workers (`scrapy crawl news -s ARCHIVER_REDIS_URL=...`, started together):
  pages/s the workers fetch and read together (from the first to the last story page the
  sites served), then captures/s one writer (`archiver ingest`) stores from the stream
  (from its first acknowledged capture to the last), with no worker running beside it.

    .venv/bin/python bench/distributed.py [--copies 2] [--sites 4] [--workers 1 2 3]

No politeness delay (DOWNLOAD_DELAY=0): this measures CPU, not a site's patience. The machine
has 2 cores, shared: more workers than cores cannot go faster, and figures are comparable only
within one run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.distributed import CAPTURES  # noqa: E402
from archiver.distributed.localredis import LocalRedis  # noqa: E402
from archiver.localsite import LocalSite  # noqa: E402
from archiver.revisit import interval  # noqa: E402

PAGES = REPO.parent / "shared" / "extraction-bench" / "data" / "html"
ENGINE = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0",
          "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
          "-s", "LOG_LEVEL=WARNING"]


class TimedSite(LocalSite):
    """A site of routes only, noting when each story page was asked for."""

    def __init__(self, pages: dict[str, bytes]):
        super().__init__([], routes={path: _page(body) for path, body in pages.items()})
        self.story_times: list[float] = []
        self.routes["/feed.xml"] = self._feed
        self.routes["/robots.txt"] = lambda: (200, {"Content-Type": "text/plain"}, b"")

    def answer(self, path: str):
        if path.startswith("/news/"):
            self.story_times.append(time.monotonic())
        return super().answer(path)

    def _feed(self):
        items = "".join(f"<item><link>{self.url(p)}</link></item>"
                        for p in self.routes if p.startswith("/news/"))
        return 200, {"Content-Type": "application/rss+xml"}, (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}"
            "</channel></rss>").encode()


def _page(body: bytes):
    return lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, body)


def load_pages(copies: int, sites: int) -> list[dict[str, bytes]]:
    files = sorted(PAGES.glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages in {PAGES}")
    out: list[dict[str, bytes]] = [{} for _ in range(sites)]
    n = 0
    for copy in range(copies):
        for file in files:
            out[n % sites][f"/news/2026/03/{copy}-{file.name[:16]}/"] = gzip.decompress(
                file.read_bytes())
            n += 1
    return out


def rate(times: list[float]) -> float:
    return (len(times) - 1) / (max(times) - min(times)) if len(times) > 1 else 0.0


def run(command: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def local_crawl(servers: list[TimedSite], tmp: Path) -> float:
    for s in servers:
        s.story_times.clear()
    feeds = ",".join(s.url("/feed.xml") for s in servers)
    done = run([sys.executable, "-m", "scrapy", "crawl", "news", "-s",
                f"ARCHIVER_DB={tmp / 'local.db'}", *ENGINE, "-a", f"feeds={feeds}"])
    assert done.wait() == 0, "local crawl failed"
    return rate([t for s in servers for t in s.story_times])


def distributed(servers: list[TimedSite], tmp: Path, redis: LocalRedis, workers: int,
                pages: int) -> tuple[float, float]:
    client = redis.client()
    client.flushall()
    for s in servers:
        s.story_times.clear()
    archiver = [sys.executable, "-m", "archiver.cli"]
    feeds = [a for s in servers for a in ("--feed", s.url("/feed.xml"))]
    assert run([*archiver, "enqueue", "--redis", redis.url, *feeds]).wait() == 0
    crawlers = [run([sys.executable, "-m", "scrapy", "crawl", "news",
                     "-s", f"ARCHIVER_REDIS_URL={redis.url}", "-s", "ARCHIVER_REDIS_IDLE_CLOSE=1",
                     "-s", f"ARCHIVER_DB={tmp / f'scratch-{workers}-{n}.db'}", *ENGINE])
                for n in range(workers)]
    assert all(c.wait() == 0 for c in crawlers), "a worker failed"
    fetched = rate([t for s in servers for t in s.story_times])
    waiting = client.xlen(CAPTURES)
    assert waiting >= pages * 0.95, f"only {waiting} of {pages} captures in the stream"
    writer = run([*archiver, "ingest", "--redis", redis.url, "--db",
                  str(tmp / f"archive-{workers}.db"), "--exit-when-idle", "1"])
    first = last = None
    while writer.poll() is None:
        left = client.xlen(CAPTURES)
        now = time.monotonic()
        if first is None and left < waiting:
            first, start_left = now, left
        if left == 0 and last is None:
            last = now
        time.sleep(0.02)
    assert writer.returncode == 0 and last is not None, "the writer failed"
    stored = start_left  # captures stored between the first acknowledgement and the last
    return fetched, stored / (last - first) if last > first else 0.0


def fetches_per_story(days: int) -> int:
    """Fetches of a story that never changes, in its first `days` days, on the due schedule."""
    start = now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    fetches = 1
    while True:
        now += interval(now, start)
        if now - start > timedelta(days=days):
            return fetches
        fetches += 1


def capacity(writer_rate: float, worker_rate: float, sites: int = 10_000, per_day: int = 50,
             days: int = 28) -> None:
    """What the measured rates mean for a research crawl revisiting on the due schedule."""
    per_story = fetches_per_story(days)
    stories = sites * per_day
    needed = stories * per_story / 86_400
    print(f"\ndue schedule: an unchanged story is fetched {fetches_per_story(7)} times in its "
          f"first 7 days, {per_story} in {days} days")
    print(f"{sites:,} sites x {per_day} new stories a day, each revisited for {days} days: "
          f"{stories * per_story:,} captures a day = {needed:.0f}/s")
    print(f"one writer at {writer_rate:.1f} captures/s stores {writer_rate * 86_400:,.0f} a day: "
          f"the schedule of {writer_rate * 86_400 / per_story / per_day:,.0f} such sites "
          f"({sites:,} sites need {needed / writer_rate:.1f}x this writer's rate)")
    print(f"workers at {worker_rate:.1f} pages/s each (one core each): "
          f"{needed / worker_rate:.0f} worker cores for {sites:,} sites")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="times each page is served")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    options = parser.parse_args()
    page_sets = load_pages(options.copies, options.sites)
    pages = sum(map(len, page_sets))
    print(f"{pages} story pages ({options.copies} copies of {PAGES.parent.parent.name}'s pages) "
          f"on {options.sites} local sites; {os.cpu_count()} cores")
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        servers = [stack.enter_context(TimedSite(p)) for p in page_sets]
        redis = stack.enter_context(LocalRedis())
        print(f"{'run':<12}{'pages/s':>10}{'per worker':>12}{'writer captures/s':>20}")
        print("-" * 54)
        local = local_crawl(servers, Path(tmp))
        print(f"{'local':<12}{local:>10.1f}{'':>12}{'(fetch+read+store)':>20}")
        measured = []
        for n in options.workers:
            fetched, stored = distributed(servers, Path(tmp), redis, n, pages)
            measured.append((n, fetched, stored))
            print(f"{f'{n} worker' + ('s' if n > 1 else ''):<12}{fetched:>10.1f}"
                  f"{fetched / n:>12.1f}{stored:>20.1f}")
    one = next((m for m in measured if m[0] == 1), measured[0])
    capacity(writer_rate=max(m[2] for m in measured), worker_rate=one[1] / one[0])


if __name__ == "__main__":
    main()
