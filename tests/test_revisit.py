"""Scheduled re-crawls: which stories are due, conditional requests, and 304 answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from archiver.items import Capture
from archiver.revisit import MAX_INTERVAL, MIN_INTERVAL, interval, is_due, plan
from archiver.storage import Archive, queries
from tests.test_storage import URL, A, cap

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
RECALL = "/2026/03/chipmaker-recalls-batteries/"
ROUTER = "/2026/03/router-firmware-flaw-patched/"


def test_interval_grows_with_quiet_time_within_bounds():
    assert interval(NOW, NOW) == MIN_INTERVAL  # just changed: watch closely
    assert interval(NOW, NOW - timedelta(hours=8)) == timedelta(hours=2)
    assert interval(NOW, NOW - timedelta(days=90)) == MAX_INTERVAL


def test_due_depends_on_last_fetch_and_last_change():
    hour = timedelta(hours=1)
    assert not is_due((NOW - hour).isoformat(), (NOW - 8 * hour).isoformat(), NOW)
    assert is_due((NOW - 3 * hour).isoformat(), (NOW - 8 * hour).isoformat(), NOW)
    assert is_due(None, None, NOW)  # no record of when: fetch it


def test_plan_sends_the_last_validators():
    rows = [
        {"url": "u1", "last_fetch": NOW.isoformat(), "last_change": NOW.isoformat(),
         "etag": '"abc"', "last_modified": "Tue, 10 Mar 2026 11:00:00 GMT"},
        {"url": "u2", "last_fetch": "2026-03-01T00:00:00+00:00",
         "last_change": "2026-03-01T00:00:00+00:00", "etag": None, "last_modified": None},
    ]
    assert [r.url for r in plan(rows, "due", NOW)] == ["u2"]
    [first, second] = plan(rows, "all", NOW)
    assert first.headers == {"If-None-Match": '"abc"',
                             "If-Modified-Since": "Tue, 10 Mar 2026 11:00:00 GMT"}
    assert second.headers == {}


def test_not_modified_is_a_capture_of_the_live_version(archive):
    archive.record(cap(A, "2026-03-01T10:00:00+00:00", etag='"v1"'))
    answer = Capture(url=URL, final_url=URL, fetched_at="2026-03-02T10:00:00+00:00",
                     status=304, identity=URL)
    result = archive.record(answer)
    assert (result.outcome, result.version) == ("unchanged", 1)
    [version] = queries.history(archive, URL)["versions"]
    assert version["captures"] == 2 and version["last_seen"] == "2026-03-02T10:00:00+00:00"
    stranger = Capture(url="https://n.example/other/", final_url="https://n.example/other/",
                       fetched_at="t", status=304)
    assert archive.record(stranger).outcome == "failed"


def test_revisits_are_conditional_and_due_ones_only(fixture_site, crawl, db_path):
    crawl(db_path, "-a", f"feeds={fixture_site.url('/feed.xml')}")
    fixture_site.requests.clear()
    result = crawl(db_path, "-a", "revisit=due")  # both stories were fetched a moment ago
    assert RECALL not in fixture_site.requests and ROUTER not in fixture_site.requests
    assert "Traceback" not in result.stderr

    fixture_site.layers = [fixture_site.root / "later", fixture_site.root / "base"]
    crawl(db_path, "-a", "revisit=all")  # the page changed, so its old ETag no longer matches
    assert RECALL in fixture_site.requests and RECALL not in fixture_site.not_modified
    result = crawl(db_path, "-a", "revisit=all")  # nothing changed since: 304 for both
    assert sorted(fixture_site.not_modified) == sorted([RECALL, ROUTER])
    assert "'archiver/captures/unchanged': 2" in result.stderr
    with Archive.open(db_path) as archive:
        history = queries.history(archive, fixture_site.url(RECALL))
    assert [v["change"] for v in history["versions"]] == ["first", "appended_update"]
    assert history["versions"][-1]["captures"] == 2  # the 200 that showed it and the 304


def test_a_304_for_a_removed_article_restores_it(archive):
    archive.record(cap(A, "2026-03-01T10:00:00+00:00", etag='"v1"'))
    archive.record(Capture(url=URL, final_url=URL, fetched_at="2026-03-02T10:00:00+00:00",
                           status=404, error="HTTP 404"))
    back = Capture(url=URL, final_url=URL, fetched_at="2026-03-03T10:00:00+00:00", status=304)
    assert archive.record(back).outcome == "unchanged"
    history = queries.history(archive, URL)
    assert history["status"] == "live"
    assert [e["kind"] for e in history["events"]] == ["removed", "restored"]


def test_a_flip_flop_counts_as_a_recent_change(archive):
    from tests.test_storage import B

    archive.record(cap(A, "2026-03-01T10:00:00+00:00"))
    archive.record(cap(B, "2026-03-05T10:00:00+00:00"))
    archive.record(cap(A, "2026-03-09T10:00:00+00:00"))  # back to version 1
    [row] = archive.revisit_rows()
    assert row["last_change"] == "2026-03-09T10:00:00+00:00"
