"""A start page with 100,000 story links: time to the first story fetch and the crawl's peak
memory, with the default ARCHIVER_MAX_LINKS_PER_PAGE beside no limit, in one run.

Both crawls are the real `scrapy crawl news` in a subprocess against a page served on
127.0.0.1 (generated here); each stops after CLOSESPIDER_PAGECOUNT pages, so "no limit"
measures what reading every link costs before the first fetch, not 100,000 fetches. Peak
memory is the crawl process's peak RSS (getrusage, measured by a fresh parent per crawl).

    .venv/bin/python bench/discovery.py [--links 100000] [--pages 20]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.localsite import LocalSite  # noqa: E402

STORY = (b"<html><head><title>Story</title></head><body><article><h1>Story</h1>"
         + b"<p>A paragraph of the story, long enough to be read as prose by the extractor.</p>"
         * 5 + b"</article></body></html>")


_PEAK_OF_CHILD = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
                  "print(f'peak-rss-kib={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', "
                  "file=sys.stderr); sys.exit(code)")


def home(links: int) -> bytes:
    return ("<html><body>" + "".join(
        f'<a href="/2026/03/story-number-{n}-of-the-day/">Story {n}</a>' for n in range(links))
        + "</body></html>").encode()


def crawl(site: LocalSite, limit: int, pages: int, db: Path) -> dict:
    started = len(site.requests)
    began = time.monotonic()
    site.times.clear()
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_DB={db}",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s",
               "LOG_LEVEL=INFO", "-s", f"CLOSESPIDER_PAGECOUNT={pages}",
               "-s", f"ARCHIVER_MAX_LINKS_PER_PAGE={limit}", "-a", f"start={site.url('/')}"]
    # A fresh parent per crawl, so that its RUSAGE_CHILDREN peak is this crawl's alone.
    measured = [sys.executable, "-c", _PEAK_OF_CHILD, *command]
    result = subprocess.run(measured, cwd=REPO, capture_output=True, text=True, timeout=900)
    took = time.monotonic() - began
    first_story = next((t for t, path in site.times if path.startswith("/2026/")), None)
    home_time = next((t for t, path in site.times if path == "/"), None)
    peak = re.search(r"peak-rss-kib=(\d+)", result.stderr)
    return {"exit": result.returncode, "seconds": took,
            "first_fetch": (first_story - home_time) if first_story and home_time else None,
            "peak_mb": int(peak.group(1)) / 1024 if peak else None,
            "requests": len(site.requests) - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    page = home(args.links)
    routes = {"/": lambda: (200, {"Content-Type": "text/html"}, page)}
    with tempfile.TemporaryDirectory() as tmp, LocalSite([Path(tmp)], routes=routes) as site:
        site.times = []
        answer = site.answer

        def timed(path: str):
            site.times.append((time.monotonic(), path))
            return routes[path]() if path in routes else (200, {"Content-Type": "text/html"},
                                                          STORY)
        site.answer = timed
        print(f"start page: {args.links:,} story links, {len(page) / 2**20:.1f} MiB; "
              f"each crawl stops after {args.pages} pages")
        print(f"{'ARCHIVER_MAX_LINKS_PER_PAGE':<30}{'exit':>5}{'first fetch s':>15}"
              f"{'crawl s':>10}{'peak MB':>10}")
        for label, limit in (("1000 (default)", 1000), ("no limit", args.links + 1)):
            row = crawl(site, limit, args.pages, Path(tmp) / f"{limit}.db")
            first = f"{row['first_fetch']:.2f}" if row["first_fetch"] is not None else "-"
            peak = f"{row['peak_mb']:.0f}" if row["peak_mb"] is not None else "-"
            print(f"{label:<30}{row['exit']:>5}{first:>15}{row['seconds']:>10.2f}{peak:>10}")
        site.answer = answer


if __name__ == "__main__":
    main()
