"""Crawl workers on a shared frontier in a real Redis, and the one archive writer.

Every test starts its own redis-server on 127.0.0.1 (Debian's, installed by
scripts/system-packages.sh) and runs the real commands in subprocesses: `scrapy crawl news
-s ARCHIVER_REDIS_URL=...` (workers), `archiver ingest` (the writer), `archiver enqueue`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from archiver.distributed import CAPTURES, WRITER_LOCK, WRITERS
from archiver.distributed.captures import decode, encode
from archiver.distributed.localredis import LocalRedis, RedisUnavailable
from archiver.localsite import LocalSite
from archiver.storage import Archive, queries
from tests.conftest import FAST, ROOT, all_end, children_of

ARCHIVER = [sys.executable, "-m", "archiver.cli"]
QUICK = ["-s", "ARCHIVER_REDIS_IDLE_CLOSE=1", "-s", "ARCHIVER_REDIS_WORKER_TIMEOUT=2"]


@pytest.fixture(scope="module")
def redis_server():
    try:
        with LocalRedis() as server:
            yield server
    except RedisUnavailable as exc:
        pytest.skip(f"no real Redis to test against: {exc}")


@pytest.fixture
def redis_url(redis_server):
    redis_server.client().flushall()
    return redis_server.url


# A generated news site: a feed listing many stories, each page slow enough to be in flight.

class SlowSite(LocalSite):
    """A LocalSite whose story pages take `delay` seconds, with the time of each request."""

    def __init__(self, root: Path, delay: float = 0.0):
        super().__init__([root])
        self.delay = delay
        self.times: list[tuple[float, str]] = []

    def answer(self, path: str):
        self.times.append((time.monotonic(), path))
        if path.startswith("/news/"):
            time.sleep(self.delay)
        return super().answer(path)


def _name(n: int) -> str:
    """A made-up word for the number `n`."""
    syllables = ["ash", "bel", "cor", "dun", "elm", "fal", "gor", "hal"]
    word = syllables[n % 8]
    while n := n // 8:
        word += syllables[n % 8]
    return word.capitalize()


def make_site(root: Path, stories: int, furniture: str = "") -> list[str]:
    """`stories` article pages and a feed of them; the story paths. `furniture`, when given,
    is a paragraph every story ends with (the site's own pitch, for its template to learn)."""
    paths = [f"/news/2026/03/story-number-{n}/" for n in range(stories)]
    for n, path in enumerate(paths):
        page = root / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        town = _name(n)  # (in words: a block's fingerprint blanks its digits)
        paragraphs = "".join(
            f"<p>Story {n}, paragraph {_name(p)}: the council of {town} met on Tuesday and voted "
            f"{p + 3} to {n % 4 + 1} on the new budget, after a debate that ran past midnight "
            f"and left residents of district {n * 7 + p} with more questions than answers.</p>"
            for p in range(4))
        pitch = f"<p>{furniture}</p>" if furniture else ""
        page.write_text(f"<html><head><title>Story {n} of the council</title></head><body>"
                        f"<nav><a href='/'>Home</a></nav><article><h1>Story {n} of the "
                        f"council</h1>{paragraphs}{pitch}</article><footer>(c) Town Crier</footer>"
                        "</body></html>", encoding="utf-8")
    items = "".join(f"<item><title>Story {n}</title><link>__BASE__{p}</link></item>"
                    for n, p in enumerate(paths))
    (root / "feed.xml").write_text(f"<?xml version='1.0'?><rss version='2.0'><channel>"
                                   f"<title>Town Crier</title>{items}</channel></rss>")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return paths


@pytest.fixture
def slow_site(tmp_path):
    root = tmp_path / "site"
    paths = make_site(root, 24)
    with SlowSite(root, delay=0.3) as site:
        site.paths = paths
        yield site


def worker(redis_url: str, scratch: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_REDIS_URL={redis_url}",
         "-s", f"ARCHIVER_DB={scratch}", *FAST, *QUICK, *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def writer(redis_url: str, db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*ARCHIVER, "ingest", "--redis", redis_url, "--db", str(db), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def enqueue(redis_url: str, *args: str) -> str:
    done = subprocess.run([*ARCHIVER, "enqueue", "--redis", redis_url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    _, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, (err or "")[-3000:]
    return err or ""


def archived(db: Path) -> dict[str, list[str]]:
    """{story path: change kinds of its versions} of an archive."""
    with Archive.open(db) as archive:
        urls = [r["url"] for r in archive.db.query("select url from articles")]
        return {urlsplit(u).path: [v["change"] for v in queries.history(archive, u)["versions"]]
                for u in urls}


def capture_count(db: Path) -> int:
    with Archive.open(db) as archive:
        return archive.db.execute("select count(*) from captures").fetchone()[0]


def wait_for(condition, timeout: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


# The demo: the archive does not depend on how many workers made it -----------------------

@pytest.fixture(scope="module")
def local_demo(demo_archive):
    """What `make demo` archives (the session's demo archive, read only)."""
    return archived(demo_archive)


@pytest.mark.parametrize("workers", [1, 3])
def test_distributed_demo_archive_equals_the_local_one(redis_server, local_demo, tmp_path,
                                                       workers):
    from archiver.distributed.demo import run_distributed_demo

    db = tmp_path / "demo.db"
    assert run_distributed_demo(db, workers=workers) == 0
    assert archived(db) == local_demo  # same stories, versions per story, change kinds
    assert sorted(len(v) for v in local_demo.values()).count(2) >= 5  # both crawls mattered


# Kills ---------------------------------------------------------------------------------

def test_a_worker_killed_mid_crawl_loses_no_story(redis_url, slow_site, tmp_path):
    db, scratch = tmp_path / "archive.db", tmp_path / "worker.db"
    server = redis.Redis.from_url(redis_url)
    enqueue(redis_url, "--feed", slow_site.url("/feed.xml"))
    ingest = writer(redis_url, db, "--exit-when-idle", "1")
    first = worker(redis_url, scratch)
    # Kill it while it has fetched some stories and has others in flight.
    wait_for(lambda: sum(p.startswith("/news/") for _, p in slow_site.times) >= 6)
    left = children_of(first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert all_end(left, seconds=20)  # its page reader did not outlive it
    in_flight = sum(server.hlen(k) for k in server.scan_iter(match="news:inflight:*"))
    assert in_flight > 0  # the kill did leave requests half done
    second = worker(redis_url, scratch)  # on the same machine: the same scratch archive
    log = finish(second)
    finish(ingest)
    assert f"Put {in_flight} requests of dead workers back in the frontier" in log
    assert set(archived(db)) == set(slow_site.paths)  # every story of the feed is archived
    assert not list(server.scan_iter(match="news:inflight:*"))


def test_the_writer_killed_mid_ingest_then_restarted_stores_each_capture_once(
        redis_url, tmp_path):
    root = tmp_path / "site"
    paths = make_site(root, 40)
    db, scratch = tmp_path / "archive.db", tmp_path / "worker.db"
    with LocalSite([root]) as site:
        enqueue(redis_url, "--feed", site.url("/feed.xml"))
        finish(worker(redis_url, scratch))  # every capture now waits in the stream
    server = redis.Redis.from_url(redis_url)
    waiting = server.xlen(CAPTURES)
    assert waiting == len(paths)
    first = writer(redis_url, db)
    wait_for(lambda: db.exists() and capture_count(db) >= 1, every=0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored_before_restart = capture_count(db)
    assert stored_before_restart < waiting  # killed in the middle
    server.delete(WRITER_LOCK)  # its key would expire by itself in 15 s
    finish(writer(redis_url, db, "--exit-when-idle", "0.5"))
    assert capture_count(db) == waiting  # none lost, none twice
    assert set(archived(db)) == set(paths)
    assert server.xlen(CAPTURES) == 0
    assert server.xpending(CAPTURES, WRITERS)["pending"] == 0


def test_a_capture_committed_but_not_acknowledged_is_not_stored_twice(redis_url, tmp_path):
    """The writer stopped between a commit and its acknowledgement: the entry is still
    pending; the next writer sees the capture is in the archive and only acknowledges it."""
    root = tmp_path / "site"
    make_site(root, 3)
    db, scratch = tmp_path / "archive.db", tmp_path / "worker.db"
    with LocalSite([root]) as site:  # seeded by the worker's own -a argument this time
        finish(worker(redis_url, scratch, "-s", "ARCHIVER_TEMPLATES=False",
                      "-a", f"feeds={site.url('/feed.xml')}"))
    server = redis.Redis.from_url(redis_url)
    server.xgroup_create(CAPTURES, WRITERS, id="0")
    delivered = server.xreadgroup(WRITERS, "writer", {CAPTURES: ">"}, count=1)[0][1]
    capture = decode(delivered[0][1])
    with Archive.open(db) as archive:
        archive.record(capture)  # committed, and then the writer died
    finish(writer(redis_url, db, "--exit-when-idle", "0.5"))
    assert capture_count(db) == 3
    assert server.xlen(CAPTURES) == 0


def test_two_writers_are_refused(redis_url, tmp_path):
    db = tmp_path / "archive.db"
    first = writer(redis_url, db)
    server = redis.Redis.from_url(redis_url)
    try:
        wait_for(lambda: server.exists(WRITER_LOCK))
        second = writer(redis_url, tmp_path / "other.db", "--exit-when-idle", "0.5")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert "already has a writer" in err
        with LocalRedis() as other_redis:  # another Redis, the same archive
            third = writer(other_redis.url, db, "--exit-when-idle", "0.5")
            _, err = third.communicate(timeout=60)
        assert third.returncode == 1
        assert f"another writer is ingesting into {db}" in err
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    assert not server.exists(WRITER_LOCK)  # a writer that stops gives the stream back


# Politeness, seeds, and nothing changed without Redis -------------------------------------

def test_politeness_per_site_holds_across_workers(redis_url, tmp_path):
    root = tmp_path / "site"
    make_site(root, 8)
    with SlowSite(root) as site:
        enqueue(redis_url, "--feed", site.url("/feed.xml"))
        crawlers = [worker(redis_url, tmp_path / f"w{n}.db", "-s", "ARCHIVER_REDIS_SITE_DELAY=0.3")
                    for n in range(3)]
        for crawler in crawlers:
            finish(crawler)
    starts = sorted(t for t, path in site.times if path.startswith("/news/"))
    assert len(starts) == 8
    # Three workers, yet one request to the site every 0.3 s (the delay holds between request
    # starts; a loaded machine may deliver one of them a little late, never many at once).
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert starts[-1] - starts[0] >= 0.9 * 0.3 * (len(starts) - 1)
    assert min(gaps) >= 0.15


def test_enqueue_revisits_from_the_archive(redis_url, tmp_path, crawl):
    root = tmp_path / "site"
    make_site(root, 5)
    db = tmp_path / "archive.db"
    with LocalSite([root]) as site:
        crawl(db, "-a", f"feeds={site.url('/feed.xml')}")  # a local crawl made the archive
    assert "0 requests queued" in enqueue(redis_url, "--due", "--db", str(db))  # just fetched
    assert "5 requests queued" in enqueue(redis_url, "--revisit", "all", "--db", str(db))


def test_a_capture_survives_the_stream(tmp_path):
    from archiver.article import Article
    from archiver.items import Capture

    capture = Capture(url="http://a.test/x/", final_url="http://a.test/x/",
                      fetched_at="2026-03-01T00:00:00+00:00", status=200, body=b"\x00\xffraw",
                      article=Article(title="T", paragraphs=["p1", "p2"], headlines={"h1": "T"}))
    entry = {key.encode(): value for key, value in encode(capture).items()}
    assert decode(entry) == capture
    with pytest.raises(ValueError, match="not a capture"):
        decode({b"capture": b"{not json"})


def test_without_redis_url_nothing_distributed_is_loaded(tmp_path):
    probe = textwrap.dedent(f"""
        import sys
        from scrapy.crawler import CrawlerProcess
        from archiver.distributed.runner import project_settings
        process = CrawlerProcess(project_settings({{"ARCHIVER_DB": {str(tmp_path / 'a.db')!r},
                                                    "LOG_LEVEL": "ERROR"}}))
        crawler = process.create_crawler("news")
        process.crawl(crawler)  # nothing to crawl: it opens, says so, and closes
        process.start()
        loaded = [m for m in ("scrapy_redis", "redis") if m in sys.modules]
        assert not loaded, loaded
        print("scheduler", crawler.settings["SCHEDULER"])
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "ARCHIVER_REDIS_URL": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "scheduler scrapy.core.scheduler.Scheduler" in done.stdout


def test_a_worker_reads_the_pages_it_held_when_its_site_never_warms(redis_url, tmp_path):
    # Two stories of a new site: its template needs three pages, so both are held until the
    # worker runs dry; the wake-up that reads them must stay with this worker (its scratch
    # archive holds them), never go to the shared frontier.
    root, db = tmp_path / "site", tmp_path / "archive.db"
    paths = make_site(root, 2)
    with SlowSite(root) as site:
        enqueue(redis_url, "--feed", site.url("/feed.xml"))
        ingest = writer(redis_url, db, "--exit-when-idle", "1")
        log = finish(worker(redis_url, tmp_path / "worker.db"))
        finish(ingest)
    assert "Traceback" not in log
    assert set(archived(db)) == set(paths)


# Site templates: one for the fleet, whoever fetched which page -----------------------------

class GatedSite(LocalSite):
    """A LocalSite whose `gate` path answers only once `open_gate` is called."""

    def __init__(self, root: Path, gate: str):
        super().__init__([root])
        self.gate, self.opened = gate, threading.Event()
        self.asked: list[str] = []

    def answer(self, path: str):
        self.asked.append(path)
        if path == self.gate:
            self.opened.wait(120)
        return super().answer(path)


def test_workers_that_split_a_new_sites_pages_read_them_with_one_warm_template(
        redis_url, tmp_path):
    # Four stories of a new site end with the same pitch: its template learns that from three
    # pages. Worker A fetches two of them while worker B waits on a slow feed that lists the
    # other two, so neither worker alone sees three pages of the site. The fleet does: every
    # story is stored without the pitch, as one crawl of the four would store it.
    pitch = "Support independent local journalism: become a member of the Town Crier today."
    root, db = tmp_path / "site", tmp_path / "archive.db"
    paths = make_site(root, 4, furniture=pitch)
    (root / "later.xml").write_text((root / "feed.xml").read_text().replace(
        f"<item><title>Story 0</title><link>__BASE__{paths[0]}</link></item>"
        f"<item><title>Story 1</title><link>__BASE__{paths[1]}</link></item>", ""))
    server = redis.Redis.from_url(redis_url)
    inflight = lambda: list(server.scan_iter(match="news:inflight:*"))  # noqa: E731
    with GatedSite(root, "/later.xml") as site:
        ingest = writer(redis_url, db, "--exit-when-idle", "1")
        started = [ingest]
        try:
            enqueue(redis_url, "--feed", site.url("/later.xml"))
            b = worker(redis_url, tmp_path / "b.db", "-s", "CONCURRENT_REQUESTS=1",
                       "-s", "DOWNLOAD_TIMEOUT=120")
            started.append(b)
            wait_for(lambda: "/later.xml" in site.asked)  # B is busy with it, takes no more
            enqueue(redis_url, site.url(paths[0]), site.url(paths[1]))
            a = worker(redis_url, tmp_path / "a.db")
            started.append(a)
            # A fetched both and is done with them (its in-flight requests are gone): with a
            # template of its own it would now read them as they are, pitch and all.
            wait_for(lambda: (tmp_path / "a.db").exists()
                     and capture_count(tmp_path / "a.db") == 2 and len(inflight()) == 1)
            site.opened.set()
            for process in (a, b, ingest):
                finish(process)
        finally:
            site.opened.set()
            for process in started:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
    with Archive.open(db) as archive:
        stories = {urlsplit(r["url"]).path: queries.history(archive, r["url"])["versions"]
                   for r in archive.db.query("select url from articles")}
    assert set(stories) == set(paths)
    for path, versions in stories.items():
        assert len(versions) == 1
        assert len(versions[0]["paragraphs"]) == 4, path  # the story, without the pitch
        assert pitch not in versions[0]["paragraphs"], path


def test_a_worker_loads_the_templates_of_sites_it_meets_and_writes_back_what_it_learned(
        redis_url):
    """A worker's book loads a site's template from the fleet's hash when it meets the site;
    at its stop it writes back only the sites it learned from: a site it only met keeps the
    newer template another worker wrote meanwhile."""
    from archiver.distributed.templates import TEMPLATES, SharedTemplateBook
    from archiver.extract import SiteTemplate

    def learned(site: str, pages: int) -> str:
        template = SiteTemplate()
        for n in range(pages):
            template.count(frozenset({("f00d", "p<div"), (f"{n:04x}", "p<div")}),
                           f"https://{site}/story-{n}/")
        return template.to_json()

    server = redis.Redis.from_url(redis_url)
    server.hset(TEMPLATES, mapping={"a.example": learned("a.example", 3),
                                    "b.example": learned("b.example", 3),
                                    "c.example": learned("c.example", 3)})
    book = SharedTemplateBook(server)
    assert book.sites == {}
    assert book.is_warm("a.example") and book.is_warm("b.example")
    assert sorted(book.sites) == ["a.example", "b.example"]  # c was never met
    newer_b = learned("b.example", 5)
    server.hset(TEMPLATES, "b.example", newer_b)  # another worker stopped meanwhile
    book.for_site("a.example").count(frozenset({("beef", "p<div")}), "https://a.example/x/")
    book.save()
    kept = {k.decode(): v.decode() for k, v in server.hgetall(TEMPLATES).items()}
    assert kept["b.example"] == newer_b
    assert len(SiteTemplate.from_json(kept["a.example"]).pages) == 4


def test_the_writer_copies_the_templates_workers_changed_and_only_those(redis_url, tmp_path):
    """Workers mark the sites whose template they wrote back; the writer, as it stops, copies
    those into the archive and unmarks them, but not one a worker wrote again meanwhile. The
    first copy of a fleet (one from before the marks, say) takes the whole hash."""
    from archiver.distributed.templates import (
        CHANGED,
        TEMPLATES,
        SharedTemplateBook,
        changed_templates,
        taken,
    )

    server = redis.Redis.from_url(redis_url)
    server.hset(TEMPLATES, "old.example", "{}")  # written by a fleet before the marks
    first = changed_templates(server)
    assert first == {"old.example": "{}"}
    taken(server, first)
    assert changed_templates(server) == {}
    book = SharedTemplateBook(server)
    for site in ("a.example", "b.example"):
        book.for_site(site).count(frozenset({("f00d", "p<div")}), f"https://{site}/1/")
    book.save()
    changed = changed_templates(server)
    assert sorted(changed) == ["a.example", "b.example"]
    server.hset(TEMPLATES, "b.example", changed["b.example"].replace("f00d", "beef"))
    taken(server, changed)  # b changed again before the copy was done: it stays marked
    assert server.smembers(CHANGED) == {b"b.example"}
    assert list(changed_templates(server)) == ["b.example"]
    assert "beef" in changed_templates(server)["b.example"]
