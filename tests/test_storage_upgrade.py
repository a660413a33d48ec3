"""An archive written by the code before migration m003 (compact storage) upgrades in place.

The fixture `archive-before-m003.db.gz` is a real archive: the demo (`archiver demo`) crawled
by the code at commit 8a1c507, whose storage is main's at the time (zlib bodies, version text
in `versions.paragraphs`, FTS over versions). Nothing in it may be lost by the upgrade.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import zlib

import pytest

from archiver.storage import Archive, queries
from archiver.storage.schema import migrations
from tests.conftest import FIXTURES

OLD = FIXTURES / "archive-before-m003.db.gz"
DIFFS = "select id, version_id, seq, level, op, old_index, new_index, old_text, new_text " \
        "from diffs order by id"


@pytest.fixture
def old_archive(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(gzip.decompress(OLD.read_bytes()))
    con = sqlite3.connect(path)
    before = {
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
    }
    con.close()
    return path, before


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
