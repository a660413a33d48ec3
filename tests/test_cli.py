"""The `archiver` CLI over an archive built from captures (no crawl needed)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archiver.article import Article
from archiver.cli import main
from archiver.items import Capture
from archiver.normalize import story_hash
from archiver.storage import Archive

URL = "https://news.example/2026/01/a-story-about-chips/"
P1 = ["Chip prices rose again in January, distributors said.", "Memory was the worst hit."]
UPDATE = "Update: A distributor said prices fell slightly on Friday."


def _capture(paragraphs, when):
    art = Article(title="Chip prices rise", paragraphs=paragraphs, authors=["Ana Ruiz"],
                  canonical_url=URL, published="2026-01-05T10:00:00+00:00")
    return Capture(url=URL + "?utm_source=x", final_url=URL, fetched_at=when, status=200,
                   body=b"<html>page</html>", body_sha256="0" * 64, article=art,
                   identity=URL, story_hash=story_hash(art))


def _build(path):
    with Archive.open(path) as archive:
        archive.record(_capture(P1, "2026-01-05T10:00:00+00:00"))
        archive.record(_capture(P1 + [UPDATE], "2026-01-05T16:00:00+00:00"))


def test_history_json_shape(tmp_path):
    db = tmp_path / "a.db"
    _build(db)
    result = CliRunner().invoke(main, ["history", URL, "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["url"] == URL and data["canonical_url"] == URL
    v1, v2 = data["versions"]
    assert (v1["version"], v1["change"], v1["captures"], v1["updates"]) == (1, "first", 1, [])
    assert v2["change"] == "appended_update" and v2["paragraphs"][-1] == UPDATE
    assert v2["updates"] == [{"kind": "update", "position": "appended", "text": UPDATE,
                              "stated_time": None, "first_version": 2, "update_key": 1,
                              "marker": "Update:"}]
    assert v2["compared_with"] == 1 and v1["compared_with"] is None
    assert v2["changes"] == [{"kind": "appended_update", "paragraph": 2, "old": None,
                              "new": UPDATE, "position": "appended", "end": 3,
                              "marker": "Update:", "update_kind": "update",
                              "stated_time": None}]
    for key in ("first_seen", "last_seen", "title", "authors", "published", "modified"):
        assert key in v2
    assert v2["authors"] == ["Ana Ruiz"]


def test_history_text_show_and_stats(tmp_path):
    db = tmp_path / "a.db"
    _build(db)
    runner = CliRunner()
    text = runner.invoke(main, ["history", URL, "--db", str(db)]).output
    assert "v1" in text and "v2" in text and "appended_update" in text
    shown = runner.invoke(main, ["show", URL, "--version", "1", "--db", str(db)]).output
    assert P1[0] in shown and UPDATE not in shown
    latest = runner.invoke(main, ["show", URL + "?utm_source=x", "--db", str(db)]).output
    assert UPDATE in latest
    stats = json.loads(runner.invoke(main, ["stats", "--json", "--db", str(db)]).output)
    assert stats["articles"] == 1 and stats["versions"] == 2 and stats["captures"] == 2


def test_unknown_url_and_missing_db_fail_cleanly(tmp_path):
    db = tmp_path / "a.db"
    _build(db)
    runner = CliRunner()
    missing = runner.invoke(main, ["history", "https://nowhere.example/x", "--db", str(db)])
    assert missing.exit_code == 1 and "no article archived" in missing.output
    nodb = runner.invoke(main, ["stats", "--db", str(tmp_path / "none.db")])
    assert nodb.exit_code == 1 and "no archive" in nodb.output


TYPO = ["Chip prices rose again in January, distributors said.", "Memory was the worst hit by far."]


def _build_three(path):
    _build(path)
    with Archive.open(path) as archive:
        archive.record(_capture(TYPO + [UPDATE], "2026-01-06T09:00:00+00:00"))


def test_diff_last_two_versions_with_markers(tmp_path):
    db = tmp_path / "a.db"
    _build_three(db)
    result = CliRunner().invoke(main, ["diff", URL, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "v2 -> v3" in result.output and "sentence_edit" in result.output
    assert "Memory was the worst [-hit.-]{+hit by far.+}" in result.output
    assert "\x1b[" not in result.output  # not a terminal: no colour codes


def test_diff_explicit_versions_and_colours(tmp_path):
    db = tmp_path / "a.db"
    _build_three(db)
    runner = CliRunner()
    one_two = runner.invoke(main, ["diff", URL, "1", "2", "--db", str(db)]).output
    assert "v1 -> v2" in one_two and "{+" + UPDATE + "+}" in one_two and "[-" not in one_two
    one_latest = runner.invoke(main, ["diff", URL, "1", "--db", str(db)]).output
    assert "v1 -> v3" in one_latest and "{+hit by far.\n\n" + UPDATE + "+}" in one_latest
    coloured = runner.invoke(main, ["diff", URL, "--color", "--db", str(db)], color=True).output
    assert "\x1b[32m" in coloured and "\x1b[31m" in coloured and "{+" not in coloured
    bad = runner.invoke(main, ["diff", URL, "1", "9", "--db", str(db)])
    assert bad.exit_code == 1 and "no version 9" in bad.output


def test_diff_json_gives_the_change_records(tmp_path):
    db = tmp_path / "a.db"
    _build_three(db)
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["diff", URL, "--json", "--db", str(db)]).output)
    assert (data["from"], data["to"], data["change"]) == (2, 3, "sentence_edit")
    [edit] = data["changes"]
    assert edit["kind"] == "sentence_edit" and edit["paragraph"] == 1
    assert (edit["old"], edit["new"]) == ("Memory was the worst hit.", TYPO[1])
    assert edit["added_words"] == ["hit by far."] and edit["removed_words"] == ["hit."]
    across = json.loads(runner.invoke(main, ["diff", URL, "1", "3", "--json", "--db",
                                             str(db)]).output)
    assert [c["kind"] for c in across["changes"]] == ["appended_update", "sentence_edit"]


def test_diff_with_a_single_version(tmp_path):
    db = tmp_path / "a.db"
    with Archive.open(db) as archive:
        archive.record(_capture(P1, "2026-01-05T10:00:00+00:00"))
    result = CliRunner().invoke(main, ["diff", URL, "--db", str(db)])
    assert result.exit_code == 0 and "only version 1" in result.output


def test_files_that_are_not_archives_are_refused_and_left_alone(tmp_path):
    import sqlite3

    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("create table birds (name text)")
    before = other.read_bytes()
    runner = CliRunner()
    for path, says in [(empty, "not an SQLite file"), (garbage, "cannot be read"),
                       (other, "not an archive")]:
        result = runner.invoke(main, ["stats", "--db", str(path)])
        assert result.exit_code == 1 and says in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert empty.read_bytes() == b"" and other.read_bytes() == before


def test_urls_are_found_however_they_were_copied(tmp_path):
    db = tmp_path / "a.db"
    _build(db)
    for typed in (URL, URL.rstrip("/"), URL.replace("https://", "http://")):
        result = CliRunner().invoke(main, ["history", typed, "--json", "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["url"] == URL


def test_diff_finds_the_url_however_it_was_copied(tmp_path):
    db = tmp_path / "a.db"
    _build(db)
    result = CliRunner().invoke(main, ["diff", URL.rstrip("/"), "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["url"] == URL


def test_clip_cuts_at_a_word_or_inside_a_first_word_too_long():
    """`archiver runs` shows what a run was asked: a list of URLs is one long word, which
    `textwrap.shorten` alone reduces to a bare '…'."""
    from archiver.cli import clip

    asked = "feeds=" + ",".join(f"https://site{n}.example/feed.xml" for n in range(5))
    assert clip(asked + " revisit=due", 90) == asked[:89] + "…"
    assert clip("one two three", 9) == "one two…"
    assert clip("  short  text ", 90) == "short text"
    assert clip(None, 10) == ""
