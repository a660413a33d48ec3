"""Hostile and broken discovery inputs, crawled for real: each ends as a failed capture under
the URL that was asked for, with its reason and one warning line, in bounded time, with
nothing already archived changed."""

from __future__ import annotations

import re
import socket
import time

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.localsite import LocalSite
from archiver.storage import Archive
from tests.conftest import FIXTURES

RECALL = "/2026/03/chipmaker-recalls-batteries/"
OTHER_HOST = "http://127.0.0.2:9"
XML = {"Content-Type": "application/xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _redirect(location: str, status: int = 301):
    return lambda: (status, {"Location": location}, b"")


def _page(body: str, headers=HTML, status: int = 200):
    return lambda: (status, headers, body.encode())


SITEMAP_INDEX_SELF = """<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>__SELF__</loc></sitemap></sitemapindex>"""
EMPTY_URLSET = """<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>__BASE__/2026/03/chipmaker-recalls-batteries/</link></item></channel></rss>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>"""
NO_STORIES = "<html><body><h1>Welcome</h1><p>Nothing to read here.</p></body></html>"
OFFSITE_LINKS = "<html><body>" + "".join(
    f'<a href="http://site{n}.example.org/2026/03/some-story-number-{n}/">s{n}</a>'
    for n in range(100_000)) + "</body></html>"
META_REFRESH = ('<html><head><meta http-equiv="refresh" content="0; url=http://127.0.0.2:9/x/">'
                "</head><body><p>Moved.</p></body></html>")

# name: (argument, path asked, routes, reason the capture must give)
CASES = {
    "feed redirects to another host": (
        "feeds", "/feed-away.xml", {"/feed-away.xml": _redirect(OTHER_HOST + "/feed.xml")},
        "redirected to another site: http://127.0.0.2:9/feed.xml"),
    "sitemap redirects to another host": (
        "sitemaps", "/sitemap-away.xml", {"/sitemap-away.xml": _redirect(OTHER_HOST + "/s.xml")},
        "redirected to another site: http://127.0.0.2:9/s.xml"),
    "start page redirects to another host": (
        "start", "/home-away/", {"/home-away/": _redirect(OTHER_HOST + "/")},
        "redirected to another site: http://127.0.0.2:9/"),
    "redirect loop": (
        "feeds", "/loop-a.xml", {"/loop-a.xml": _redirect("/loop-b.xml"),
                                 "/loop-b.xml": _redirect("/loop-a.xml")},
        "redirect not followed (a loop"),
    "sitemap index that lists itself": (
        "sitemaps", "/sitemap-self.xml", {}, "lists only sitemaps already read"),
    "empty urlset": (
        "sitemaps", "/sitemap-empty.xml", {"/sitemap-empty.xml": _page(EMPTY_URLSET, XML)},
        "no sitemap entries"),
    "RSS given as a sitemap": (
        "sitemaps", "/feed-as-sitemap.xml", {"/feed-as-sitemap.xml": _page(RSS, XML)},
        "not a sitemap: its root element is <rss>"),
    "start page with no story links": (
        "start", "/empty-home/", {"/empty-home/": _page(NO_STORIES)},
        "no story or section links"),
    "start page with 100,000 offsite links": (
        "start", "/spam-home/", {"/spam-home/": _page(OFFSITE_LINKS)},
        "no story or section links"),
    "billion-laughs sitemap": (
        "sitemaps", "/sitemap-laughs.xml", {"/sitemap-laughs.xml": _page(LAUGHS, XML)},
        "sitemap"),
    "story with a meta refresh to another host": (
        "urls", "/2026/03/refreshing-away-story/",
        {"/2026/03/refreshing-away-story/": _page(META_REFRESH)},
        "meta refresh to another site: http://127.0.0.2:9/x/"),
    "50-hop redirect chain": (
        "urls", "/2026/03/hop-story-0/",
        {f"/2026/03/hop-story-{n}/": _redirect(f"/2026/03/hop-story-{n + 1}/")
         for n in range(50)},
        "redirect not followed (a loop, or more than REDIRECT_MAX_TIMES hops)"),
    "304 nobody asked for": (
        "urls", "/2026/03/unasked-not-modified/",
        {"/2026/03/unasked-not-modified/": lambda: (304, {}, b"")},
        "HTTP 304 to a request that was not conditional"),
}


def _snapshot(db) -> list:
    with Archive.open(db) as archive:
        return [list(archive.db.query(f"select * from {table} order by 1"))
                for table in ("articles", "versions", "updates", "events")]


def _our_lines(stderr: str, url: str) -> list[str]:
    """Log lines at WARNING or above that name `url`, the run summary aside, and Scrapy's own
    size warnings (DOWNLOAD_WARNSIZE) aside: any other line of Scrapy's counts too."""
    return [line for line in stderr.splitlines()
            if url in line and re.search(r"\] (WARNING|ERROR|CRITICAL):", line)
            and "[archiver.runs]" not in line and "[scrapy.core.downloader.handlers" not in line]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An archive holding one story, then one crawl given every hostile input at once."""
    from tests.conftest import run_crawl

    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    routes = {path: route for _, path, case_routes, _ in CASES.values()
              for path, route in case_routes.items()}
    with LocalSite([FIXTURES / "site" / "base"], routes=routes) as site:
        run_crawl(db, "-a", f"urls={site.url(RECALL)}")
        before = _snapshot(db)
        self_index = "/sitemap-self.xml"
        site.routes[self_index] = _page(SITEMAP_INDEX_SELF.replace("__SELF__",
                                                                   site.url(self_index)), XML)
        arguments: dict[str, list[str]] = {}
        for argument, path, _, _ in CASES.values():
            arguments.setdefault(argument, []).append(site.url(path))
        began = time.monotonic()
        args = [x for name, urls in arguments.items() for x in ("-a", f"{name}={','.join(urls)}")]
        result = run_crawl(db, *args, expect=1)
        took = time.monotonic() - began
        base = site.base
    with Archive.open(db) as archive:
        captures = list(archive.db.query("select url, outcome, error from captures"))
    return {"result": result, "took": took, "base": base, "captures": captures,
            "unchanged": _snapshot(db) == before}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_discovery_is_a_recorded_failure(name, hostile):
    _, path, _, reason = CASES[name]
    asked = hostile["base"] + path
    rows = [r for r in hostile["captures"] if r["url"] == asked]
    assert [r["outcome"] for r in rows] == ["failed"], hostile["result"].stderr[-3000:]
    assert reason in rows[0]["error"]
    assert len(_our_lines(hostile["result"].stderr, asked)) == 1, _our_lines(
        hostile["result"].stderr, asked)


def test_the_hostile_crawl_is_bounded_and_changes_nothing_archived(hostile):
    stderr = hostile["result"].stderr
    # A hang guard, not a speed goal (bench/discovery.py measures time and memory).
    assert "Traceback" not in stderr and hostile["took"] < 90
    assert hostile["unchanged"]  # nothing already archived changed
    assert "exit 1, every fetch failed" in stderr


def test_limits_cut_links_and_feed_entries_and_say_so(fixture_site, crawl, db_path):
    result = crawl(db_path, "-a", f"start={fixture_site.url('/')}",
                   "-a", f"feeds={fixture_site.url('/feed.xml')}",
                   "-s", "ARCHIVER_MAX_LINKS_PER_PAGE=2", "-s", "ARCHIVER_MAX_FEED_ENTRIES=1",
                   expect=None)
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    [links] = [line for line in warnings if "ARCHIVER_MAX_LINKS_PER_PAGE" in line]
    [entries] = [line for line in warnings if "ARCHIVER_MAX_FEED_ENTRIES" in line]
    assert "the first 2 are used" in links and "has 2 feed entries; the first 1" in entries
    assert re.search(r"cut\s+(links \d+, feed_entries 1|feed_entries 1, links \d+)",
                     result.stderr)  # in the run's summary block
    with Archive.open(db_path) as archive:
        [run] = archive.db.query("select cuts from runs")
    assert '"feed_entries": 1' in run["cuts"]
    shown = CliRunner().invoke(main, ["runs", "--db", str(db_path)]).output
    assert "cut       " in shown and "feed_entries 1" in shown


def test_a_refused_connection_is_one_line_per_url(crawl, db_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    story = f"http://127.0.0.1:{port}/2026/03/nobody-home-story/"
    result = crawl(db_path, "-a", f"urls={story}", expect=1)
    assert "Traceback" not in result.stderr
    assert len(_our_lines(result.stderr, story)) == 1
    assert len(_our_lines(result.stderr, f"127.0.0.1:{port}/robots.txt")) == 1
    with Archive.open(db_path) as archive:
        failed = {r["url"]: r["error"] for r in archive.db.query(
            "select url, error from captures where outcome = 'failed'")}
    assert set(failed) == {story, f"http://127.0.0.1:{port}/robots.txt"}
    assert all("ConnectionRefused" in error for error in failed.values())


def test_retry_after_is_honoured(fixture_site, crawl, db_path):
    answers = []
    story = fixture_site.root / "base" / RECALL.strip("/") / "index.html"

    def busy_then_fine():
        answers.append(time.monotonic())
        if len(answers) == 1:
            return 503, {"Retry-After": "2", "Content-Type": "text/html"}, b"busy"
        return 200, HTML, story.read_bytes()

    with LocalSite([fixture_site.root / "base"], routes={RECALL: busy_then_fine}) as site:
        crawl(db_path, "-a", f"urls={site.url(RECALL)}", "-s", "RETRY_TIMES=2")
    assert len(answers) == 2 and answers[1] - answers[0] >= 1.9  # waited as asked
    with Archive.open(db_path) as archive:
        outcomes = [r["outcome"] for r in archive.db.query("select outcome from captures "
                                                           "where url like '%recalls%'")]
    assert outcomes == ["new_version"]


# 13 anchors, 10 distinct links: a story under its picture, its headline and "read more".
REPEATED_LINKS = "<html><body>" + "".join(f'<a href="{href}">x</a>' for href in [
    RECALL, RECALL, RECALL, "/2026/03/router-firmware-flaw-patched/",
    "/2026/03/router-firmware-flaw-patched/", "/security/", "/hardware/", "/about/",
    "/tag/a/", "/tag/b/", "/tag/c/", "/tag/d/", "https://elsewhere.example/"]) + "</body></html>"


@pytest.mark.parametrize("limit, cut", [(None, 0), (10, 0), (9, 1)])
def test_a_repeated_link_is_one_link_not_a_cut(limit, cut, crawl, db_path):
    with LocalSite([FIXTURES / "site" / "base"],
                   routes={"/home/": _page(REPEATED_LINKS)}) as site:
        limits = ["-s", f"ARCHIVER_MAX_LINKS_PER_PAGE={limit}"] if limit else []
        result = crawl(db_path, "-a", f"start={site.url('/home/')}", "-a", "depth=0", *limits)
    warnings = [line for line in result.stderr.splitlines()
                if "ARCHIVER_MAX_LINKS_PER_PAGE" in line and "WARNING" in line]
    with Archive.open(db_path) as archive:
        [run] = archive.db.query("select cuts from runs")
        fetched = {r["url"] for r in archive.db.query("select url from captures")}
    assert {site.url(RECALL), site.url("/2026/03/router-firmware-flaw-patched/")} <= fetched
    if cut:
        [line] = warnings
        assert "has 10 links; the first 9 are used" in line
        assert run["cuts"] == '{"links": 1}'
    else:
        assert warnings == [] and run["cuts"] in (None, "{}"), (warnings, run["cuts"])
