"""Archive rules, straight on captures: versions, returns, removals, bodies, FTS, migrations."""

from __future__ import annotations

import hashlib

import sqlite_utils

from archiver.article import Article
from archiver.items import Capture
from archiver.normalize import story_hash
from archiver.storage import Archive
from archiver.storage.schema import migrations

URL = "https://n.example/2026/02/some-story-slug/"


def cap(paragraphs, when, title="A title", body=b"<html>x</html>", **kw):
    art = Article(title=title, paragraphs=list(paragraphs), canonical_url=URL)

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
    events = [(e["kind"], e["at"]) for e in archive.db.query("select * from events order by id")]
    assert events == [("removed", "t2"), ("restored", "t3")]


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
    [row] = archive.db.query("select sha256, size, data from bodies")
    assert row["size"] == len(body) and archive.body(row["sha256"]) == body
    assert len(row["data"]) < len(body) / 10


def test_full_text_search(archive):
    archive.record(cap(["The recall covers batteries."], "t1", title="Recall widens"))
    hits = list(archive.db["paragraphs"].search("batteries"))
    assert [h["text"] for h in hits] == ["The recall covers batteries."]
    assert [h["title"] for h in archive.db["versions"].search("recall")] == ["Recall widens"]


def test_migrations_upgrade_an_existing_archive_in_place(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m001_initial")  # an archive from before any schema
    db["notes"].insert({"kept": "yes"})
    db.close()
    with Archive.open(path) as archive:
        names = {*archive.db.table_names(), *archive.db.view_names()}  # captures: a view
        assert {"articles", "versions", "captures", "updates"} <= names
        assert archive.db["notes"].count == 1
        assert archive.db.journal_mode == "wal"
    with Archive.open(path) as archive:  # idempotent
        applied = [m.name for m in migrations.applied(archive.db)]
        assert applied.count("m001_initial") == 1


def _gone(when, status=200, final=URL, error=None):
    return Capture(url=URL, final_url=final, fetched_at=when, status=status, body=b"x",
                   body_sha256="e" * 64, error=error or f"HTTP {status}")


def test_redirect_home_and_410_are_removal_events(archive):
    from archiver.storage import queries

    archive.record(cap(A, "t1"))
    archive.record(cap(B, "t2"))
    home = _gone("t3", final="https://n.example/", error="redirected to the home page")
    assert archive.record(home).outcome == "removed"
    assert archive.record(_gone("t4", status=410)).outcome == "removed"  # no second event
    history = queries.history(archive, URL)
    assert history["status"] == "removed"
    assert [e["kind"] for e in history["events"]] == ["removed"]
    assert history["events"][0]["detail"]["reason"] == "redirected to the home page"
    assert [v["version"] for v in history["versions"]] == [1, 2]  # nothing deleted
    assert archive.db["captures"].count == 4
    # a 404 for a URL the archive never had is a failed fetch, not a removal
    other = Capture(url="https://n.example/never/", final_url="https://n.example/never/",
                    fetched_at="t5", status=404, error="HTTP 404")
    assert archive.record(other).outcome == "failed"
    assert archive.db["events"].count == 1


def test_headline_variants_and_metadata_make_versions(archive):
    from archiver.storage import queries

    heads = {"title_tag": "A title | Site", "og_title": "A title", "twitter_title": "A title",
             "h1": "A title"}
    first = cap(A, "2026-01-01T10:00:00+00:00")
    first.article.headlines, first.article.modified = dict(heads), "2026-01-01T10:00:00Z"
    archive.record(first)
    seo = cap(A, "2026-01-01T10:30:00+00:00")
    seo.article.headlines = {**heads, "og_title": "Click here: a title"}
    seo.article.modified = "2026-01-01T10:00:00Z"
    result = archive.record(seo)
    assert (result.outcome, result.version, result.change) == ("new_version", 2, "title_change")
    history = queries.history(archive, URL)
    assert [v["headlines"]["og_title"] for v in history["versions"]] == ["A title",
                                                                         "Click here: a title"]
    [change, silent] = history["versions"][1]["changes"]
    assert (change["field"], change["old"], change["new"]) == ("og_title", "A title",
                                                               "Click here: a title")
    assert silent["kind"] == "silent_edit"  # story changed, declared modified time did not


def test_new_version_after_a_return_is_compared_with_the_live_one(archive):
    from archiver.storage import queries

    archive.record(cap(A, "t1"))
    archive.record(cap(B, "t2"))
    archive.record(cap(A, "t3"))  # back to v1
    archive.record(cap(A + ["three"], "t4"))
    versions = queries.history(archive, URL)["versions"]
    assert [(v["version"], v["compared_with"], v["change"]) for v in versions] == [
        (1, None, "first"), (2, 1, "sentence_edit"), (3, 1, "appended_update")]


def test_what_compare_calls_unchanged_adds_no_version(archive):
    """Same instant written differently, a headline variant the extractor missed this time,
    whitespace noise on a capture that skipped the normalize pipeline: none is a version."""
    first = cap(["The recall covers 40,000 packs."], "t1")
    first.article.modified = "2026-03-02T09:15:00Z"
    first.article.headlines = {"og_title": "A title", "twitter_title": "A title"}
    archive.record(first)
    again = cap(["  The recall\u00a0covers 40,000 packs.\u200b"], "t2")
    again.article.modified = "2026-03-02T09:15:00+00:00"
    again.article.headlines = {"og_title": "A title"}
    assert archive.record(again).outcome == "unchanged"
    assert archive.db["versions"].count == 1


def test_history_lists_each_update_once_with_its_wordings(archive):
    from archiver.storage import queries

    body = ["Chip prices rose again in January, distributors said.", "Memory was the worst hit."]
    first = "Update: A distributor said prices fell on Friday."
    longer = first + " Another one disagreed."
    for when, paras in [("t1", body), ("t2", body + [first]), ("t3", body + [longer]),
                        ("t4", body + [longer, "Correction: The distributor is in Taiwan."])]:
        archive.record(cap(paras, when))
    update, correction = queries.history(archive, URL)["updates"]
    assert (update["update_key"], update["first_version"], update["versions"]) == (1, 2, [2, 3, 4])
    assert [(t["version"], t["text"]) for t in update["texts"]] == [(2, first), (3, longer)]
    assert (correction["kind"], correction["first_version"], correction["versions"]) == (
        "correction", 4, [4])


def test_extractor_drift_is_not_an_edit(archive):
    """The same page read better later (a learned template drops a promo line) adds nothing."""
    from archiver.storage import queries

    promo = "Support our journalism today."
    story = ["The vendor shipped a fix on Tuesday.", "Owners should update now.", promo]
    archive.record(cap(story, "2026-03-01T10:00:00+00:00"))
    read_again = Article(title="A title", paragraphs=story[:2])
    drifted = cap(story[:2], "2026-03-02T10:00:00+00:00", baseline=read_again)
    assert archive.record(drifted).outcome == "unchanged"
    updated = cap(story[:2] + ["Update: the vendor recalled the fix."],
                  "2026-03-03T10:00:00+00:00", baseline=read_again)
    result = archive.record(updated)
    assert (result.outcome, result.change) == ("new_version", "appended_update")
    [v1, v2] = queries.history(archive, URL)["versions"]
    assert [c["kind"] for c in v2["changes"]] == ["appended_update"]  # no paragraph_removed


def test_modified_time_that_restates_the_fetch_is_no_redating(archive):
    first = cap(A, "2026-03-01T10:00:00+00:00")
    first.article.modified = "2026-03-01T09:00:00+00:00"
    archive.record(first)
    stamped = cap(A, "2026-03-02T12:00:05+00:00")
    stamped.article.modified = "2026-03-02T12:00:00Z"  # the page says "modified now"
    assert archive.record(stamped).outcome == "unchanged"
    redated = cap(A, "2026-03-03T12:00:00+00:00")
    redated.article.modified = "2026-03-02T18:00:00+00:00"  # a real re-dating, hours before
    result = archive.record(redated)
    assert (result.outcome, result.change) == ("new_version", "redated")


def test_current_page_gives_the_live_versions_raw_body(archive):
    archive.record(cap(A, "t1", body=b"<html>first</html>"))
    archive.record(cap(B, "t2", body=b"<html>second</html>"))
    archive.record(cap(B, "t3", body=b"<html>second, ads moved</html>"))
    hash_b, url, body, content_type = archive.current_page(cap(B, "t4"))
    assert (hash_b, url, body) == (story_hash(Article(title="A title", paragraphs=B)), URL,
                                   b"<html>second, ads moved</html>")
    assert content_type is None  # these captures carry none; a crawl's do
    stranger = cap(A, "t5")
    stranger.url = stranger.final_url = stranger.identity = "https://n.example/unknown/"
    assert archive.current_page(stranger) is None


def test_a_canonical_claimed_by_another_story_does_not_merge_them(archive):
    section = "https://n.example/security/"
    first = cap(["Router vendor patches a DNS flaw."], "t1", title="Router flaw")
    first.url = first.final_url = "https://n.example/2026/03/router-flaw/"
    first.identity = section  # the template gives every story the section as canonical
    other = cap(["A chipmaker recalls 40,000 battery packs."], "t2", title="Battery recall")
    other.url = other.final_url = "https://n.example/2026/03/battery-recall/"
    other.identity = section
    assert archive.record(first).outcome == "new_version"
    result = archive.record(other)
    assert (result.outcome, result.version) == ("new_version", 1)  # a story of its own
    assert archive.db["articles"].count == 2
    again = cap(["A chipmaker recalls 52,000 battery packs."], "t3", title="Battery recall")
    again.url = again.final_url = "https://n.example/2026/03/battery-recall/"
    again.identity = section
    assert (archive.record(again).version, archive.db["articles"].count) == (2, 2)


def test_a_render_stamp_behind_a_cache_is_no_redating_either(archive):
    first = cap(A, "2026-03-01T10:00:00+00:00")
    first.article.modified = "2026-03-01T09:40:00+00:00"
    archive.record(first)
    for day in (2, 3):
        later = cap(A, f"2026-03-0{day}T10:00:00+00:00")
        later.article.modified = f"2026-03-0{day}T09:40:00+00:00"  # a cached copy, 20 min old
        assert archive.record(later).outcome == "unchanged"


def test_a_baseline_read_from_a_replaced_version_is_read_again(archive, db_path):
    """Another crawl made a new version between the baseline's reading and this write: the
    baseline no longer describes the current version, so the current one is re-read."""
    promo = "Support our journalism today."
    story = ["The vendor shipped a fix on Tuesday.", "Owners should update now."]
    update = "Update: the vendor recalled the fix."
    archive.record(cap(story + [promo], "2026-03-01T10:00:00+00:00", body=b"<p>v1</p>"))
    v1 = archive.live_page(cap(story, "t"))
    assert v1 is not None
    with Archive.open(db_path) as other:  # the other crawl
        other.record(cap(story + [promo, update], "2026-03-01T11:00:00+00:00",
                         body=b"<p>v2</p>"))
    late = cap(story + [update], "2026-03-01T12:00:00+00:00",
               baseline=Article(title="A title", paragraphs=story), baseline_version=v1.version.id)
    pages = []

    def reread(body, url, content_type):
        pages.append(body)
        return Article(title="A title", paragraphs=story + [update])  # today's reading of v2

    result = archive.record(late, reread=reread)
    assert pages == [b"<p>v2</p>"]
    assert (result.outcome, result.version) == ("unchanged", 2)


def test_recaptures_are_stored_as_their_difference_and_read_back_exactly(archive):
    """A page fetched again with a new share count costs a few bytes, however many times,
    and every body still reads back byte for byte (dictionary chains stay short)."""
    import random

    from archiver.storage.bodies import MAX_DEPTH

    words = random.Random(8).choices(["flaw", "router", "patch", "vendor", "owners", "fix",
                                      "firmware", "Tuesday", "said", "install"], k=6000)
    template = "<html><body><div class=share>{n} shares</div><p>" + " ".join(words) + "</p>"
    pages = [template.replace("{n}", str(100 + 7 * i)).encode() for i in range(8)]
    for i, page in enumerate(pages):
        archive.record(cap(A, f"t{i}", body=page))
    rows = list(archive.db.query("select sha256, depth, length(data) as n from bodies"))
    assert len(rows) == len(pages)
    first = max(r["n"] for r in rows)
    assert all(r["n"] < 200 for r in rows if r["n"] != first)
    assert max(r["depth"] for r in rows) <= MAX_DEPTH
    assert [archive.body(hashlib.sha256(p).hexdigest()) for p in pages] == pages


def test_completing_a_held_capture_once_and_only_in_its_own_archive(archive):
    body = b"<html>held page</html>"
    held = Capture(url=URL, final_url=URL, fetched_at="t1", status=200, body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), held=True)
    held_id = archive.record(held).capture_id
    assert [r["id"] for r in archive.held_captures()] == [held_id]
    assert archive.body(archive.held_capture(held_id)["body_sha256"]) == body
    done = cap(A, "t1", body=body, completes=held_id)
    assert archive.record(done).outcome == "new_version"
    assert archive.held_captures() == [] and archive.held_capture(held_id) is None
    again = cap(A, "t1", body=body, completes=held_id)  # another crawl completes it too
    assert archive.record(again).outcome == "duplicate"
    foreign = cap(A, "t2", completes=held_id)  # a row id from another archive
    assert archive.record(foreign).outcome == "unchanged"
    assert archive.db["captures"].count == 2


