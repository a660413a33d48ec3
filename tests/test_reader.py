"""The page reader as Scrapy builds it: one parse per page, held pages of new sites, and held
captures an earlier run left behind completed by the next one."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from archiver.capture import now_iso
from archiver.items import Fetch
from archiver.reader import PageReader
from archiver.storage import Archive
from spiders.news import NewsSpider

SUPPORT = "Support independent tech journalism and become a member today."
URLS = [f"http://n.example/2026/03/story-number-{n}/" for n in range(5)]


def _story(n: int) -> Fetch:
    words = ["router", "laptop", "battery", "chip", "browser", "phone", "satellite", "modem"]
    story = "".join(f"<p>The {words[n]} maker shipped fix {words[(n + k) % 8]} for the flaw, "
                    f"which affected {words[k]} owners, researchers told {words[7 - n]}.</p>"
                    for k in range(4))
    body = (f"<html><body><article><h1>Story {n}</h1>{story}<p>{SUPPORT}</p>"
            "</article></body></html>").encode()
    return Fetch(URLS[n], URLS[n], 200, [["Content-Type", "text/html"]], body, now_iso(),
                 source="urls")


def _reader(db, processes: int = 0, **settings) -> PageReader:
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(db),
                                       "ARCHIVER_READER_PROCESSES": processes, **settings})
    return PageReader.from_crawler(crawler)


async def _all(captures) -> list:
    """Every capture an async generator of the reader yields."""
    return [c async for c in captures]


def _held(db) -> list[dict]:
    with Archive.open(db) as archive:
        return list(archive.db.query("select * from captures where outcome = 'held'"))


@deferred_f_from_coro_f
async def test_pages_of_a_new_site_wait_for_its_template(db_path):
    reader = _reader(db_path)
    assert [await _all(reader.read(_story(n))) for n in (0, 1)] == [[], []]  # held, not yet read
    held = _held(db_path)
    assert [r["url"] for r in held] == URLS[:2] and all(r["body_sha256"] for r in held)
    released = await _all(reader.read(_story(2)))  # the template is warm now
    assert [c.url for c in released] == URLS[:3]
    assert [c.completes for c in released] == [held[0]["id"], held[1]["id"], None]
    for capture in released:
        assert SUPPORT not in capture.article.paragraphs and len(capture.article.paragraphs) == 4
    [fourth] = await _all(reader.read(_story(3)))  # no waiting any more
    assert fourth.url == URLS[3] and not fourth.held and fourth.article
    assert reader.stats.get_value("archiver/held_for_template") == 2
    reader.spider_closed()


@deferred_f_from_coro_f
async def test_held_pages_are_read_when_the_crawl_runs_dry(db_path):
    reader = _reader(db_path)
    fetch = _story(1)
    assert await _all(reader.read(fetch)) == []
    [capture] = await _all(reader.release_all())
    assert capture.article and capture.fetched_at == fetch.fetched_at and not reader.held
    assert capture.completes == _held(db_path)[0]["id"]
    reader.spider_closed()


@deferred_f_from_coro_f
async def test_the_next_run_completes_what_a_killed_run_held(db_path):
    killed = _reader(db_path)
    for n in (0, 1):
        assert await _all(killed.read(_story(n))) == []
    killed.spider_closed()  # no template saved, nothing released: as after SIGKILL
    ids = [r["id"] for r in _held(db_path)]

    nxt = _reader(db_path)
    assert await _all(nxt.recover()) == []  # learned from, but the site is still cold
    [*released, own] = await _all(nxt.read(_story(2)))
    assert [c.completes for c in released] == ids and own.completes is None
    assert all(SUPPORT not in c.article.paragraphs for c in (*released, own))
    nxt.spider_closed()


@deferred_f_from_coro_f
async def test_held_captures_of_a_warm_site_are_completed_at_start(db_path):
    first = _reader(db_path)
    for n in range(4):
        await _all(first.read(_story(n)))  # 0 and 1 held; their completions are never stored here
    first.templates.save()  # the site's template, warm, is in the archive
    first.spider_closed()
    ids = [r["id"] for r in _held(db_path)]
    assert len(ids) == 2
    nxt = _reader(db_path)
    released = await _all(nxt.recover())
    nxt.spider_closed()
    assert [c.completes for c in released] == ids
    assert all(SUPPORT not in c.article.paragraphs for c in released)


@pytest.mark.parametrize("processes", [0, 1])
@deferred_f_from_coro_f
async def test_the_next_run_reads_a_known_site_with_its_stored_template(db_path, processes):
    """A site's template saved by one run is loaded by the next when it meets the site, in
    the page reader that reads it (a worker process too): the site is warm at once and its
    repeated block is stripped from the first page read."""
    first = _reader(db_path)
    for n in range(4):
        await _all(first.read(_story(n)))
    first.templates.save()
    first.spider_closed()

    nxt = _reader(db_path, processes)
    nxt.workers.start()  # as when the spider opens: before any site is met
    assert nxt.templates.sites == {}  # nothing loaded before a page of the site comes
    [capture] = await _all(nxt.read(_story(4)))
    nxt.spider_closed()
    assert not capture.held and capture.article.paragraphs
    assert SUPPORT not in capture.article.paragraphs


@deferred_f_from_coro_f
async def test_a_dead_reader_process_is_replaced_when_a_known_site_is_first_met(db_path):
    """The worker that would be handed a known site's template has died: a new one starts
    from the book (which holds the site's template), and the page is read with it."""
    import os
    import signal
    import time

    from tests.conftest import all_end, children_of

    first = _reader(db_path)
    for n in range(4):
        await _all(first.read(_story(n)))
    first.templates.save()
    first.spider_closed()
    nxt = _reader(db_path, 1)
    nxt.workers.start()
    pool = nxt.workers._pools[0]
    await asyncio.wrap_future(pool.submit(int))  # its process is up
    readers = [pid for pid in children_of(os.getpid()) if pid in pool._processes]
    for pid in readers:
        os.kill(pid, signal.SIGKILL)
    assert all_end(readers, 10)
    deadline = time.monotonic() + 10
    while not pool._broken and time.monotonic() < deadline:  # the pool has noticed
        time.sleep(0.05)
    [capture] = await _all(nxt.read(_story(4)))
    nxt.spider_closed()
    assert capture.article and SUPPORT not in capture.article.paragraphs


@deferred_f_from_coro_f
async def test_pages_waiting_on_a_reader_that_dies_share_one_new_reader(db_path):
    """Three pages wait on one worker when it dies: each is read (by the worker that replaces
    it, one for all of them), and once the reader closes no worker process is left."""
    import os
    import signal
    import time

    from tests.conftest import all_end, children_of

    reader = _reader(db_path, 1, ARCHIVER_TEMPLATES=False)
    reader.workers.start()
    pool = reader.workers._pools[0]
    await asyncio.wrap_future(pool.submit(int))  # its process is up
    before = set(children_of(os.getpid()))
    busy = pool.submit(time.sleep, 5)  # so that none of the pages is read before it dies
    pending = [asyncio.ensure_future(_all(reader.read(_story(n)))) for n in range(3)]
    await asyncio.sleep(0)  # all three submitted to the same worker
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    captures = [c for done in await asyncio.gather(*pending) for c in done]
    assert busy.exception() is not None and len(captures) == 3 and all(c.article for c in captures)
    started = set(children_of(os.getpid())) - before
    reader.spider_closed()
    assert all_end(list(started) + list(pool._processes or []), 15)
    assert len(started) <= 2  # one new reader (and at most multiprocessing's tracker)


def test_a_crawl_loads_and_writes_back_only_the_templates_of_sites_it_learned_from(db_path):
    from archiver.extract import SiteTemplate
    from archiver.templates import TemplateBook

    stored = {}
    for site in ("a.example", "b.example"):
        template = SiteTemplate()
        for n in range(3):
            template.observe(_story(n).body, f"https://{site}/story-{n}/")
        stored[site] = template.to_json()
    with Archive.open(db_path) as archive:
        archive.save_templates(stored)
        with archive.writing():
            archive.db.execute("update site_templates set updated_at = '2026-01-01'")

    book = TemplateBook(str(db_path))
    assert book.sites == {}
    assert book.is_warm("a.example") and list(book.sites) == ["a.example"]
    book.for_site("a.example").observe(_story(3).body, "https://a.example/story-3/")
    book.save()
    with Archive.open(db_path) as archive:
        after = dict(archive.db.execute("select site, updated_at from site_templates"))
        templates = archive.load_templates()
    assert after["b.example"] == "2026-01-01" and templates["b.example"] == stored["b.example"]
    assert after["a.example"] > "2026-01-01"
    assert SiteTemplate.from_json(templates["a.example"]).pages.keys() == \
        book.sites["a.example"].pages.keys() and len(book.sites["a.example"].pages) == 4


@pytest.mark.parametrize("processes", [1, 2])
@deferred_f_from_coro_f
async def test_worker_processes_read_and_learn_as_the_crawl_thread_does(tmp_path, processes):
    """Pages read in worker processes give the same stories, and the crawl's own book ends
    with the same site template (every page a worker learned from is counted back)."""
    results = {}
    for n_proc in (0, processes):
        reader = _reader(tmp_path / f"{n_proc}.db", n_proc)
        captures = [c for n in range(5) for c in await _all(reader.read(_story(n)))]
        book = reader.templates.for_url(URLS[0])
        results[n_proc] = ([(c.url, c.article.paragraphs) for c in captures],
                           book.counts, book.placed, list(book.pages))
        reader.spider_closed()
    assert results[processes] == results[0]
    assert len(results[0][0]) == 5 and all(SUPPORT not in p for _, p in results[0][0])


@deferred_f_from_coro_f
async def test_the_reader_hands_over_the_story_in_canonical_form_with_its_hash(db_path):
    """Normalizing happens in the reader's process, beside the extraction: the capture comes
    out exactly as the normalize pipeline would make it, and the pipeline leaves it so."""
    from archiver.capture import capture_page
    from pipelines.normalize import NormalizePipeline

    raw = _story(0)
    dateline = b"<p>Updated: Nov 25, 2026, 10:03 AM ET</p>"
    fetch = Fetch(raw.url, raw.final_url, raw.status, raw.headers,
                  raw.body.replace(b"</h1>", b"</h1>" + dateline).replace(b"shipped",
                                                                       b"ship\xe2\x80\x8bped"),
                  raw.fetched_at, source="urls")
    reader = _reader(db_path, processes=1, ARCHIVER_TEMPLATES=False)  # no page is held
    try:
        [read] = await _all(reader.read(fetch))
    finally:
        reader.workers.close()
    assert read.story_hash is not None
    assert not any("Updated:" in p or "\u200b" in p for p in read.article.paragraphs)
    by_pipeline = NormalizePipeline().process_item(capture_page(fetch))
    finished = NormalizePipeline().process_item(read)
    assert (finished.article, finished.story_hash) == (by_pipeline.article,
                                                       by_pipeline.story_hash)


def test_page_reader_processes_start_when_the_spider_opens(db_path):
    """The reader's process is spawned at spider_opened, not when the first page arrives."""
    reader = _reader(db_path, processes=1)
    try:
        assert reader.workers._pools == [None]
        reader.spider_opened(NewsSpider.from_crawler(reader.crawler))
        [pool] = reader.workers._pools
        assert pool is not None and pool.submit(int, "7").result(timeout=60) == 7
        assert len(pool._processes) == 1
    finally:
        reader.workers.close()
