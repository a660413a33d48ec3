"""End to end: the real `scrapy crawl news` against fixture sites served on 127.0.0.1."""

from __future__ import annotations

import json
import time

from archiver.localsite import LocalSite
from archiver.storage import Archive, queries
from tests.conftest import ROOT

RECALL = "/2026/03/chipmaker-recalls-batteries/"
ROUTER = "/2026/03/router-firmware-flaw-patched/"


def _versions(db, url):
    with Archive.open(db) as archive:
        return queries.history(archive, url)


def test_urls_then_update_then_noise(fixture_site, fixture_expected, crawl, db_path):
    url = fixture_site.url(RECALL)
    crawl(db_path, "-a", f"urls={url}")
    fixture_site.layers = [fixture_site.root / "later", fixture_site.root / "base"]
    crawl(db_path, "-a", f"urls={url}")
    crawl(db_path, "-a", f"urls={url}")  # unchanged
    fixture_site.layers = [fixture_site.root / "noise", fixture_site.root / "base"]
    crawl(db_path, "-a", f"urls={url}")  # share count, ad, relative time, popular list only

    history = _versions(db_path, url)
    assert [v["change"] for v in history["versions"]] == ["first", "appended_update"]
    assert [v["captures"] for v in history["versions"]] == [1, 3]
    assert history["versions"][0]["paragraphs"] == fixture_expected[RECALL]["base"]
    assert history["versions"][1]["paragraphs"] == fixture_expected[RECALL]["later"]
    [update] = history["versions"][1]["updates"]
    assert update["kind"] == "update" and update["position"] == "appended"
    assert update["text"] == "\n\n".join(fixture_expected[RECALL]["later"][4:])
    assert update["first_version"] == 2
    assert update["stated_time"] and update["stated_time"].startswith("2026-03-02T16:40")


def test_feed_sitemap_and_start_discovery(fixture_site, crawl, db_path, tmp_path):
    out = tmp_path / "items.jsonl"
    result = crawl(db_path, "-a", f"feeds={fixture_site.url('/feed.xml')}", feed=out)
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(i["identity"] for i in items) == sorted([fixture_site.url(RECALL),
                                                           fixture_site.url(ROUTER)])
    assert all("body" not in i or i["body"] is None for i in items)
    assert "utm_" not in out.read_text()
    assert "archiver/captures/new_version': 2" in result.stderr

    db2 = tmp_path / "b.db"
    crawl(db2, "-a", f"sitemaps={fixture_site.url('/robots.txt')}")
    with Archive.open(db2) as archive:
        assert queries.stats(archive)["articles"] == 2

    db3 = tmp_path / "c.db"
    fixture_site.requests.clear()
    crawl(db3, "-a", f"start={fixture_site.url('/')}")
    with Archive.open(db3) as archive:
        urls = {r["url"] for r in archive.db.query("select url from articles")}
    assert urls == {fixture_site.url(RECALL), fixture_site.url(ROUTER)}  # router via /security/
    assert "/about/" not in fixture_site.requests and "/tag/batteries/" not in fixture_site.requests


def test_revisit_finds_removal(fixture_site, crawl, db_path, tmp_path):
    crawl(db_path, "-a", f"feeds={fixture_site.url('/feed.xml')}")
    gone = tmp_path / "gone"
    gone.mkdir()
    (gone / ".removed").write_text(ROUTER + "\n")
    fixture_site.layers = [gone, fixture_site.root / "base"]
    crawl(db_path, "-a", "revisit=1")
    history = _versions(db_path, fixture_site.url(ROUTER))
    assert history["status"] == "removed"
    assert [e["kind"] for e in history["events"]] == ["removed"]
    assert len(history["versions"]) == 1  # nothing deleted


def _slow():
    time.sleep(5)
    return 200, {"Content-Type": "text/html"}, b"<p>late</p>"


def test_bad_input_is_recorded_and_the_crawl_goes_on(fixture_site, crawl, db_path, tmp_path):
    routes = {
        "/500": lambda: (500, {"Content-Type": "text/html"}, b"boom"),
        "/pdf": lambda: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 binary"),
        "/empty": lambda: (200, {"Content-Type": "text/html"}, b""),
        "/moved": lambda: (301, {"Location": "/2026/03/router-firmware-flaw-patched/"}, b""),
        "/broken": lambda: (200, {"Content-Type": "text/html"},
                            b"<html><body><div><p>Unclosed <b>story <i>text" * 50),
        "/latin1": lambda: (200, {"Content-Type": "text/html"},
                            "<html><head><title>Ä</title></head><body><article><p>"
                            .encode() + "Grüße aus München, schöne Tage. ".encode("latin-1") * 20
                            + b"</p></article></body></html>"),
        "/slow": _slow,
    }
    with LocalSite([fixture_site.root / "base"], routes=routes) as site:
        urls = [site.url(p) for p in routes] + [site.url(RECALL)]
        result = crawl(db_path, "-a", "urls=" + ",".join(urls))
    with Archive.open(db_path) as archive:
        rows = {r["url"].rsplit("/", 1)[-1] or r["url"].rstrip("/").rsplit("/", 1)[-1]: r
                for r in archive.db.query("select * from captures")}
        reasons = {k: (r["outcome"], r["error"]) for k, r in rows.items()}
    assert reasons["500"] == ("failed", "HTTP 500")
    assert reasons["pdf"] == ("failed", "not HTML: application/pdf")
    assert reasons["empty"] == ("failed", "empty body")
    assert reasons["slow"][0] == "failed" and "Timeout" in reasons["slow"][1]
    assert reasons["moved"][0] == "new_version"  # followed the redirect to the story
    assert reasons["latin1"][0] == "new_version"
    assert reasons["broken"][0] in ("new_version", "failed")
    assert reasons["chipmaker-recalls-batteries"][0] == "new_version"
    assert "Traceback" not in result.stderr
    assert "No story from" in result.stderr and "Fetch failed for" in result.stderr