def test_a_story_written_by_another_crawl_while_planning_is_decided_again(archive, db_path):
    """The decision is planned before the write lock; another crawl writes a new version of
    the same story in between (here, while the planner re-reads a stale baseline), so under
    the lock the plan no longer holds and is made again against the version now current."""
    story = ["The vendor shipped a fix on Tuesday.", "Owners should update now."]
    update = "Update: the vendor recalled the fix."
    archive.record(cap(story, "2026-03-01T10:00:00+00:00", body=b"<p>v1</p>"))
    v1 = archive.live_page(cap(story, "t")).version.id
    archive.record(cap(story + ["Editor's note: headline fixed."], "2026-03-01T10:30:00+00:00",
                       body=b"<p>v2</p>"))  # the baseline below is now stale
    read = []

    def reread(body, url, content_type):
        read.append(body)
        if len(read) == 1:  # meanwhile another crawl records the update
            with Archive.open(db_path) as other:
                other.record(cap(story + [update], "2026-03-01T11:00:00+00:00",
                                 body=b"<p>v3</p>"))
        return Article(title="A title", paragraphs=story + ["Editor's note: headline fixed."])

    late = cap(story + [update], "2026-03-01T12:00:00+00:00",
               baseline=Article(title="A title", paragraphs=story), baseline_version=v1)
    result = archive.record(late, reread=reread)
    assert read == [b"<p>v2</p>"]
    # The first plan (against version 2) said "new version"; made again under the lock it
    # finds the capture equal to version 3, written meanwhile: no 4th version.
    assert (result.outcome, result.version) == ("unchanged", 3)
    assert archive.db["versions"].count == 3


