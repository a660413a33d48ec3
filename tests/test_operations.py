"""Operating scheduled crawls: one definition of a site, runs on record, exit statuses,
settings that cannot point the crawler at the wrong file, and the operator's CLI commands."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from click.testing import CliRunner

from archiver.cli import main
from archiver.localsite import LocalSite
from archiver.sites import domain_of, site_of
from archiver.storage import Archive
from tests.conftest import FAST, ROOT

RECALL = "/2026/03/chipmaker-recalls-batteries/"
ROUTER = "/2026/03/router-firmware-flaw-patched/"


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _runs(db) -> list[dict]:
    result = _cli("runs", "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# One definition of a site ------------------------------------------------------------------

def test_a_site_is_a_registered_domain_with_its_port():
    assert site_of("https://www.example.com/feed/") == site_of("https://example.com/a/")
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"  # a two-part public suffix
    assert site_of("https://alice.github.io/") != site_of("https://bob.github.io/")
    assert site_of("http://127.0.0.1:8001/") != site_of("http://127.0.0.1:8002/")
    assert site_of("https://example.com:443/") == "example.com"  # the default port is no port
    assert site_of("http://localhost:8080/a") == "localhost:8080"
    assert domain_of("http://www.example.com:8080/") == "example.com"  # allowed_domains: no port
    assert site_of("not a url") == "" and site_of("http://[::1/") == ""


def _proxied(site: LocalSite) -> dict[str, str]:
    """Environment that sends every request of a crawl to `site` (an HTTP proxy on
    127.0.0.1 that serves its own pages whatever the host): named hosts, no internet."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
    return {**env, "http_proxy": site.base}


