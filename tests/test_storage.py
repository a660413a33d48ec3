"""Archive rules, straight on captures: versions, returns, removals, bodies, FTS, migrations."""

from __future__ import annotations

import zlib

import sqlite_utils

from archiver.article import Article
from archiver.items import Capture
from archiver.normalize import story_hash
from archiver.storage import Archive
from archiver.storage.schema import migrations

URL = "https://n.example/2026/02/some-story-slug/"


def cap(paragraphs, when, title="A title", body=b"<html>x</html>", **kw):
    art = Article(title=title, paragraphs=list(paragraphs), canonical_url=URL)
    import hashlib

    return Capture(url=URL, final_url=URL, fetched_at=when, status=200, body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), article=art, identity=URL,
                   story_hash=story_hash(art), **kw)


A, B = ["one", "two"], ["one", "two, edited"]


def test_same_story_adds_no_version(archive):
    assert archive.record(cap(A, "t1")).outcome == "new_version"
    again = archive.record(cap(A, "t2", body=b"<html>other ads</html>"))
    assert (again.outcome, again.version) == ("unchanged", 1)
    row = archive.db["versions"].get(1)
    assert (row["first_seen"], row["last_seen"]) == ("t1", "t2")


def test_flip_flop_is_a_return_not_a_version(archive):
    archive.record(cap(A, "t1"))
    assert archive.record(cap(B, "t2")).version == 2
    back = archive.record(cap(A, "t3"))
    assert (back.outcome, back.version) == ("returned", 1)
    assert archive.db["versions"].count == 2
    [event] = archive.db.query("select kind, detail from events")
    assert event["kind"] == "returned_to_version" and '"from_version": 2' in event["detail"]
    # B again after the return: the story changed back to v2, which is again a return.
    assert archive.record(cap(B, "t4")).outcome == "returned"


def test_removal_is_an_event_and_nothing_is_deleted(archive):
    archive.record(cap(A, "t1"))
    gone = Capture(url=URL, final_url=URL, fetched_at="t2", status=404, body=b"nf",
                   body_sha256="f" * 64, error="HTTP 404")
    assert archive.record(gone).outcome == "removed"
    assert archive.db["articles"].get(1)["status"] == "removed"
    assert archive.db["versions"].count == 1
    assert archive.record(cap(A, "t3")).outcome == "unchanged"
    assert archive.db["articles"].get(1)["status"] == "live"


def test_failure_for_unknown_url_is_kept(archive):
    fail = Capture(url="https://n.example/x", final_url="https://n.example/x", fetched_at="t",
                   error="TimeoutError: late")
    assert archive.record(fail).outcome == "failed"
    [row] = archive.db.query("select outcome, error, article_id from captures")
    assert row == {"outcome": "failed", "error": "TimeoutError: late", "article_id": None}


def test_bodies_are_compressed_and_shared(archive):
    body = b"<html>" + b"same page " * 1000 + b"</html>"
    archive.record(cap(A, "t1", body=body))
    archive.record(cap(A, "t2", body=body))
    [row] = archive.db.query("select size, data from bodies")
    assert row["size"] == len(body) and zlib.decompress(row["data"]) == body
    assert len(row["data"]) < len(body) / 10


def test_full_text_search(archive):
    archive.record(cap(["The recall covers batteries."], "t1", title="Recall widens"))
    hits = list(archive.db["versions"].search("batteries"))
    assert len(hits) == 1 and hits[0]["title"] == "Recall widens"


def test_migrations_upgrade_an_existing_archive_in_place(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m001_initial")  # an archive from before any schema
    db["notes"].insert({"kept": "yes"})
    db.close()
    with Archive.open(path) as archive:
        assert {"articles", "versions", "captures", "updates"} <= set(archive.db.table_names())
        assert archive.db["notes"].count == 1
        assert archive.db.journal_mode == "wal"
    with Archive.open(path) as archive:  # idempotent
        applied = [m.name for m in migrations.applied(archive.db)]
        assert applied.count("m001_initial") == 1