def _fts_intact(archive) -> None:
    """FTS5's own check that paragraphs_fts and update_texts_fts index exactly the rows of
    their tables (with rank 1 it compares the index with the content table; it raises on any
    difference)."""
    for table in ("paragraphs_fts", "update_texts_fts"):
        archive.db.execute(f"insert into {table} ({table}, rank) values ('integrity-check', 1)")


def test_new_paragraphs_are_indexed_for_search_once_each(archive):
    """Paragraphs enter the full-text index with their capture's transaction, each once,
    however many versions repeat them (no row-by-row trigger: m032)."""
    archive.record(cap(["The router vendor shipped a patch.", "Owners should update."], "t1"))
    archive.record(cap(["The router vendor shipped a patch.", "Owners should update today.",
                        "Update: the patch bricks some units."], "t2"))
    _fts_intact(archive)
    found = [r[0] for r in archive.db.execute(
        "select text from paragraphs_fts where paragraphs_fts match 'patch' order by rowid")]
    assert found == ["The router vendor shipped a patch.",
                     "Update: the patch bricks some units."]
    [update] = archive.db.execute(
        "select text from update_texts_fts where update_texts_fts match 'bricks'").fetchall()
    assert update == ("Update: the patch bricks some units.",)
    assert not list(archive.db.execute("select name from sqlite_master where type = 'trigger' "
                                       "and name in ('paragraphs_ai', 'updates_ai')"))