def test_a_feed_on_www_keeps_links_to_the_bare_domain(fixture_site, crawl, db_path):
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><link>http://example.com{RECALL}</link></item>
      <item><link>http://www.example.com{ROUTER}</link></item>
      <item><link>http://elsewhere.example.org/2026/03/not-ours-story/</link></item>
    </channel></rss>""".encode()
    routes = {"/feed-www.xml": lambda: (200, {"Content-Type": "application/rss+xml"}, feed)}
    with LocalSite([fixture_site.root / "base"], routes=routes) as site:
        crawl(db_path, "-a", "feeds=http://www.example.com/feed-www.xml", env=_proxied(site))
        asked = list(site.requests)
    assert RECALL in asked and ROUTER in asked  # example.com is www.example.com's site
    assert "/2026/03/not-ours-story/" not in asked  # another site: never requested
    with Archive.open(db_path) as archive:
        sites = {r["site"] for r in archive.db.query("select site from articles")}
    assert sites == {"example.com"}


# Runs on record, exit statuses ---------------------------------------------------------------

def test_runs_are_recorded_with_what_they_did(fixture_site, crawl, db_path):
    feed = fixture_site.url("/feed.xml")
    first = crawl(db_path, "-a", f"feeds={feed}", "-s", "ARCHIVER_TEMPLATES=False")
    fixture_site.layers = [fixture_site.root / "later", fixture_site.root / "base"]
    crawl(db_path, "-a", "revisit=all", "-a", f"urls={fixture_site.url('/2026/03/gone-missing-story/')}",
          "-s", "ARCHIVER_TEMPLATES=False")
    assert "Run 1 ended (finished): exit 0, ok" in first.stderr  # the summary block
    assert "  stories     2 new, 0 new versions" in first.stderr
    second, one = _runs(db_path)  # newest first
    assert one["arguments"] == {"feeds": feed}
    assert one["settings"]["ARCHIVER_TEMPLATES"] == "False"  # as given with -s
    assert one["settings"]["ROBOTSTXT_OBEY"] is True  # a project default
    assert (one["captures"], one["new_articles"], one["failures"]) == (
        {"new_version": 2}, 2, {})
    assert one["pages_fetched"] == 4  # robots.txt, the feed, two stories
    assert one["exit_status"] == 0 and one["finish_reason"] == "finished"
    assert one["started_at"] <= one["ended_at"] <= second["started_at"]
    assert second["arguments"]["revisit"] == "all"
    assert second["new_versions"] == 1 and second["failures"] == {"HTTP 404": 1}
    assert sum(second["captures"].values()) == 3
    text = _cli("runs", "--db", str(db_path)).output
    assert "run 2 " in text and "failures  HTTP 404 1" in text


def test_no_arguments_exit_2_and_create_no_archive(crawl, db_path):
    result = crawl(db_path, expect=2)
    assert "Nothing crawled: nothing to crawl" in result.stderr
    assert "exit 2, bad arguments or settings" in result.stderr
    assert not db_path.exists()


def test_an_unknown_argument_is_named_in_one_line(fixture_site, crawl, db_path):
    crawl(db_path, "-a", f"urls={fixture_site.url(RECALL)}")
    fixture_site.requests.clear()
    result = crawl(db_path, "-a", f"feed={fixture_site.url('/feed.xml')}", expect=2)
    [line] = [line for line in result.stderr.splitlines() if "unknown argument" in line]
    assert "-a feed= (did you mean feeds=?)" in line
    assert fixture_site.requests == []  # nothing crawled
    latest = _runs(db_path)[0]  # the archive exists: the refused run is on record
    assert latest["exit_status"] == 2 and latest["failures"] == {"bad arguments": 1}


def test_a_run_whose_every_fetch_failed_exits_1(fixture_site, crawl, db_path):
    urls = ",".join(fixture_site.url(f"/2026/03/missing-story-{n}/") for n in range(3))
    result = crawl(db_path, "-a", f"urls={urls}", expect=1)
    assert "exit 1, every fetch failed" in result.stderr
    [run] = _runs(db_path)
    assert run["captures"] == {"failed": 3} and run["failures"] == {"HTTP 404": 3}
    # One good fetch among failures is a run that worked: exit 0.
    crawl(db_path, "-a", f"urls={urls},{fixture_site.url(RECALL)}")


def test_nothing_due_is_a_quiet_success(fixture_site, crawl, db_path):
    crawl(db_path, "-a", f"urls={fixture_site.url(RECALL)}")
    fixture_site.requests.clear()
    crawl(db_path, "-a", "revisit=due")  # fetched a moment ago: nothing due, exit 0
    assert RECALL not in fixture_site.requests


# Settings that cannot point the crawler at the wrong file -----------------------------------

def test_another_programs_database_is_refused(fixture_site, crawl, tmp_path):
    foreign = tmp_path / "places.sqlite"
    with sqlite3.connect(foreign) as con:
        con.execute("create table moz_places (url text)")
    before = foreign.read_bytes()
    result = crawl(foreign, "-a", f"urls={fixture_site.url(RECALL)}", expect=2)
    [line] = [line for line in result.stderr.splitlines() if "Nothing crawled" in line]
    assert "another program's SQLite database" in line
    assert foreign.read_bytes() == before and RECALL not in fixture_site.requests
    assert "Traceback" not in result.stderr


def test_archiver_db_in_the_environment_is_the_crawl_archive(fixture_site, tmp_path):
    db = tmp_path / "from-env.db"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *FAST,
               "-a", f"urls={fixture_site.url(RECALL)}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "ARCHIVER_DB": str(db)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert db.is_file() and not (ROOT / "data" / "from-env.db").exists()
    result = CliRunner(env={"ARCHIVER_DB": str(db)}).invoke(main, ["stats", "--json"])
    assert json.loads(result.output)["articles"] == 1


def test_demo_refuses_to_delete_what_is_not_its_archive(tmp_path):
    precious = tmp_path / "notes.txt"
    precious.write_text("not an archive")
    real = tmp_path / "real.db"
    with Archive.open(real) as archive:
        archive.db["articles"].insert({"url": "https://example.com/2026/01/a-real-story/"})
    for path in (precious, real):
        before = path.read_bytes()
        result = _cli("demo", "--db", str(path))
        assert result.exit_code == 2
        assert "the demo starts afresh only in an archive of its own" in result.output
        assert path.read_bytes() == before


# Revisits that back off ----------------------------------------------------------------------

def _story(archive, url: str, when: str, text: str = "one"):
    from archiver.article import Article
    from archiver.items import Capture
    from archiver.normalize import story_hash

    art = Article(title="A title", paragraphs=[text, "two"], canonical_url=url)
    archive.record(Capture(url=url, final_url=url, fetched_at=when, status=200,
                           body=b"<html>x</html>", body_sha256="0" * 64, article=art,
                           identity=url, story_hash=story_hash(art)))


def _fail(archive, url: str, when: str, status: int | None = 500, error: str = "HTTP 500"):
    from archiver.items import Capture

    archive.record(Capture(url=url, final_url=url, fetched_at=when, status=status, error=error))


def _day(n: float) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(days=n)).isoformat(
        timespec="seconds")


def _due(archive, now_day: float, **backoff):
    from datetime import datetime, timedelta, timezone

    from archiver.revisit import Backoff, schedule
    from archiver.storage.revisits import revisit_rows

    now = datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(days=now_day)
    return {d.url: d for d in schedule(revisit_rows(archive), now, Backoff(**backoff))}


STORY = "https://n.example/2026/03/a-failing-story/"


def test_a_failure_is_a_fetch_and_failures_back_off(archive):
    from datetime import timedelta

    _story(archive, STORY, _day(0))
    _fail(archive, STORY, _day(10))  # a 500: last fetch is now day 10, not day 0
    [row] = archive.db.query("select * from articles")
    assert row["last_seen"] == _day(0)  # what the old planner read, and why it looped
    one = _due(archive, 10.01)[STORY]
    assert one.due_at.isoformat(timespec="seconds") == _day(10 + 1 / 24)  # retry after 1 h
    assert "1 failed fetch in a row" in one.reason
    _fail(archive, STORY, _day(10.5))
    _fail(archive, STORY, _day(11))
    three = _due(archive, 11)[STORY]
    assert three.due_at - one.due_at > timedelta(days=1) - timedelta(hours=1)  # 1 h, 2 h, 4 h
    assert three.due_at.isoformat(timespec="seconds") == _day(11 + 4 / 24)


def test_a_failing_story_is_given_up_after_the_configured_age(archive):
    from datetime import timedelta

    _story(archive, STORY, _day(0))
    for n in range(1, 6):
        _fail(archive, STORY, _day(n * 2))
    assert _due(archive, 10, give_up=timedelta(days=30))[STORY].due_at is not None
    given_up = _due(archive, 10, give_up=timedelta(days=5))[STORY]
    assert given_up.due_at is None and given_up.reason.startswith("given up")
    _story(archive, STORY, _day(11))  # it answered again: healthy, watched as usual
    assert _due(archive, 11, give_up=timedelta(days=5))[STORY].due_at is not None


def test_a_removed_story_backs_off_too(archive):
    _story(archive, STORY, _day(0))
    _fail(archive, STORY, _day(1), status=404, error="HTTP 404")
    due = _due(archive, 1)[STORY]
    assert due.status == "removed" and due.reason.startswith("removed, 1 failed fetch")


def test_a_feed_or_sitemap_hint_pulls_a_story_forward(archive):
    from archiver.storage.revisits import record_hints

    _story(archive, STORY, _day(0))
    _story(archive, STORY, _day(20))  # unchanged for 20 days: next due day 25
    assert _due(archive, 21)[STORY].due_at.isoformat(timespec="seconds") == _day(25)
    record_hints(archive, {STORY: _day(19)}, "sitemaps", _day(21))  # older than our fetch
    assert _due(archive, 21)[STORY].due_at.isoformat(timespec="seconds") == _day(25)
    record_hints(archive, {STORY: _day(20.5)}, "feeds", _day(21))
    pulled = _due(archive, 21)[STORY]
    assert pulled.due_at.isoformat(timespec="seconds") == _day(20.5)
    assert "modified" in pulled.reason


FUTURE = "2030-01-01T00:00:00+00:00"


def test_a_future_modified_time_makes_a_story_due_at_once_never_later(archive):
    from datetime import datetime, timezone

    from archiver.revisit import next_due
    from archiver.storage.revisits import record_hints

    now = datetime(2026, 3, 22, tzinfo=timezone.utc)
    row = {"url": STORY, "last_fetch": _day(20), "last_change": _day(0), "hint": FUTURE}
    assert next_due(row, now).due_at == now
    _story(archive, STORY, _day(0))
    _story(archive, STORY, _day(20))
    # As an archive made before this rule holds it: a 2030 hint seen on day 21.
    with archive.writing():
        archive.db.conn.execute("insert into revisit_hints (url, modified, source, seen_at) "
                                "values (?, ?, 'feeds', ?)", (STORY, FUTURE, _day(21)))
    pulled = _due(archive, 22)[STORY]
    assert pulled.due_at.isoformat(timespec="seconds") == _day(21), pulled
    assert "modified" in pulled.reason
    _story(archive, STORY, _day(22))  # fetched after the hint was seen: the usual schedule
    assert _due(archive, 22)[STORY].due_at.isoformat(timespec="seconds") == _day(27.5)
    record_hints(archive, {STORY: FUTURE}, "feeds", _day(23))  # seen again, still 2030
    [kept] = archive.db.query("select modified from revisit_hints")
    assert kept["modified"] == _day(23)
    assert _due(archive, 24)[STORY].due_at.isoformat(timespec="seconds") == _day(23)


def test_a_feed_dated_in_the_future_does_not_postpone_its_story(fixture_site, crawl, db_path):
    from datetime import datetime, timedelta, timezone

    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><link>{fixture_site.base}{RECALL}</link>
        <pubDate>Tue, 01 Jan 2030 10:00:00 +0000</pubDate></item></channel></rss>""".encode()
    fixture_site.routes["/future-feed.xml"] = lambda: (
        200, {"Content-Type": "application/rss+xml"}, feed)
    crawl(db_path, "-a", f"feeds={fixture_site.url('/future-feed.xml')}")
    [due] = json.loads(_cli("due", "--all", "--json", "--db", str(db_path)).output)
    due_at = datetime.fromisoformat(due["due_at"])
    assert due_at <= datetime.now(timezone.utc) + timedelta(minutes=15), due
    assert due["reason"].startswith("unchanged for"), due  # the usual schedule
    with Archive.open(db_path) as archive:
        [hint] = archive.db.query("select modified, seen_at from revisit_hints")
    assert hint["modified"] <= hint["seen_at"] and not hint["modified"].startswith("2030")


