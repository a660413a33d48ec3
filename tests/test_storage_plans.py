"""Every statement the archive runs per capture, and for `history`, uses an index.

The statements are not listed by hand: they are traced while real captures of every kind are
recorded (first, unchanged, new version with an update, return, 304, removal, restore,
failure, held and completed), then each is asked for its EXPLAIN QUERY PLAN. A full scan of a
table grows with the archive: at a million versions, one is a tenth of a second per capture.
"""

from __future__ import annotations

import hashlib
import re

from archiver.items import Capture
from archiver.storage import queries
from tests.test_storage import URL, A, B, cap

# A SCAN reads a whole table or index (SEARCH is a lookup); scanning a subquery's few rows,
# a constant row or an FTS match is not a table scan.
SCAN = re.compile(r"^SCAN (?!\(|CONSTANT ROW)\w+\b(?! VIRTUAL TABLE)")


def _every_kind_of_capture(archive) -> None:
    archive.record(cap(A, "2026-03-01T10:00:00+00:00"))
    archive.record(cap(A, "2026-03-01T11:00:00+00:00", body=b"<html>ads moved</html>"))
    archive.record(cap(B + ["Update: the vendor recalled it."], "2026-03-01T12:00:00+00:00"))
    archive.record(cap(A, "2026-03-01T13:00:00+00:00"))  # back to version 1
    archive.record(Capture(url=URL, final_url=URL, fetched_at="2026-03-01T14:00:00+00:00",
                           status=304))
    archive.record(Capture(url=URL, final_url=URL, fetched_at="2026-03-01T15:00:00+00:00",
                           status=404, body=b"gone", body_sha256="f" * 64, error="HTTP 404"))
    archive.record(cap(A, "2026-03-01T16:00:00+00:00"))  # restored
    archive.record(Capture(url="https://n.example/x", final_url="https://n.example/x",
                           fetched_at="2026-03-01T17:00:00+00:00", error="TimeoutError"))
    body = b"<html>held page</html>"
    held = Capture(url="https://n.example/held/", final_url="https://n.example/held/",
                   fetched_at="2026-03-01T18:00:00+00:00", status=200, body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), held=True)
    completed = cap(["A held story."], "2026-03-01T18:00:00+00:00", body=body)
    completed.url = completed.final_url = completed.identity = "https://n.example/held/"
    completed.completes = archive.record(held).capture_id
    archive.record(completed)


# Statements FTS5 runs on its shadow tables (`'main'.'paragraphs_fts_config'`), which the
# trace shows since the indexes are fed by statement (m032).
FTS5_INTERNAL = re.compile(r"'main'\.'\w+_fts_(config|data|idx|docsize|content)'")


def test_every_hot_statement_uses_an_index(archive):
    archive.record(cap(["Another story."], "2026-02-01T10:00:00+00:00"))  # more than one row
    statements: list[str] = []
    archive.db.conn.set_trace_callback(statements.append)
    try:
        _every_kind_of_capture(archive)
        queries.history(archive, URL)
    finally:
        archive.db.conn.set_trace_callback(None)
    checked = set()
    for sql in statements:
        if not re.match(r"\s*(select|update|delete)\b", sql, re.I) or sql in checked:
            continue
        if FTS5_INTERNAL.search(sql):  # FTS5 reading its own shadow tables, not ours
            continue
        checked.add(sql)
        plan = [row[3] for row in archive.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        scans = [step for step in plan if SCAN.match(step)]
        assert not scans, f"{sql}\n  scans: {scans}"
    assert len(checked) > 15  # the trace did see the hot path


# Hand-written lookups through the captures view (m030: a join of capture_rows and urls),
# each by the index it needs.
VIEW_LOOKUPS = {
    "select * from captures where url = ? order by id desc": "idx_capture_rows_url",
    "select * from captures where article_id = ?": "idx_capture_rows_article",
    "select count(*) from captures where version_id = ?": "idx_capture_rows_version",
    "select id, url, error from captures where outcome = 'failed' "
    "and outcome <> 'unchanged' and fetched_at >= ? order by fetched_at desc":
        "idx_capture_rows_outcome_fetched_at",
    "select * from captures where id = ?": "INTEGER PRIMARY KEY",
}


def test_lookups_through_the_captures_view_use_an_index(archive):
    _every_kind_of_capture(archive)
    for sql, index in VIEW_LOOKUPS.items():
        plan = [row[3] for row in archive.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                          ["x"] * sql.count("?"))]
        assert any(index in step for step in plan), f"{sql}\n  plan: {plan}"
        assert not [step for step in plan if SCAN.match(step)], f"{sql}\n  plan: {plan}"