def test_a_live_blogs_versions_store_each_update_text_once(archive):
    """Every version of a live blog repeats the updates of the one before: `updates` shows
    one row per (version, update) with its text, but each distinct text is stored once, and
    a search finds the update in every version that shows it."""
    notes = [f"Update {9 + n}:00 a.m.: Crews reported progress on line {n} of the grid."
             for n in range(6)]
    notes[0] += " Storm damage was worst near the harbour."
    for n in range(1, len(notes) + 1):
        result = archive.record(cap(["Power is out across the city."] + notes[:n],
                                    f"2026-03-05T{9 + n:02d}:00:00+00:00"))
        assert (result.outcome, result.version) == ("new_version", n)
    db = archive.db
    rows = db.execute("select version, seq, update_key, first_version, text from updates "
                      "order by version, seq").fetchall()
    assert rows == [(v, i, i + 1, i + 1, notes[i]) for v in range(1, 7) for i in range(v)]
    assert db["update_rows"].count == 21
    assert sorted(r[0] for r in db.execute("select text from update_texts")) == sorted(notes)
    assert db.execute("select count(distinct text_id) from update_rows").fetchone()[0] == 6
    _fts_intact(archive)
    found = db.execute("select u.version, snippet(update_texts_fts, -1, '[', ']', '…', 6) "
                       "from update_texts_fts f join updates u on u.text_id = f.rowid "
                       "where update_texts_fts match 'harbour' order by u.version").fetchall()
    assert found == [(v, "…damage was worst near the [harbour].") for v in range(1, 7)]