def test_failures_and_due_commands(db_path):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)

    def ago(hours: float) -> str:
        return (now - timedelta(hours=hours)).isoformat(timespec="seconds")

    with Archive.open(db_path) as archive:
        _story(archive, STORY, ago(50))
        _fail(archive, STORY, ago(48))
        _fail(archive, "https://n.example/feed/", ago(2), status=None,
              error="TimeoutError: took longer than 3 seconds")
        _fail(archive, "https://n.example/x/", ago(2), status=404, error="HTTP 404")
    out = json.loads(_cli("failures", "--json", "--db", str(db_path)).output)
    assert [(r["reason"], r["count"]) for r in out] == [
        ("HTTP 404", 1), ("HTTP 500", 1), ("TimeoutError", 1)]
    assert out[2]["captures"][0]["url"] == "https://n.example/feed/"
    since = json.loads(_cli("failures", "--json", "--since", "24h", "--db",
                            str(db_path)).output)
    assert {r["reason"] for r in since} == {"HTTP 404", "TimeoutError"}
    bad = _cli("failures", "--since", "someday", "--db", str(db_path))
    assert bad.exit_code == 2 and "give a date" in bad.output
    text = _cli("failures", "--db", str(db_path)).output
    assert "HTTP 500" in text and STORY in text
    rows = json.loads(_cli("due", "--json", "--db", str(db_path)).output)
    assert [(r["url"], r["due_now"]) for r in rows] == [(STORY, True)]  # failed 48 h ago, retry 1 h
    none = json.loads(_cli("due", "--json", "--give-up", "1", "--db", str(db_path)).output)
    assert none == []  # failing for 2 days, give up after 1: not fetched again
    listed = _cli("due", "--all", "--give-up", "1", "--db", str(db_path)).output
    assert "never (given up)" in listed and "0 due now (of 1 archived stories)" in listed


