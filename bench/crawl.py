"""Crawl benchmark: the project's `scrapy crawl news` against a bare spider, on the same pages.

Real pages from the shared extraction benchmark (read in place, never copied) are served on
127.0.0.1 by several local "sites" (one address each, a sitemap each). In one run this prints:

- pages/s and CPU ms/page for `scrapy crawl news` and for a bare spider that fetches the same
  pages through the same sitemaps and does nothing with them (same settings, same server);
- where that CPU went (the crawl process's reactor and writer threads, the page reader
  process, this bench's own server), beside what 1/3 of the bare spider's rate leaves;
- peak RSS of both at two crawl sizes, to show the project's memory stays flat beyond what
  Scrapy itself needs (its dupefilter keeps every request fingerprint);
- bytes the archive grows per page for a first crawl, an unchanged recapture answered 304 and
  one answered 200, a recapture where only share counts and ads changed, and a recapture where
  10% of the stories had a sentence edited; and the pages/s of each of those crawls, against
  the bare spider's (a scheduled recrawl is mostly pages that did not change). The first
  crawl's bytes are split by what they hold, beside what zstd's slowest level makes of the
  raw pages alone (what a page's body costs when nothing like it is stored yet).

    .venv/bin/python bench/crawl.py [--pages 1000] [--large 20000] [--sites 8] [--rounds 3]
                                    [--profile]

Speeds are comparable only within one run (the machine is shared and noisy): read the ratio,
the median of `--rounds` project crawls each measured against the bare crawls either side.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scrapy import signals
from scrapy.spiders import SitemapSpider
from variants import variant  # bench/, the script's own folder, is on sys.path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "extraction-bench"
# The same engine settings for both spiders: no politeness delays, 16 requests in flight, and
# the project's CONCURRENT_ITEMS (Scrapy's default of 100 costs the bare spider ~1 ms a page).
ENGINE = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
          "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "RETRY_TIMES": "0", "ROBOTSTXT_OBEY": "True",
          "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": "False", "CONCURRENT_ITEMS": "4"}


# -- What runs inside the measured crawls -----------------------------------------------------

class BareSpider(SitemapSpider):
    """Fetch every page the sitemaps list, and do nothing with it: the reference."""

    name = "bare"
    sitemap_rules = [("", "parse_page")]

    def __init__(self, sitemaps: str = "", **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = sitemaps.split(",")

    def parse_page(self, response):
        return []


class Meter:
    """Scrapy extension: wall and CPU time from open to close, pages, peak RSS, to a JSON file."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.out = crawler.settings.get("BENCH_METER_OUT")
        self.pages = 0
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response, signal=signals.response_received)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def _cpu() -> tuple[float, float]:
        """CPU seconds of this process, and of its children (page readers), live or not."""
        t = os.times()
        children = t.children_user + t.children_system
        tick = os.sysconf("SC_CLK_TCK")
        for pid in _children(os.getpid()):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return t.user + t.system, children

    def opened(self, spider):
        self.start = (time.perf_counter(), self._cpu())
        self.start_reactor = time.thread_time()  # signal handlers run on the reactor thread

    def response(self, response, request, spider):
        if not response.url.endswith(("/robots.txt", "/sitemap.xml")):
            self.pages += 1

    def closed(self, spider, reason):
        own, children = self._cpu()
        wall = time.perf_counter() - self.start[0]
        cpu, readers = own + children - sum(self.start[1]), children - self.start[1][1]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for pid in _children(os.getpid()):  # page readers: their own peak
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss += int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        threads = {"reactor_cpu": time.thread_time() - self.start_reactor,
                   "writer_cpu": self.crawler.stats.get_value("archiver/writer_cpu_seconds", 0)}
        Path(self.out).write_text(json.dumps({"pages": self.pages, "wall": wall, "cpu": cpu,
                                              "readers_cpu": readers, "rss_mb": rss,
                                              "reason": reason, **threads}))