def test_a_live_blogs_new_version_indexes_only_its_new_update(archive):
    """The full-text index holds each distinct update text once (m036): a live blog's second
    version, repeating its 40 updates and adding one, adds one entry to the index, not 41
    (FTS5 keeps one `docsize` row per text it indexed)."""
    notes = [f"Update {n // 60 + 8}:{n % 60:02d} a.m.: Crews restored feeder {n} of the grid."
             for n in range(41)]
    db = archive.db
    archive.record(cap(["Power is out across the city."] + notes[:40],
                       "2026-03-05T09:00:00+00:00"))
    assert db["update_rows"].count == db["update_texts_fts_docsize"].count == 40
    result = archive.record(cap(["Power is out across the city."] + notes,
                                "2026-03-05T10:00:00+00:00"))
    assert (result.outcome, result.version) == ("new_version", 2)
    assert db["update_rows"].count == 81
    assert db["update_texts_fts_docsize"].count == 41
    _fts_intact(archive)
    # the word of the new update is found in its one row, a word of all in all 81 rows
    assert db.execute("select u.version, u.seq from update_texts_fts f join updates u "
                      "on u.text_id = f.rowid where update_texts_fts match 'feeder 40'"
                      ).fetchall() == [(2, 40)]
    assert db.execute("select count(*) from update_texts_fts f join updates u "
                      "on u.text_id = f.rowid where update_texts_fts match 'crews'"
                      ).fetchone() == (81,)


def test_site_templates_are_kept_compressed_and_read_back_as_written(archive):
    """A crawl saves each site's template JSON; the archive keeps it zstd-compressed (m035)
    and hands back the same JSON, which a template is made from again."""
    from archiver.extract import SiteTemplate

    template = SiteTemplate()
    for n in range(12):
        template.observe(f"<html><body><nav>Home News Reviews</nav><article><p>Story {n} "
                         f"{'is told here at some length ' * n}</p></article>"
                         f"<footer>About us. Contact.</footer></body></html>",
                         f"https://n.example/story-{n}/")
    data = template.to_json()
    archive.save_templates({"n.example": data})
    archive.save_templates({"n.example": data})  # saved again at the next crawl's end
    assert archive.load_templates() == {"n.example": data}
    (stored,), = archive.db.execute("select template from site_templates").fetchall()
    assert isinstance(stored, bytes) and len(stored) < len(data) / 2
    assert SiteTemplate.from_json(archive.load_templates()["n.example"]).to_json() == data
