"""End to end: the real `scrapy crawl news` against fixture sites served on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import time

from archiver.localsite import LocalSite
from archiver.storage import Archive, queries
from tests.conftest import ROOT, all_end, children_of

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


def test_a_template_learned_later_does_not_fake_edits(crawl, db_path, tmp_path):
    """Crawl a site without templates, then with: the repeated block goes, no version comes.
    (The second time every page carries a new comment, so that each one is read again.)"""
    demo = ROOT / "data" / "demo-site"
    spec = next(s for s in json.loads((demo / "manifest.json").read_text())["sites"]
                if s.get("template_block"))
    again = tmp_path / "again"
    shutil.copytree(demo / spec["dir"] / "base", again)
    for page in again.rglob("*.html"):
        page.write_text(page.read_text(encoding="utf-8") + "<!-- fetched again -->",
                        encoding="utf-8")
    with LocalSite([again, demo / spec["dir"] / "base"]) as site:
        site.layers = [demo / spec["dir"] / "base"]
        feed = site.url(spec["discovery"]["feed"])
        crawl(db_path, "-a", f"feeds={feed}", "-s", "ARCHIVER_TEMPLATES=False")
        site.layers = [again, demo / spec["dir"] / "base"]
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
    assert "pages_seen_before" not in result.stderr


def test_a_page_fetched_again_byte_for_byte_is_not_read_again(fixture_site, crawl, db_path):
    """Same bytes as the URL's latest stored page: its story is the version that page was
    read as, so the page is not extracted again, and the capture is recorded unchanged."""
    url = fixture_site.url(RECALL)
    crawl(db_path, "-a", f"urls={url}")
    cold = crawl(db_path, "-a", f"urls={url}", "-s", "ARCHIVER_CONDITIONAL_REVISITS=False")
    assert "pages_seen_before" not in cold.stderr  # its site's template is cold: it learns
    again = crawl(db_path, "-a", f"urls={url}", "-s", "ARCHIVER_CONDITIONAL_REVISITS=False",
                  "-s", "ARCHIVER_TEMPLATES=False")
    assert "'archiver/pages_seen_before': 1" in again.stderr
    assert "'archiver/captures/unchanged': 1" in again.stderr
    fixture_site.layers = [fixture_site.root / "later", fixture_site.root / "base"]
    later = crawl(db_path, "-a", f"urls={url}", "-s", "ARCHIVER_CONDITIONAL_REVISITS=False",
                  "-s", "ARCHIVER_TEMPLATES=False")
    assert "pages_seen_before" not in later.stderr  # new bytes are read
    assert "'archiver/captures/new_version': 1" in later.stderr
    history = _versions(db_path, url)
    assert [v["captures"] for v in history["versions"]] == [3, 1]


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


class _SlowSite(LocalSite):
    """A demo site whose story pages take a while, so that a crawl can be killed mid-way."""

    slow: dict[str, int] = {}  # story path -> its rank on its site
    delay = 0.0  # seconds per rank: a site's stories arrive one after the other

    def answer(self, path: str):
        time.sleep(self.delay * self.slow.get(path, 0))
        return super().answer(path)


def _half_written(db) -> list[str]:
    """What a crash may never leave behind: a broken file, or a version without its capture."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        problems = [r[0] for r in con.execute("pragma integrity_check") if r[0] != "ok"]
        checks = {
            "version without a capture": "select count(*) from versions v where not exists "
            "(select 1 from captures c where c.version_id = v.id)",
            "article without its current version": "select count(*) from articles a where "
            "not exists (select 1 from versions v where v.article_id = a.id "
            "and v.version = a.current_version)",
            "capture without its body": "select count(*) from captures c where "
            "c.body_sha256 is not null and not exists "
            "(select 1 from bodies b where b.sha256 = c.body_sha256)",
        }
        for name, sql in checks.items():
            if con.execute(sql).fetchone()[0]:
                problems.append(name)
        return problems
    finally:
        con.close()


def test_sigkill_at_any_moment_loses_nothing_and_the_next_run_completes_held_pages(tmp_path):
    """Real crawls of the demo sites killed with SIGKILL at random moments after the first page
    was held for its site's template: the archive is intact, and the next run completes every
    held capture, with the template applied (no membership line in any stored version)."""
    import random
    import signal
    import sqlite3
    import subprocess
    import sys
    from contextlib import closing

    from archiver.demo import DEMO_SITE, crawl_arguments, load_manifest
    from tests.conftest import FAST, run_crawl

    manifest = load_manifest()
    block = next(s["template_block"] for s in manifest["sites"] if s.get("template_block"))
    _SlowSite.slow = {a["path"]: rank for s in manifest["sites"]
                      for rank, a in enumerate(s["articles"])}
    rng = random.Random(8)
    killed_while_held = orphans_ended = 0
    for trial in range(4):
        db = tmp_path / f"trial{trial}.db"
        _SlowSite.delay = 0.6
        sites = [(spec, _SlowSite([DEMO_SITE / spec["dir"] / "base"]).start())
                 for spec in manifest["sites"]]
        try:
            args = crawl_arguments(sites, revisit=False)
            crawl = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_DB={db}",
                 *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", *args],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and crawl.poll() is None:
                try:  # read-only: never create the file the crawl is about to create
                    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
                        if con.execute("select 1 from captures where outcome = 'held'").fetchone():
                            break
                except sqlite3.OperationalError:
                    pass  # not created yet
                time.sleep(0.05)
            # Half the trials die while pages are still held, half later on (completing them,
            # storing others, saving templates...).
            time.sleep(rng.uniform(0, 0.2) if trial % 2 == 0 else rng.uniform(0.2, 2.0))
            left = children_of(crawl.pid)
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
            orphans_ended += all_end(left, seconds=20)
            with closing(sqlite3.connect(db)) as con:
                killed_while_held += bool(con.execute(
                    "select 1 from captures where outcome = 'held'").fetchone())
            assert _half_written(db) == [], f"trial {trial}"
            _SlowSite.delay = 0.0
            run_crawl(db, *args)
        finally:
            for _, site in sites:
                site.stop()
        assert _half_written(db) == [], f"trial {trial}"
        with Archive.open(db) as archive:
            outcomes = [r["outcome"] for r in archive.db.query("select outcome from captures")]
            texts = [r["paragraphs"] for r in archive.db.query("select paragraphs from version_texts")]
            articles = archive.db["articles"].count
        assert "held" not in outcomes, f"trial {trial}"
        assert articles == sum(len(s["articles"]) for s in manifest["sites"])
        assert not any(block in text for text in texts), f"trial {trial}"
    assert killed_while_held  # the scenario the test is about did happen
    assert orphans_ended == 4  # the page readers of every killed crawl ended with it
