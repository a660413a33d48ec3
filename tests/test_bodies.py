"""Raw bodies: what each new page of a site is compressed against (the site's key frame, a
redesign's first page, the page a drifted site last showed), and that every body reads back
exactly."""

from __future__ import annotations

import hashlib
import random

import sqlite_utils

from archiver.article import Article
from archiver.items import Capture
from archiver.normalize import story_hash
from archiver.storage import Archive
from archiver.storage.bodies import (
    DEFAULT_WINDOW,
    GOOD,
    MAX_DEPTH,
    WHOLE,
    Reference,
    compress,
    pack,
)
from archiver.storage.schema import migrations

SITE = "https://n.example"


def words(seed: int, count: int, letter: str = "w") -> str:
    return " ".join(f"{letter}{n:x}" for n in random.Random(seed).choices(range(4096), k=count))


def template(seed: int, letter: str = "w") -> tuple[str, str]:
    """A site template: markup before and after the story, each of its own random words (so
    that zstd alone keeps a good part of it, as it does real markup); templates of another
    `letter` have no word in common."""
    return (f"<html><head>{words(seed, 3000, letter)}</head><body><article>",
            f"</article><footer>{words(seed + 1, 3000, letter)}</footer></body></html>")


def page(layout: tuple[str, str], story: int, shares: int = 0, letter: str = "w") -> bytes:
    head, tail = layout
    text = words(1000 + story, 300, letter)
    return f"{head}<p>{text}</p><i>{shares} shares</i>{tail}".encode()


def cap(slug: str, body: bytes, when: str = "2026-03-01T10:00:00+00:00", **kw) -> Capture:
    url = f"{SITE}/2026/03/{slug}/"
    art = Article(title=slug, paragraphs=[f"The story of {slug}."], canonical_url=url)
    return Capture(url=url, final_url=url, fetched_at=when, status=200, body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), article=art, identity=url,
                   story_hash=story_hash(art), **kw)


def stored(archive: Archive, body: bytes) -> dict:
    sha = hashlib.sha256(body).hexdigest()
    return next(archive.db.query("select sha256, dictionary, depth, length(data) as n "
                                 "from bodies where sha256 = ?", [sha]))


def site_row(archive: Archive) -> dict:
    return next(archive.db.query("select sha256, recent from site_key_frames"))


def every_body_reads_back(archive: Archive, bodies: list[bytes]) -> None:
    with Archive.open(archive.db.conn.execute("pragma database_list").fetchone()[2]) as fresh:
        for body in bodies:  # from the file, not from the writer's cache
            assert fresh.body(hashlib.sha256(body).hexdigest()) == body
    depths = [r["depth"] for r in archive.db.query("select depth from bodies")]
    assert max(depths) <= MAX_DEPTH


def test_pack_keeps_a_good_dictionary_and_stores_a_page_it_does_not_help_whole():
    """pack is bytes in, Packed out: a page of the reference's template is stored as its
    difference; a page of another template, which the reference saves less than a tenth
    of what it takes whole (WHOLE), whole."""
    key = page(template(1), 1)
    ref = Reference("k" * 64, 0, key)
    same = pack("a" * 64, page(template(1), 2), [ref])
    assert (same.dictionary, same.depth) == (ref.sha256, 1)
    assert len(same.data) * GOOD <= same.size
    other_body = page(template(7, "v"), 3, letter="v")
    other = pack("b" * 64, other_body, [ref])
    assert (other.dictionary, other.depth) == (None, 0)
    assert len(compress(other_body, key)) >= WHOLE * len(compress(other_body))
    first = pack("c" * 64, key, [])
    assert (first.dictionary, first.depth) == (None, 0)


def test_a_redesign_gets_a_new_key_frame(archive):
    """The first page of a redesign that shares nothing with the key frame is stored whole
    and becomes the key frame: the next page of the new design costs its story, not the
    design again."""
    old, new = template(1), template(50, "v")
    bodies = [page(old, 1), page(old, 2), page(new, 3, letter="v"), page(new, 4, letter="v")]
    for n, body in enumerate(bodies):
        assert archive.record(cap(f"story-{n}", body)).outcome == "new_version"
    first, same, redesign, after = (stored(archive, b) for b in bodies)
    assert site_row(archive) == {"sha256": redesign["sha256"], "recent": None}
    assert (redesign["dictionary"], redesign["depth"]) == (None, 0)
    assert (same["dictionary"], after["dictionary"]) == (first["sha256"], redesign["sha256"])
    assert after["n"] * GOOD <= len(bodies[3])
    every_body_reads_back(archive, bodies)