def _children(pid: int) -> list[int]:
    """Live descendants of `pid` (Linux /proc)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *_children(kid)]
    return out


# -- The served sites --------------------------------------------------------------------------

def load_pages(limit: int) -> list[bytes]:
    """Up to `limit` real article pages of the shared benchmark, in a fixed order."""
    files = sorted((BENCH / "data" / "html").glob("*.html.gz"))
    for folder in sorted((BENCH / "more").iterdir()):
        files += sorted((folder / "html").glob("*.html.gz"))
    return [gzip.decompress(f.read_bytes()) for f in files[:limit]]


class Sites:
    """`count` local sites on 127.0.0.k, sharing `pages` between them; `mode` picks variants."""

    def __init__(self, pages: list[bytes], count: int, copies: int = 1):
        self.pages, self.mode, self.copies = pages, "base", copies
        self.servers = []
        for k in range(count):
            handler = type("Handler", (_Handler,), {"sites": self, "site": k})
            server = ThreadingHTTPServer((f"127.0.0.{k + 1}", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def base(self, k: int) -> str:
        host, port = self.servers[k].server_address[:2]
        return f"http://{host}:{port}"

    def paths(self, k: int) -> list[str]:
        """Site k serves every page n with n % count == k, `copies` times under other URLs."""
        count = len(self.servers)
        return [f"/2026/03/c{c}/story-{n}/" for c in range(self.copies)
                for n in range(k, len(self.pages), count)]

    @property
    def sitemaps(self) -> str:
        return ",".join(f"{self.base(k)}/sitemap.xml" for k in range(len(self.servers)))

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


class _Handler(BaseHTTPRequestHandler):
    sites: Sites
    site: int

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        base = self.sites.base(self.site)
        if self.path == "/robots.txt":
            return self._send(200, "text/plain", f"Sitemap: {base}/sitemap.xml\n".encode())
        if self.path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in self.sites.paths(self.site))
            return self._send(200, "application/xml", (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode())
        match = re.fullmatch(r"/2026/03/c\d+/story-(\d+)/", self.path)
        if not match or int(match.group(1)) >= len(self.sites.pages):
            return self._send(404, "text/html", b"<h1>not found</h1>")
        n = int(match.group(1))
        body = variant(self.sites.pages[n], self.sites.mode, n, edit_every=10)
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        return self._send(200, "text/html; charset=utf-8", body, etag)

    def _send(self, status: int, content_type: str, body: bytes, etag: str | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


# -- Running crawls ----------------------------------------------------------------------------

def _settings(**extra: str) -> list[str]:
    out = []
    for key, value in {**ENGINE, **extra}.items():
        out += ["-s", f"{key}={value}"]
    return out


def run(kind: str, sites: Sites, work: Path, db: Path | None = None, *args: str,
        profile: Path | None = None, **extra: str) -> dict:
    """One crawl in a subprocess: 'news' (the project, from its root) or 'bare' (no project)."""
    meter = work / f"meter-{time.monotonic_ns()}.json"
    common = _settings(EXTENSIONS='{"crawl.Meter": 0}', BENCH_METER_OUT=str(meter), **extra)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "bench"), str(REPO)])}
    python = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    scrapy = [*python, "-m", "scrapy"] if not profile else [
        *python, str(Path(sys.executable).parent / "scrapy")]
    if kind == "bare":
        command = [*scrapy, "runspider", str(REPO / "bench" / "crawl.py"), *common,
                   "-a", f"sitemaps={sites.sitemaps}"]
        cwd = work  # no scrapy.cfg here: Scrapy's defaults, none of the project's components
    else:
        command = [*scrapy, "crawl", "news", *common, "-s", f"ARCHIVER_DB={db}",
                   "-a", f"sitemaps={sites.sitemaps}", *args]
        cwd = REPO
    before = os.times()  # this process only serves the sites while the crawl runs
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    after = os.times()
    served = after.user + after.system - before.user - before.system
    if done.returncode != 0 or not meter.exists():
        raise SystemExit(f"{kind} crawl failed:\n{done.stderr[-3000:]}")
    return {**json.loads(meter.read_text()), "server_cpu": served}


def rate_of(crawl: dict) -> float:
    return crawl["pages"] / crawl["wall"]


def print_cpu(bares: list[dict], bare_rate: float, news: dict) -> None:
    """CPU ms a page by where it went, and what 1/3 of `bare_rate` (the bare crawls' mean
    rate, as the speed table gives it) leaves: the work of both crawls and of this bench's
    server shares the machine's cores, and the crawl process's threads share one GIL (one
    core at most), as does each page reader."""
    def ms(crawl: dict, key: str) -> float:
        return 1000 * crawl.get(key, 0.0) / crawl["pages"]

    def parts(crawl: dict) -> list[float]:
        own = ms(crawl, "cpu") - ms(crawl, "readers_cpu")  # (os.times: 10 ms ticks)
        return [ms(crawl, "reactor_cpu"), ms(crawl, "writer_cpu"),
                max(0.0, own - ms(crawl, "reactor_cpu") - ms(crawl, "writer_cpu")),
                ms(crawl, "readers_cpu"), ms(crawl, "server_cpu")]

    bare = [sum(values) / len(bares) for values in zip(*map(parts, bares))]
    ours = parts(news)
    print(f"{'CPU ms a page':<38}{'bare':>8}{'project':>9}")
    print("-" * 55)
    labels = ["crawl process: reactor (main) thread", "crawl process: archive writer",
              "crawl process: other threads", "page reader processes", "this bench's server"]
    for label, b, o in zip(labels, bare, ours):
        print(f"{label:<38}{b:>8.2f}{o:>9.2f}")
    print(f"{'in all':<38}{sum(bare):>8.2f}{sum(ours):>9.2f}")
    target = bare_rate / 3
    cores = os.cpu_count() or 1
    print(f"1/3 of the bare spider's rate is {target:.1f} pages/s: on {cores} cores that leaves "
          f"{cores * 1000 / target:.1f} CPU ms a page in all, and {1000 / target:.1f} in the "
          f"crawl process (its threads share one GIL) and as much in the page reader process "
          f"(the project: {sum(ours[:3]):.1f} and {ours[3]:.1f})")


def archive_bytes(db: Path) -> int:
    """Bytes the archive's pages hold: the file without its free pages (which SQLite reuses
    before it grows the file), so that a step's figure is what it added."""
    with closing(sqlite3.connect(db)) as con:
        pages, free, size = (con.execute(f"pragma {p}").fetchone()[0]
                             for p in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


def stored_by_kind(db: Path) -> dict[str, int]:
    """Bytes of the archive's pages by what they hold: raw bodies, the story text (each
    distinct paragraph, the versions' lists of them, their full-text indexes), the rest."""
    out = {"raw bodies": 0, "story text and its search index": 0, "the rest": 0}
    with closing(sqlite3.connect(db)) as con:
        for name, size in con.execute("select name, sum(pgsize) from dbstat group by name"):
            if name == "bodies" or name.startswith("sqlite_autoindex_bodies"):
                out["raw bodies"] += size
            elif "paragraph" in name or "_fts" in name:
                out["story text and its search index"] += size
            else:
                out["the rest"] += size
    return out


def outcomes(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as con:
        return dict(con.execute("select outcome, count(*) from captures group by outcome"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--large", type=int, default=20000,
                        help="pages of the larger crawl for peak RSS (0: skip)")
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3,
                        help="first crawls of the project, each between two bare crawls")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the project crawl with cProfile and print the top")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from archiver.storage.bodies import compress  # (not imported by the bare spider's run)

    pages = load_pages(options.pages)
    print(f"{len(pages)} pages from {BENCH}, served by {options.sites} sites on 127.0.0.x")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sites = Sites(pages, options.sites)
        # First crawls, each into a new archive, between bare crawls (bare, news, bare, news,
        # ..., bare): each project crawl is compared with the bare crawls on either side of
        # it, so that the machine's drift hits both alike; the median round is reported.
        bares = [run("bare", sites, work)]
        rounds = []
        for k in range(options.rounds):
            rounds.append((work / f"archive-{k}.db", run("news", sites, work,
                                                         work / f"archive-{k}.db")))
            bares.append(run("bare", sites, work))
        ratios = [rate_of(news) / ((rate_of(bares[k]) + rate_of(bares[k + 1])) / 2)
                  for k, (_, news) in enumerate(rounds)]
        middle = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
        db, first = rounds[middle]
        bare, bare2 = bares[middle], bares[middle + 1]
        size_first = archive_bytes(db)

        print()
        print(f"{'crawl':<22}{'pages':>7}{'pages/s':>10}{'CPU ms/page':>13}{'peak RSS MB':>13}")
        print("-" * 65)
        bare_rate = (rate_of(bare) + rate_of(bare2)) / 2
        bare_cpu = (bare["cpu"] / bare["pages"] + bare2["cpu"] / bare2["pages"]) / 2 * 1000
        print(f"{'bare spider':<22}{bare['pages']:>7}{bare_rate:>10.1f}{bare_cpu:>13.2f}"
              f"{bare['rss_mb']:>13.1f}")
        rate = rate_of(first)
        print(f"{'scrapy crawl news':<22}{first['pages']:>7}{rate:>10.1f}"
              f"{first['cpu'] / first['pages'] * 1000:>13.2f}{first['rss_mb']:>13.1f}")
        print(f"project / bare: {rate / bare_rate:.2f}x pages/s, the median of "
              f"{len(ratios)} rounds ({', '.join(f'{r:.2f}x' for r in ratios)}); in that round "
              f"the bare crawls before and after it: {rate_of(bare):.0f} and "
              f"{rate_of(bare2):.0f} pages/s")
        print()
        print_cpu([bare, bare2], bare_rate, first)

        print()
        print(f"{'archive growth':<36}{'pages':>7}{'bytes/page':>12}{'pages/s':>9}"
              f"{'/ bare':>8}  outcomes")
        print("-" * 96)

        def speed(got: dict) -> str:
            rate = got["pages"] / got["wall"]
            return f"{rate:>9.1f}{rate / bare_rate:>7.2f}x"

        print(f"{'first crawl':<36}{first['pages']:>7}{size_first / first['pages']:>12,.0f}"
              f"{speed(first)}  {outcomes(db)}")
        for kind, size in stored_by_kind(db).items():
            print(f"{'  ' + kind:<36}{'':>7}{size / first['pages']:>12,.0f}")
        sample = [variant(pages[n], "base", n) for n in range(0, len(pages), 10)]
        floor = sum(len(compress(page, level=19)) for page in sample) / len(sample)
        print(f"{'  raw bodies, each alone at level 19':<36}{len(sample):>7}{floor:>12,.0f}"
              "  (every 10th page: what zstd gives a page with nothing like it stored)")
        steps = [("unchanged recapture, 304", "base", ["-a", "revisit=all"], {}),
                 ("unchanged recapture, 200", "base", ["-a", "revisit=all"],
                  {"ARCHIVER_CONDITIONAL_REVISITS": "False"}),
                 ("noise only (shares, ads)", "noise", ["-a", "revisit=all"], {}),
                 ("10% with a sentence edited", "edit", ["-a", "revisit=all"], {})]
        for label, mode, args, extra in steps:
            before, seen = archive_bytes(db), outcomes(db)
            sites.mode = mode
            got = run("news", sites, work, db, *args, **extra)
            grown = archive_bytes(db) - before
            now = outcomes(db)
            delta = {k: now.get(k, 0) - seen.get(k, 0) for k in now if now.get(k, 0) - seen.get(k, 0)}
            print(f"{label:<36}{got['pages']:>7}{grown / max(got['pages'], 1):>12,.0f}"
                  f"{speed(got)}  {delta}")
            if delta.get("new_version"):
                print(f"{'  per new version':<36}{delta['new_version']:>7}"
                      f"{grown / delta['new_version']:>12,.0f}")
        sites.stop()

        if options.large:
            copies = max(1, options.large // len(pages))
            big = Sites(pages, options.sites, copies=copies)
            bare_big = run("bare", big, work)
            news_big = run("news", big, work, work / "large.db")
            big.stop()
            print()
            print(f"{'peak RSS MB':<22}{bare['pages']:>8} pages{bare_big['pages']:>8} pages"
                  f"{'growth':>10}")
            print("-" * 56)
            for label, small, large in (("bare spider", bare, bare_big),
                                        ("scrapy crawl news", first, news_big)):
                print(f"{label:<22}{small['rss_mb']:>14.1f}{large['rss_mb']:>14.1f}"
                      f"{large['rss_mb'] - small['rss_mb']:>10.1f}")
            print(f"(large crawl: news {news_big['pages'] / news_big['wall']:.1f} pages/s, "
                  f"bare {bare_big['pages'] / bare_big['wall']:.1f} pages/s)")

        if options.profile:
            import pstats

            sites = Sites(pages, options.sites)
            out = work / "news.prof"
            run("news", sites, work, work / "profiled.db", profile=out)
            sites.stop()
            print()
            pstats.Stats(str(out)).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