def test_feed_and_sitemap_dates_are_kept_as_revisit_hints(fixture_site, crawl, db_path):
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><link>{fixture_site.base}{RECALL}?utm_source=rss</link>
        <pubDate>Tue, 03 Mar 2026 10:00:00 +0100</pubDate></item></channel></rss>""".encode()
    sitemap = f"""<?xml version="1.0"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>{fixture_site.base}{ROUTER}</loc><lastmod>2026-03-04</lastmod></url>
      </urlset>""".encode()
    fixture_site.routes.update({
        "/dated-feed.xml": lambda: (200, {"Content-Type": "application/rss+xml"}, feed),
        "/dated-sitemap.xml": lambda: (200, {"Content-Type": "application/xml"}, sitemap)})
    crawl(db_path, "-a", f"feeds={fixture_site.url('/dated-feed.xml')}",
          "-a", f"sitemaps={fixture_site.url('/dated-sitemap.xml')}")
    with Archive.open(db_path) as archive:
        hints = {r["url"]: r["modified"] for r in archive.db.query("select * from revisit_hints")}
    assert hints == {fixture_site.url(RECALL): "2026-03-03T09:00:00+00:00",
                     fixture_site.url(ROUTER): "2026-03-04T00:00:00+00:00"}


# Crawl health in the story commands -------------------------------------------------------------

def test_history_shows_failures_and_finds_the_story_by_any_url(db_path):
    from archiver.article import Article
    from archiver.items import Capture
    from archiver.normalize import story_hash

    original = "https://publisher.example/2026/03/the-original-story/"
    asked = "https://syndicate.example/r/12345"
    landed = "https://syndicate.example/2026/03/copied-story/"
    art = Article(title="A title", paragraphs=["one", "two"], canonical_url=original)
    with Archive.open(db_path) as archive:
        archive.record(Capture(url=asked, final_url=landed, fetched_at=_day(0), status=200,
                               body=b"<html>x</html>", body_sha256="0" * 64, article=art,
                               identity=landed, story_hash=story_hash(art)))
        _fail(archive, landed, _day(1), status=503, error="HTTP 503")
        _fail(archive, landed, _day(2), status=404, error="HTTP 404")
    for url in (landed, asked, original):  # fetched, asked for, canonical on another site
        result = _cli("history", url, "--json", "--db", str(db_path))
        assert result.exit_code == 0, (url, result.output)
        data = json.loads(result.output)
        assert data["url"] == landed
    assert [(c["outcome"], c["error"]) for c in data["failed_captures"]] == [
        ("failed", "HTTP 503"), ("removed", "HTTP 404")]
    text = _cli("history", original, "--db", str(db_path)).output
    assert "event" in text and "removed capture" in text and "HTTP 503" in text
    assert _cli("history", "https://nowhere.example/x", "--db", str(db_path)).exit_code == 1


def test_with_no_archive_the_exit_status_still_holds(crawl, db_path):
    result = crawl(db_path, "-s", "ARCHIVER_DB=", "-a", "feed=http://127.0.0.1:9/", expect=2)
    assert "Run (not recorded) ended (finished): exit 2" in result.stderr
    assert not db_path.exists()