def test_a_drifted_site_is_compressed_against_its_recent_page(archive):
    """Half the template changed: the key frame still helps (the page is not stored whole)
    but no longer matches well, so the site's next pages are compressed against the latest
    page it did not match well (`recent`), their recaptures still cost only their
    difference, and a page the key frame matches again ends the drift."""
    old = template(1)
    drifted = (old[0], template(80)[1])  # same head, a new footer
    bodies = [page(old, 1), page(drifted, 2), page(drifted, 3), page(drifted, 4)]
    for n, body in enumerate(bodies):
        archive.record(cap(f"story-{n}", body))
    key, moved, third, fourth = (stored(archive, b) for b in bodies)
    assert (moved["dictionary"], moved["depth"]) == (key["sha256"], 1)
    assert len(bodies[1]) < moved["n"] * GOOD  # the key frame matched, but not well
    assert site_row(archive) == {"sha256": key["sha256"], "recent": moved["sha256"]}
    for row in (third, fourth):
        assert (row["dictionary"], row["depth"]) == (moved["sha256"], 2)
        assert row["n"] * GOOD <= len(bodies[2])
    assert site_row(archive)["recent"] == moved["sha256"]
    again = [page(drifted, 4, shares) for shares in (5, 9, 14, 20)]
    for n, body in enumerate(again):
        archive.record(cap("story-3", body, when=f"2026-03-0{n + 2}T10:00:00+00:00"))
        assert stored(archive, body)["n"] < 200
    back = page(old, 5)
    archive.record(cap("story-5", back))
    assert stored(archive, back)["dictionary"] == key["sha256"]
    assert site_row(archive) == {"sha256": key["sha256"], "recent": None}
    every_body_reads_back(archive, bodies + again + [back])


def test_a_page_recent_does_not_match_well_is_the_next_recent(archive):
    """The site drifts on: a page that `recent` leaves over 1/GOOD of its size is stored
    against the key frame (depth 1), even though `recent` takes less, so that it can be
    `recent` itself; compressed against `recent` (depth 2) it could not, and every page
    after it would pay the drift again."""
    old = template(1)
    first = (old[0], template(80)[1])
    second = (old[0][:len(old[0]) // 3] + words(300, 2000) + "<body>", first[1])
    bodies = [page(old, 1), page(first, 2), page(second, 3), page(second, 4)]
    for n, body in enumerate(bodies):
        archive.record(cap(f"story-{n}", body))
    key, moved, moved_on, after = (stored(archive, b) for b in bodies)
    assert len(bodies[2]) < len(compress(bodies[2], bodies[1])) * GOOD
    assert len(compress(bodies[2], bodies[1])) < moved_on["n"]  # the price of a new recent
    assert (moved_on["dictionary"], moved_on["depth"]) == (key["sha256"], 1)
    assert site_row(archive) == {"sha256": key["sha256"], "recent": moved_on["sha256"]}
    assert (after["dictionary"], after["depth"]) == (moved_on["sha256"], 2)
    assert after["n"] * GOOD <= len(bodies[3])
    assert moved["dictionary"] == key["sha256"]
    every_body_reads_back(archive, bodies)


def test_a_held_page_is_a_key_frame_for_the_pages_after_it(archive):
    """A new site's first pages are held until its template is known, unread: the first one
    stored is the key frame of the others, held or read."""
    layout = template(1)
    held = [page(layout, 1), page(layout, 2)]
    for n, body in enumerate(held):
        capture = cap(f"held-{n}", body, held=True)
        capture.article = capture.identity = capture.story_hash = None
        assert archive.record(capture).outcome == "held"
    read = page(layout, 3)
    archive.record(cap("read", read))
    first = stored(archive, held[0])
    assert site_row(archive)["sha256"] == first["sha256"]
    for body in (held[1], read):
        row = stored(archive, body)
        assert row["dictionary"] == first["sha256"] and row["n"] * GOOD <= len(body)
    every_body_reads_back(archive, held + [read])


def test_an_archive_with_key_frames_but_no_recent_upgrades(tmp_path):
    """m031 adds `recent` to an archive whose key frames were made before it."""
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m031_site_recent_bodies")
    key = page(template(1), 1)
    sha = hashlib.sha256(key).hexdigest()
    db["bodies"].insert({"sha256": sha, "size": len(key), "codec": "zstd", "dictionary": None,
                         "depth": 0, "data": compress(key)})
    db["site_key_frames"].insert({"site": "n.example", "sha256": sha})
    db.close()
    with Archive.open(path) as archive:
        body = page((template(1)[0], template(80)[1]), 2)  # a drifted page
        archive.record(cap("story", body))
        row = stored(archive, body)
        assert (row["dictionary"], row["depth"]) == (sha, 1)
        assert site_row(archive) == {"sha256": sha, "recent": row["sha256"]}
        assert archive.body(sha) == key and archive.body(row["sha256"]) == body


def test_pages_past_the_default_window_come_back(archive):
    """Pages of megabytes (real ones reach 3 MB): stored whole, then a recapture against
    the previous copy, with a window wide enough to reach back over it."""
    layout = (words(3, 450_000), template(1)[1])
    bodies = [page(layout, 1), page(layout, 1, shares=3)]
    assert len(bodies[0]) > DEFAULT_WINDOW
    for n, body in enumerate(bodies):
        archive.record(cap("long", body, when=f"2026-03-0{n + 1}T10:00:00+00:00"))
    whole, again = (stored(archive, b) for b in bodies)
    assert (whole["dictionary"], again["dictionary"]) == (None, whole["sha256"])
    assert again["n"] < 1000
    every_body_reads_back(archive, bodies)
