"""The three pipelines as Scrapy builds them, on captures made the way the spider makes them."""

from __future__ import annotations

import inspect

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archiver.capture import capture_page
from archiver.items import Capture, Fetch
from pipelines.baseline import BaselinePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.storage import ArchivePipeline
from spiders.news import NewsSpider

URL = "https://n.example/2026/03/vendor-patches-router-flaw/?utm_source=feed"
PARAS = ["The vendor shipped a firmware fix on Tuesday for the flaw researchers reported.",
         "Owners should install version 4.2 now, the company said in an advisory."]


def _page(paragraphs, extra="") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Vendor patches router flaw</title></head><body><article>"
            f"<h1>Vendor patches router flaw</h1>{body}</article>{extra}</body></html>").encode()


@pytest.fixture
def chain(tmp_path):
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": str(tmp_path / "a.db"),
                                       "ARCHIVER_TEMPLATES": False})
    crawler.spider = NewsSpider.from_crawler(crawler, urls=URL)
    pipes = [build_from_crawler(cls, crawler)
             for cls in (NormalizePipeline, BaselinePipeline, ArchivePipeline)]
    for pipe in pipes[1:]:
        pipe.open_spider()

    async def run(body: bytes | Capture, when: str = "", content_type: str = "text/html",
                  upto: int = 3, start: int = 0):
        item = body if isinstance(body, Capture) else capture_page(
            Fetch(URL, URL, 200, [["Content-Type", content_type]], body, when))
        for pipe in pipes[start:upto]:
            item = pipe.process_item(item)
            if inspect.iscoroutine(item):  # the storage pipeline: written in its writer thread
                item = await item
        return item

    yield run, crawler
    for pipe in pipes[1:]:
        pipe.close_spider()


@deferred_f_from_coro_f
async def test_capture_flows_through_normalize_baseline_and_storage(chain):
    run, crawler = chain
    first = await run(_page(PARAS), "2026-03-01T10:00:00+00:00")
    assert (first.outcome, first.version, first.change) == ("new_version", 1, "first")
    assert first.identity == "https://n.example/2026/03/vendor-patches-router-flaw/"
    assert first.body is None and first.baseline is None  # nothing heavy left on the item
    noise = await run(_page(PARAS, "<aside><p>Most Popular: 5 shares</p></aside>"),
                "2026-03-01T11:00:00+00:00")
    assert noise.outcome == "unchanged"
    update = await run(_page(PARAS + ["Update: the vendor pulled 4.2 after reports of boot loops."]),
                 "2026-03-01T12:00:00+00:00")
    assert (update.outcome, update.version, update.change) == ("new_version", 2, "appended_update")
    [record] = update.updates
    assert record["kind"] == "update" and record["first_version"] == 2
    stats = crawler.stats.get_stats()
    assert stats["archiver/captures/new_version"] == 2
    assert stats["archiver/captures/unchanged"] == 1
    assert stats["archiver/baseline_reextractions"] == 1  # only the capture that differed


def test_pipelines_switch_off_without_an_archive(tmp_path):
    crawler = get_crawler(NewsSpider, {"ARCHIVER_DB": ""})
    for cls in (BaselinePipeline, ArchivePipeline):
        with pytest.raises(NotConfigured):
            build_from_crawler(cls, crawler)


@deferred_f_from_coro_f
async def test_the_baseline_is_read_with_the_charset_the_server_declared(chain):
    run, _ = chain
    russian = ["Производитель выпустил исправление прошивки во вторник, сообщили исследователи.",
               "Владельцам роутеров советуют установить версию 4.2 как можно скорее."]
    declared = "text/html; charset=windows-1251"
    page = _page(russian).replace(b"<html>", b"<html lang=ru>")
    await run(page.decode().encode("cp1251"), "2026-03-01T10:00:00+00:00", declared)
    updated = _page(russian + ["Обновление: производитель отозвал версию 4.2 из-за сбоев."])
    item = await run(updated.decode().encode("cp1251"), "2026-03-01T12:00:00+00:00", declared, upto=2)
    assert item.baseline is not None and item.baseline.paragraphs == russian


@deferred_f_from_coro_f
async def test_a_baseline_made_stale_in_the_queue_is_read_again_before_the_write(chain):
    """A capture's baseline was read from version 1, but an earlier capture in the writer's
    queue made version 2: the writer hands the page back untouched, the pipeline reads
    version 2's page, and the capture is written as what it adds to version 2."""
    run, crawler = chain
    await run(_page(PARAS), "2026-03-01T10:00:00+00:00")
    first_update = "Update: the vendor pulled 4.2 after reports of boot loops."
    second_update = "Update 2: version 4.2.1 is out and fixes the boot loops."
    late = await run(_page(PARAS + [first_update, second_update]),
                     "2026-03-01T12:00:00+00:00", upto=2)
    assert late.baseline is not None and late.baseline_version is not None
    second = await run(_page(PARAS + [first_update]), "2026-03-01T11:00:00+00:00")
    assert (second.outcome, second.version) == ("new_version", 2)
    written = await run(late, start=2)
    assert (written.outcome, written.version, written.change) == ("new_version", 3,
                                                                  "appended_update")
    assert [u["first_version"] for u in written.updates] == [2, 3]
    assert written.baseline is None and written.baseline_version is None
    assert crawler.stats.get_value("archiver/baseline_stale_rereads") == 1