_BOMB = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
         + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 16)
                    for i in range(8))
         + b"]><rss><channel><item><title>&i;</title><link>/x/</link></item></channel></rss>")


def test_hostile_feeds_and_huge_pages_are_failures_not_crashes(fixture_site, crawl, db_path):
    routes = {
        "/bomb.xml": lambda: (200, {"Content-Type": "application/rss+xml"}, _BOMB),
        "/html-feed": lambda: (200, {"Content-Type": "text/html"}, b"<html><p>not a feed</p>"),
        "/binary-feed": lambda: (200, {"Content-Type": "application/xml"}, bytes(range(256)) * 40),
        "/missing-feed": lambda: (404, {"Content-Type": "text/html"}, b"gone"),
        "/huge": lambda: (200, {"Content-Type": "text/html"},
                          b"<html><body>" + b"<p>" + b"word " * 40_000 + b"</p></body></html>"),
    }
    with LocalSite([fixture_site.root / "base"], routes=routes) as site:
        feeds = ",".join(site.url(p) for p in ("/bomb.xml", "/html-feed", "/binary-feed",
                                                "/missing-feed", "/feed.xml"))
        result = crawl(db_path, "-a", f"feeds={feeds}", "-a", f"urls={site.url('/huge')}",
                       "-s", "DOWNLOAD_MAXSIZE=100000")
    with Archive.open(db_path) as archive:
        huge = next(archive.db.query("select outcome, error from captures where url like '%/huge'"))
        stored = queries.stats(archive)
    assert huge["outcome"] == "failed" and huge["error"]
    assert stored["articles"] == 2  # the good feed in the same run was still crawled
    assert "Traceback" not in result.stderr
    assert "/missing-feed unusable: HTTP 404" in result.stderr
    for name in ("bomb.xml", "html-feed", "binary-feed"):
        assert f"/{name} unusable: " in result.stderr
    with Archive.open(db_path) as archive:
        failed = {r["url"].rsplit("/", 1)[-1] for r in archive.db.query(
            "select url from captures where outcome = 'failed'")}
    assert {"bomb.xml", "html-feed", "binary-feed", "missing-feed", "huge"} <= failed


def test_a_template_learned_later_does_not_fake_edits(crawl, db_path):
    """Crawl a site without templates, then with: the repeated block goes, no version comes."""
    demo = ROOT / "data" / "demo-site"
    spec = next(s for s in json.loads((demo / "manifest.json").read_text())["sites"]
                if s.get("template_block"))
    with LocalSite([demo / spec["dir"] / "base"]) as site:
        feed = site.url(spec["discovery"]["feed"])
        crawl(db_path, "-a", f"feeds={feed}", "-s", "ARCHIVER_TEMPLATES=False")
        result = crawl(db_path, "-a", f"feeds={feed}")
    with Archive.open(db_path) as archive:
        stored = queries.stats(archive)
        kept = [json.loads(r["paragraphs"]) for r in archive.db.query(
            "select paragraphs from version_texts")]
    articles = len(spec["articles"])
    assert stored["versions"] == stored["articles"] == articles
    assert all(spec["template_block"] in paragraphs for paragraphs in kept)  # read plainly first
    assert f"'archiver/captures/unchanged': {articles}" in result.stderr
    assert "'archiver/baseline_reextractions'" in result.stderr  # the template did change the text


def test_two_crawls_on_one_archive_lose_nothing(fixture_site, db_path):
    """Writes take the lock up front and wait for it: no capture is dropped as 'locked'."""
    import subprocess
    import sys

    from tests.conftest import FAST

    def start(name: str) -> subprocess.Popen:
        urls = ",".join(fixture_site.url(f"/2026/03/missing-{name}-{n}/") for n in range(150))
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_DB={db_path}",
             *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-a", f"urls={urls}"],
            cwd=ROOT, stderr=subprocess.PIPE, text=True)

    crawls = [start("a"), start("b")]
    logs = [c.communicate(timeout=180)[1] for c in crawls]
    assert [c.returncode for c in crawls] == [1, 1]  # every fetch a 404: exit 1, yet all kept
    assert not any("Traceback" in log or "locked" in log for log in logs)
    with Archive.open(db_path) as archive:
        assert archive.db["captures"].count == 300


def test_a_story_that_moves_to_another_site_is_recorded(fixture_site, crawl, db_path):
    routes = {"/2026/03/moved-story-elsewhere/":
              lambda: (301, {"Location": "http://127.0.0.2:9/2026/03/moved-story/"}, b"")}
    with LocalSite([fixture_site.root / "base"], routes=routes) as site:
        result = crawl(db_path, "-a", f"urls={site.url('/2026/03/moved-story-elsewhere/')}",
                       expect=1)  # its only fetch failed
    with Archive.open(db_path) as archive:
        [row] = archive.db.query("select status, outcome, error from captures")
    assert (row["status"], row["outcome"]) == (301, "failed")
    assert row["error"] == "redirected to another site: http://127.0.0.2:9/2026/03/moved-story/"
    assert "redirected to another site" in result.stderr  # the one warning line
    assert "offsite/filtered" not in result.stderr  # nothing was requested from that host
