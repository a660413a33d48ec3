"""An archive written by the code before migration m003 (compact storage) upgrades in place.

The fixture `archive-before-m003.db.gz` is a real archive: the demo (`archiver demo`) crawled
by the code at commit 8a1c507, whose storage is main's at the time (zlib bodies, version text
in `versions.paragraphs`, FTS over versions). Nothing in it may be lost by the upgrade.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from contextlib import closing

import pytest

from archiver.storage import Archive, queries
from archiver.storage.schema import migrations
from tests.conftest import unpacked

OLD = "archive-before-m003.db.gz"
DIFFS = "select id, version_id, seq, level, op, old_index, new_index, old_text, new_text " \
        "from diffs order by id"


def unpacked_with(fixture: str, folder, read) -> tuple:
    """A fixture archive unpacked for one test, and what `read` takes from it (through its
    own connection) before any migration runs."""
    path = unpacked(fixture, folder)
    with closing(sqlite3.connect(path)) as con:
        return path, read(con)


@pytest.fixture
def old_archive(tmp_path):
    def read(con):
        return {
            "migrations": [r[0] for r in con.execute("select name from _sqlite_migrations")],
            "paragraphs": {r[0]: json.loads(r[1]) for r in con.execute(
                "select id, paragraphs from versions")},
            "texts": {r[0]: r[1] for r in con.execute("select id, text from versions")},
            "bodies": {r[0]: zlib.decompress(r[1]) for r in con.execute(
                "select sha256, data from bodies")},
            "counts": {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                       for t in ("articles", "versions", "captures", "updates", "changes", "diffs",
                                 "events")},
            "urls": [r[0] for r in con.execute("select url from articles order by id")],
            "diffs": con.execute(DIFFS).fetchall(),
            "captures": con.execute("select * from captures order by id").fetchall(),
            "templates": dict(con.execute("select site, template from site_templates")),
        }

    return unpacked_with(OLD, tmp_path, read)


def test_the_fixture_is_an_archive_from_before_m003(old_archive):
    _, before = old_archive
    assert before["migrations"] == ["m001_initial", "m002_version_base"]
    assert before["counts"]["versions"] > before["counts"]["articles"] > 5
    assert before["counts"]["updates"] and before["counts"]["events"]


def test_an_old_archive_upgrades_in_place_and_loses_nothing(old_archive):
    path, before = old_archive
    with Archive.open(path) as archive:
        applied = [m.name for m in migrations.applied(archive.db)]
        assert "m003_compact_storage" in applied
        db = archive.db
        for table, n in before["counts"].items():
            assert db[table].count == n
        texts = {r["version_id"]: (json.loads(r["paragraphs"]), r["text"])
                 for r in db.query("select version_id, paragraphs, text from version_texts")}
        assert texts == {vid: (paras, before["texts"][vid])
                         for vid, paras in before["paragraphs"].items()}
        assert db.execute(DIFFS).fetchall() == before["diffs"]  # diffs is a view now
        # captures too (m030), with the headers column m003 added, empty
        assert db.execute("select * from captures order by id").fetchall() == [
            (*row, None) for row in before["captures"]]
        assert db.execute("select count(*) from diff_rows where old_paragraph is not null "
                          "or new_paragraph is not null").fetchone()[0] > 0
        for sha, body in before["bodies"].items():
            assert archive.body(sha) == body and hashlib.sha256(body).hexdigest() == sha
        distinct = {p for paras in before["paragraphs"].values() for p in paras}
        assert db["paragraphs"].count == len(distinct)  # each paragraph stored once
        word = next(w for p in sorted(distinct) for w in p.split() if w.isalpha() and len(w) > 5)
        hits = [r["text"] for r in db["paragraphs"].search(f'"{word}"')]
        assert hits and all(word.lower() in h.lower() for h in hits)
        for url in before["urls"]:
            history = queries.history(archive, url)
            assert history["versions"] and all(v["paragraphs"] for v in history["versions"])
        # site templates: the same JSON, kept compressed (m035)
        assert before["templates"] and archive.load_templates() == before["templates"]
        stored = dict(db.execute("select site, template from site_templates"))
        assert all(isinstance(t, bytes) and len(t) < len(before["templates"][site])
                   for site, t in stored.items())


def test_an_upgraded_archive_goes_on_recording(old_archive):
    """A recapture of an upgraded story compares with its migrated text: unchanged."""
    from archiver.article import Article
    from archiver.items import Capture
    from archiver.normalize import story_hash

    path, _ = old_archive
    with Archive.open(path) as archive:
        article = next(archive.db.query(
            "select * from articles where status = 'live' order by id limit 1"))
        live = archive.live_story(article)
        again = Article(title=live.title, paragraphs=live.paragraphs, authors=live.authors,
                        published=live.published, modified=live.modified,
                        language=live.language, canonical_url=live.canonical_url,
                        headlines=live.headlines)
        body = b"<html>fetched again</html>"
        capture = Capture(url=article["url"], final_url=article["url"],
                          fetched_at="2026-12-01T00:00:00+00:00", status=200, body=body,
                          body_sha256=hashlib.sha256(body).hexdigest(), article=again,
                          identity=article["url"], story_hash=story_hash(again))
        result = archive.record(capture)
        assert (result.outcome, result.version) == ("unchanged", article["current_version"])
        assert archive.body(capture.body_sha256) == body
        edited = Article(title=live.title, paragraphs=[*live.paragraphs, "Update: a new line."])
        capture.article, capture.story_hash = edited, story_hash(edited)
        capture.fetched_at = "2026-12-02T00:00:00+00:00"
        assert archive.record(capture).outcome == "new_version"
        archive.db.execute("insert into paragraphs_fts (paragraphs_fts, rank) "
                           "values ('integrity-check', 1)")  # raises unless index == table
        assert [r[0] for r in archive.db.execute(
            "select text from paragraphs_fts where paragraphs_fts match 'new line'")] == [
            "Update: a new line."]


# An archive written by the code before m030 (commit d248a10): the demo, then captures of
# every shape (tests/fixtures/archive-before-m030.py: odd headers, a redirect, a timeout, a
# body hash that is not hex, a 304, a held capture). Its captures move to capture_rows.
BEFORE_M030 = "archive-before-m030.db.gz"
CAPTURES = "select * from captures order by id"
TYPES = ("select typeof(id), typeof(article_id), typeof(version_id), typeof(url), "
         "typeof(final_url), typeof(fetched_at), typeof(status), typeof(content_type), "
         "typeof(etag), typeof(last_modified), typeof(body_sha256), typeof(source), "
         "typeof(outcome), typeof(error), typeof(headers) from captures order by id")


@pytest.fixture
def archive_before_m030(tmp_path):
    def read(con):
        return {"captures": con.execute(CAPTURES).fetchall(), "types": con.execute(TYPES).fetchall(),
                  "events": con.execute("select * from events order by id").fetchall(),
                  "migrations": [r[0] for r in con.execute("select name from _sqlite_migrations")]}

    return unpacked_with(BEFORE_M030, tmp_path, read)


def test_captures_read_the_same_row_for_row_after_m030(archive_before_m030):
    path, before = archive_before_m030
    assert "m022_change_kinds" in before["migrations"]
    assert "m030_compact_captures" not in before["migrations"]
    assert len(before["captures"]) > 20 and {r[12] for r in before["captures"]} >= {
        "new_version", "unchanged", "failed", "removed", "held"}
    with Archive.open(path) as archive:
        db = archive.db
        assert "m030_compact_captures" in [m.name for m in migrations.applied(db)]
        assert db.execute(CAPTURES).fetchall() == before["captures"]
        assert db.execute(TYPES).fetchall() == before["types"]
        assert db.execute("select * from events order by id").fetchall() == before["events"]
        assert "captures" in db.view_names() and "captures" not in db.table_names()
        assert db.execute("pragma foreign_key_check").fetchall() == []
        events = db.execute("select sql from sqlite_master where name = 'events'").fetchone()
        assert "capture_rows" in events[0]
        # what repeated is stored once: one header template for the demo's story pages
        assert db["header_sets"].count < len(before["captures"]) / 2
        assert db["urls"].count < len(before["captures"])


def test_an_archive_upgraded_by_m030_goes_on_recording(archive_before_m030):
    from archiver.items import Capture

    path, before = archive_before_m030
    with Archive.open(path) as archive:
        article = next(archive.db.query("select * from articles where status = 'live' "
                                        "order by id limit 1"))
        headers = [["Date", "Tue, 01 Dec 2026 10:05:09 GMT"], ["ETag", '"e2"']]
        result = archive.record(Capture(url=article["url"], final_url=article["url"],
                                        fetched_at="2026-12-02T00:00:00+00:00", status=304,
                                        etag='"e2"', headers=headers))
        assert result.outcome == "unchanged"
        row = archive.db.execute("select url, status, etag, outcome, headers from captures "
                                 "where id = ?", [result.capture_id]).fetchone()
        assert row == (article["url"], 304, '"e2"', "unchanged",
                       json.dumps(headers, ensure_ascii=False))
        assert archive.db.execute(CAPTURES).fetchall()[:-1] == before["captures"]
        [history_row] = [v for v in queries.history(archive, article["url"])["versions"]
                         if v["version"] == article["current_version"]]
        assert history_row["captures"] >= 2


# An archive written by the code before m033 (commit 8d1d262), when every update row held its
# own text: the demo, then live blogs whose versions repeat their updates' texts
# (tests/fixtures/archive-before-m033.py). Its update rows move to update_rows, each text once
# (m033), and its full-text index is made again over the distinct texts (m036).
BEFORE_M033 = "archive-before-m033.db.gz"
OLD_COLUMNS = ("id", "article_id", "version_id", "version", "seq", "update_key", "first_version",
               "kind", "position", "marker", "text", "stated_time", "start", "end")
UPDATES = f"select {', '.join(f'[{c}]' for c in OLD_COLUMNS)} from updates order by id"
UPDATE_TYPES = ("select " + ", ".join(f"typeof([{c}])" for c in OLD_COLUMNS) +
                " from updates order by id")
# Each update row whose text matches, with its snippet: through the index of every row
# before m036 (rowid = updates.id), through the index of distinct texts after it.
RECALLED_BEFORE = ("select f.rowid, u.version_id, snippet(updates_fts, -1, '[', ']', '…', 8) "
                   "from updates_fts f join updates u on u.id = f.rowid "
                   "where updates_fts match ? order by f.rowid")
RECALLED = ("select u.id, u.version_id, snippet(update_texts_fts, -1, '[', ']', '…', 8) "
            "from update_texts_fts f join updates u on u.text_id = f.rowid "
            "where update_texts_fts match ? order by u.id")
UPDATE_TEXTS_INTACT = ("insert into update_texts_fts (update_texts_fts, rank) "
                       "values ('integrity-check', 1)")  # raises unless index == texts


@pytest.fixture
def archive_before_m033(tmp_path):
    def read(con):
        return {
            "migrations": [r[0] for r in con.execute("select name from _sqlite_migrations")],
            "columns": [r[1] for r in con.execute("pragma table_info(updates)")],
            "updates": con.execute(UPDATES).fetchall(),
            "types": con.execute(UPDATE_TYPES).fetchall(),
            "found": {word: con.execute(RECALLED_BEFORE, [word]).fetchall()
                      for word in ("outage", "rolled", "misstated", '"kept watching"', "queues")},
        }

    return unpacked_with(BEFORE_M033, tmp_path, read)


def test_update_rows_read_the_same_after_m033_each_text_stored_once(archive_before_m033):
    path, before = archive_before_m033
    assert before["migrations"][-1] == "m032_text_indexes_by_statement"
    texts = [row[10] for row in before["updates"]]
    assert len(texts) > 30 and len(set(texts)) < len(texts) / 2  # a live blog repeats them
    with Archive.open(path) as archive:
        db = archive.db
        applied = [m.name for m in migrations.applied(db)]
        assert "m033_update_texts_once" in applied and "m036_update_texts_fts" in applied
        assert "updates" in db.view_names() and "updates" not in db.table_names()
        # the view's columns as the table's were, and `text_id` after them (m036)
        assert [r[1] for r in db.execute("pragma table_info(updates)")] == [
            *before["columns"], "text_id"]
        assert db.execute("select count(*) from updates u join update_texts t "
                          "on t.id = u.text_id and t.text = u.text").fetchone()[0] == len(texts)
        assert db.execute(UPDATES).fetchall() == before["updates"]
        assert db.execute(UPDATE_TYPES).fetchall() == before["types"]
        assert sorted(r[0] for r in db.execute("select text from update_texts")) == sorted(
            set(texts))
        assert db.execute("pragma foreign_key_check").fetchall() == []
        # the index of every row is gone (m036); the index of distinct texts: FTS5's own
        # check against update_texts, one entry per text, and the same hits and snippets for
        # every (version, update) row as the old index gave
        assert not [t for t in db.table_names() if t.startswith("updates_fts")]
        db.execute(UPDATE_TEXTS_INTACT)
        assert db["update_texts_fts_docsize"].count == len(set(texts))
        for word, found in before["found"].items():
            assert found and db.execute(RECALLED, [word]).fetchall() == found, word


def test_an_archive_upgraded_by_m033_goes_on_recording(archive_before_m033):
    """The live blog gains an update: only its text is new in update_texts and in its
    full-text index, the version's other rows keep their updates' keys, and search finds the
    new row."""
    from archiver.article import Article
    from archiver.items import Capture
    from archiver.normalize import story_hash

    path, before = archive_before_m033
    url = "https://live.example/2026/03/outage-live/"
    note = "Update 10:30 a.m.: Refunds are on the way."
    with Archive.open(path) as archive:
        db = archive.db
        stored = db["update_texts"].count
        indexed = db["update_texts_fts_docsize"].count
        article = next(db.query("select * from articles where url = ?", [url]))
        live = archive.live_story(article)
        story = Article(title=live.title, paragraphs=[*live.paragraphs, note],
                        published=live.published, canonical_url=url)
        body = b"<html>the live blog, once more</html>"
        result = archive.record(Capture(
            url=url, final_url=url, fetched_at="2026-03-20T10:30:00+00:00", status=200,
            body=body, body_sha256=hashlib.sha256(body).hexdigest(), article=story,
            identity=url, story_hash=story_hash(story)))
        assert result.outcome == "new_version"
        assert db["update_texts"].count == stored + 1
        assert db["update_texts_fts_docsize"].count == indexed + 1
        keys = [r[0] for r in db.execute(
            "select update_key from updates where article_id = ? and version = ? order by seq",
            [article["id"], article["current_version"]])]
        rows = db.execute("select update_key, text from updates where article_id = ? and "
                          "version = ? order by seq", [article["id"], result.version]).fetchall()
        assert [r[0] for r in rows[:-1]] == keys and rows[-1] == (max(keys) + 1, note)
        assert db.execute(UPDATES).fetchall()[:len(before["updates"])] == before["updates"]
        db.execute(UPDATE_TEXTS_INTACT)
        [(_, version_id, snippet)] = db.execute(RECALLED, ["refunds"]).fetchall()
        assert snippet == "…30 a.m.: [Refunds] are on the way."
        assert version_id == db.execute("select id from versions where article_id = ? and "
                                        "version = ?", [article["id"], result.version]
                                        ).fetchone()[0]