def test_revisit_planning_never_builds_the_whole_captures_view(archive):
    """The view on the right of a LEFT JOIN is built whole (SQLite cannot flatten a join
    there): the revisit query reads it by id instead."""
    from archiver.storage import revisits

    _every_kind_of_capture(archive)
    plan = [row[3] for row in archive.db.conn.execute(f"EXPLAIN QUERY PLAN {revisits._ROWS}")]
    assert not [step for step in plan if "captures" in step], plan
    assert "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)" in plan


# Lookups through the updates view (m033: update_rows, with its text from update_texts by id)
# that the write path, history, the changes feed, search and the README make, each by the
# index it needs.
def _update_lookups() -> dict[str, str]:
    from archiver.research import reads

    return {
        "select * from updates where version_id = ? order by seq": "idx_update_rows_version",
        "select * from updates where article_id = ? order by version, seq":
            "idx_update_rows_article_update_key",
        "select coalesce(max(update_key), 0) + 1 from updates where article_id = ?":
            "idx_update_rows_article_update_key",
        reads._UPDATES_MATCHING.format(ids="1, 2"): "idx_update_rows_version",
        reads._FEED_UPDATES: "idx_update_rows_version",
        # search --kind (m036): the newest rows in order, the older by their text's id
        reads._SEARCH_RECENT_UPDATES.format(filters=""): "INTEGER PRIMARY KEY (rowid>?)",
        reads._SEARCH_RECENT_UPDATES.format(filters="and a.site = :site"):
            "INTEGER PRIMARY KEY (rowid>?)",
        reads._SEARCH_OLDER_UPDATES.format(filters=""): "idx_update_rows_text",
        reads._SEARCH_OLDER_UPDATES.format(filters="and a.site = :site"): "idx_update_rows_text",
        reads._UPDATE_SNIPPET: "VIRTUAL TABLE INDEX 0:=M",
        "select * from updates where kind = ?": "idx_update_rows_kind",
        "select id, text from update_texts where key in (?, ?)": "idx_update_texts_key",
    }


def test_search_walks_the_newest_update_rows_without_a_sort(archive):
    """Search --kind's first pass hands out the newest rows in order (a common word's
    hits at once); only its second pass, over the older rows of the matching texts, sorts."""
    from archiver.research import reads

    for sql, sorts in ((reads._SEARCH_RECENT_UPDATES, False), (reads._SEARCH_OLDER_UPDATES, True)):
        plan = [row[3] for row in archive.db.conn.execute(
            f"EXPLAIN QUERY PLAN {sql.format(filters='')}",
            {"query": "x", "kind": "update", "floor": 0})]
        assert any("ORDER BY" in step for step in plan) == sorts, plan


def test_lookups_through_the_updates_view_use_an_index(archive):
    _every_kind_of_capture(archive)
    for sql, index in _update_lookups().items():
        names = re.findall(r":(\w+)", sql)
        params = dict.fromkeys(names, "x") if names else ["x"] * sql.count("?")
        plan = [row[3] for row in archive.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert any(index in step for step in plan), f"{sql}\n  plan: {plan}"
        assert not [step for step in plan if SCAN.match(step)], f"{sql}\n  plan: {plan}"
