"""Captures stored compact (m030) read back through the `captures` view exactly as written,
and an unchanged recapture stays small."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.items import Capture
from archiver.storage import Archive
from archiver.storage.captures import COLUMNS
from tests.test_storage import URL, A, cap

DATE = "Sun, 01 Mar 2026 10:00:00 GMT"
ODD_HEADERS = [
    ["Server", "nginx"], ["Date", DATE], ["date", "a second one"], ["Age", "12"],
    ["Expires", "-1"], ["Set-Cookie", "a=1; Path=/"], ["Set-Cookie", 'b="2"; Path=/'],
    ["X-Request-Id", "r-1"], ["X-Cache", "HIT, MISS"], ["X-Timer", "S1.2"],
    ["Cf-Ray", "8a-LHR"], ["X-Served-By", "cache-lhr"],  # more varying values than holes
    ["Content-Type", "text/html"],  # not the capture's content type: kept in the template
    ["Content-Type", "text/html; charset=utf-8"], ["ETag", '"abc"'],
    ["Last-Modified", "Sat, 28 Feb 2026 09:00:00 GMT"], ["Content-Length", "14"],
    ["X-Uni", "café — \U0001f600"], ["X-Ctl", "tab\there\u0001"], ["X-Back", "a\\b"],
    ["X-Quote\"d", "\u2028"],
]


def _columns(archive: Archive, capture_id: int) -> dict:
    cursor = archive.db.execute("select * from captures where id = ?", [capture_id])
    assert tuple(d[0] for d in cursor.description) == COLUMNS  # names and order as always
    return dict(zip(COLUMNS, cursor.fetchone()))


def _written(capture: Capture, outcome: str) -> dict:
    """The columns the archive wrote for a capture before m030 (its insert, verbatim)."""
    headers = capture.headers
    if isinstance(headers, dict):
        headers = list(headers.items())
    return {"url": capture.url, "final_url": capture.final_url,
            "fetched_at": capture.fetched_at, "status": capture.status,
            "content_type": capture.content_type, "etag": capture.etag,
            "last_modified": capture.last_modified,
            "body_sha256": capture.body_sha256 if capture.body is not None else None,
            "source": capture.source, "outcome": outcome, "error": capture.error,
            "headers": json.dumps([list(h) for h in headers], ensure_ascii=False)
            if headers else None}


def test_every_column_reads_back_as_written(archive):
    story = cap(A, "2026-03-01T10:00:00+00:00", content_type="text/html; charset=utf-8",
                etag='"abc"', last_modified="Sat, 28 Feb 2026 09:00:00 GMT", source="feed",
                headers=ODD_HEADERS)
    redirected = Capture(url=URL + "?from=feed", final_url="https://n.example/elsewhere/",
                         fetched_at="2026-03-01T10:00:01+00:00", status=302,
                         error="redirected off", headers=[["Location", "/elsewhere/"]])
    odd_hash = Capture(url="https://n.example/x", final_url="https://n.example/x",
                       fetched_at="2026-03-01T10:00:02", status=404, body=b"gone",
                       body_sha256="ABC-not-hex", error="HTTP 404", headers=[])
    upper = Capture(url="https://n.example/y", final_url="https://n.example/y",
                    fetched_at="2026-03-01T10:00:03", status=410, body=b"gone",
                    body_sha256="AB" * 32, error="HTTP 410", headers={"Date": DATE})
    not_modified = Capture(url=URL, final_url=URL, fetched_at="2026-03-02T10:00:00+00:00",
                           status=304, etag='"abc"', headers=[["Date", DATE], ["ETag", '"abc"']])
    expected = {}
    for capture in (story, redirected, odd_hash, upper, not_modified):
        result = archive.record(capture)
        expected[result.capture_id] = {**_written(capture, result.outcome),
                                       "article_id": result.article_id}
    for capture_id, want in expected.items():
        got = _columns(archive, capture_id)
        assert {k: got[k] for k in want} == want
    types = archive.db.execute(
        f"select {', '.join(f'typeof({c})' for c in COLUMNS)} from captures where id = 1"
    ).fetchone()
    assert types == ("integer", "integer", "integer", "text", "text", "text", "integer",
                     "text", "text", "text", "text", "text", "text", "null", "text")
    assert json.loads(_columns(archive, 1)["headers"]) == ODD_HEADERS


def test_a_held_capture_completed_reads_as_the_completed_one(archive):
    body = b"<html>held page</html>"
    held = Capture(url=URL, final_url=URL, fetched_at="2026-03-01T18:00:00+00:00",
                   status=200, body=body, body_sha256=hashlib.sha256(body).hexdigest(),
                   held=True, headers=[["Date", DATE]])
    held_id = archive.record(held).capture_id
    assert _columns(archive, held_id)["outcome"] == "held"
    completed = cap(A, held.fetched_at, body=body, headers=[["Date", DATE], ["Age", "3"]])
    completed.completes = held_id
    result = archive.record(completed)
    assert result.capture_id == held_id and archive.db["captures"].count == 1
    assert _columns(archive, held_id) == {"id": held_id, "article_id": 1, "version_id": 1,
                                          **_written(completed, "new_version")}


def test_unchanged_recaptures_share_their_url_and_header_set(archive):
    for day in range(1, 6):
        headers = [["Server", "nginx"], ["Date", f"Sun, 0{day} Mar 2026 10:00:00 GMT"],
                   ["Content-Type", "text/html"], ["ETag", '"v1"'], ["Content-Length", "14"]]
        archive.record(cap(A, f"2026-03-0{day}T10:00:00+00:00", content_type="text/html",
                           etag='"v1"', headers=headers))
    db = archive.db
    assert (db["urls"].count, db["header_sets"].count, db["content_types"].count) == (1, 1, 1)
    assert db.execute("select count(distinct length(body)), min(length(body)), "
                      "count(distinct header_values), max(final_url_id) "
                      "from capture_rows").fetchone() == (1, 32, 5, 0)
    [template] = db.execute("select template from header_sets").fetchone()
    assert "nginx" in template and "Mar 2026" not in template and "v1" not in template


def _bytes(archive: Archive) -> int:
    db = archive.db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, free, size = (db.execute(f"PRAGMA {p}").fetchone()[0]
                         for p in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


@pytest.mark.parametrize("status", [304, 200])
def test_an_unchanged_recapture_adds_under_300_bytes(archive, status):
    stories = 400

    def fetch(n: int, day: int, status: int = 200) -> Capture:
        url = f"https://www.n{n % 7}.example/2026/03/{n:04d}/a-story-slug-of-some-length/"
        body = f"<html>story {n}</html>".encode()
        headers = [["Server", "nginx"], ["Date", f"Sun, 0{day} Mar 2026 10:{n % 60:02d}:00 GMT"],
                   ["Content-Type", "text/html; charset=utf-8"], ["ETag", f'"{n:016x}"']]
        capture = cap([f"Story {n}.", "More."], f"2026-03-0{day}T10:{n % 60:02d}:00+00:00",
                      body=body, content_type="text/html; charset=utf-8", etag=f'"{n:016x}"',
                      source="revisit", headers=headers)
        capture.url = capture.final_url = capture.identity = url
        if status == 304:
            capture.status, capture.body, capture.body_sha256, capture.article = 304, None, \
                None, None
        else:
            headers.append(["Content-Length", str(len(body))])
        return capture

    for n in range(stories):
        archive.record(fetch(n, 1))
    before = _bytes(archive)
    for n in range(stories):
        assert archive.record(fetch(n, 2, status)).outcome == "unchanged"
    assert (_bytes(archive) - before) / stories < 300


# Any headers and validators: the view gives back the text the archive was given.
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_names = st.sampled_from(["Date", "ETag", "etag", "Content-Type", "Last-Modified", "Age",
                          "Set-Cookie", "X-Cache", "Server", "Content-Length"]) | _text


@pytest.fixture(scope="module")
def shared_archive(tmp_path_factory):
    with Archive.open(tmp_path_factory.mktemp("captures") / "archive.db") as archive:
        yield archive


@settings(max_examples=150, deadline=None)
@given(headers=st.lists(st.lists(st.one_of(_names, _text), min_size=2, max_size=2),
                        max_size=14),
       content_type=st.none() | _text, etag=st.none() | _text | st.just('"v1"'),
       last_modified=st.none() | _text)
def test_any_headers_read_back_byte_for_byte(shared_archive, headers, content_type, etag,
                                             last_modified):
    for pair in headers:  # the columns are what a header says, often
        name = pair[0].lower()
        pair[1] = {"content-type": content_type, "etag": etag,
                   "last-modified": last_modified}.get(name) or pair[1]
    capture = Capture(url="https://n.example/h", final_url="https://n.example/h",
                      fetched_at="2026-03-01T10:00:00+00:00", status=500,
                      content_type=content_type, etag=etag, last_modified=last_modified,
                      error="HTTP 500", headers=headers)
    capture_id = shared_archive.record(capture).capture_id
    got = _columns(shared_archive, capture_id)
    assert {k: got[k] for k in ("content_type", "etag", "last_modified", "headers")} == {
        k: v for k, v in _written(capture, "failed").items()
        if k in ("content_type", "etag", "last_modified", "headers")}
