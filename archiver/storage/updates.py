"""Update tracking in the archive: which stored update each update of a new version
continues (keeping its `update_key`), worked out before the write lock is taken.

Update rows are stored compact (m033): a live blog's new version repeats nearly every update
of the version before, so each distinct update text is stored once (`update_texts`, by the
paragraphs' key) and a row of `update_rows` names it by id. The `updates` view gives the
columns and values an update row always had, and `text_id` (m036). `update_texts_fts` indexes
each distinct text once (rowid = `update_texts.id`, m036): a new version adds to it only the
texts no version had before.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes import Update, link_updates, version_updates
from archiver.changes.models import Comparison
from archiver.storage.connection import rows
from archiver.storage.texts import index_texts, text_ids

# The `updates` table's columns before m033, in its order: the `updates` view's first
# columns (m036 appends `text_id`); `update_rows` has `text_id` in place of `text`.
COLUMNS = ("id", "article_id", "version_id", "version", "seq", "update_key", "first_version",
           "kind", "position", "marker", "text", "stated_time", "start", "end")
ROW_COLUMNS = tuple("text_id" if c == "text" else c for c in COLUMNS)
INSERT_ROW = (f"insert into update_rows ({', '.join(f'[{c}]' for c in ROW_COLUMNS)}) "
              f"values ({', '.join('?' for _ in ROW_COLUMNS)})")


def plan_updates(db: Database, aid: int, number: int, story: Article, comparison: Comparison,
                 current_id: int | None) -> list[dict[str, Any]]:
    """The update rows of new version `number` (without `version_id`), each keeping the
    identity of the stored update it continues."""
    previous = updates_of(db, current_id) if current_id else []
    before = [as_update(u) for u in previous]
    found = version_updates(story.paragraphs, comparison, before, published=story.published)
    if not found:
        return []
    older = _older_updates(db, aid, previous)
    links = {j: (previous if side == "live" else older)[i]
             for j, (side, i) in link_updates(before, [as_update(r) for r in older],
                                              found).items()}
    next_key = _next_update_key(db, aid)
    rows = []
    for i, update in enumerate(found):
        old = links.get(i)
        key, first = (old["update_key"], old["first_version"]) if old else (next_key, number)
        if not old:
            next_key += 1
        rows.append({
            "article_id": aid, "version_id": None, "version": number, "seq": i,
            "update_key": key, "first_version": first, "kind": update.kind,
            "position": update.position, "marker": update.marker or None,
            "text": update.text, "stated_time": update.stated_time,
            "start": update.start, "end": update.end,
        })
    return rows


def insert_updates(conn: sqlite3.Connection, version_id: int, rows: list[dict[str, Any]]
                   ) -> None:
    """Write the update rows of a new version: their texts not stored yet into
    `update_texts` and the full-text index (m036: only those), the rows into `update_rows`."""
    new = write_update_rows(conn, [{**row, "id": None, "version_id": version_id}
                                   for row in rows])
    index_texts(conn, new, "update_texts")


def write_update_rows(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Rows given by the `updates` table's columns before m033 (`COLUMNS`; `id` None: a new
    row) into `update_rows`, each text by its id in `update_texts` (a text of None stays
    None). Returns the ids of the texts it stored, which no row had before."""
    texts = list(dict.fromkeys(row["text"] for row in rows if row["text"] is not None))
    ids, new = text_ids(conn, texts, "update_texts")
    by_text = dict(zip(texts, ids))
    conn.executemany(INSERT_ROW, [[by_text.get(row["text"]) if c == "text_id" else row[c]
                                   for c in ROW_COLUMNS] for row in rows])
    return new


def _older_updates(db: Database, aid: int, previous: list[dict]) -> list[dict[str, Any]]:
    """The latest row of every update of the article that the live version lacks."""
    live = {u["update_key"] for u in previous}
    return [r for r in rows(
        db, "select * from updates where id in (select max(id) from updates "
        "where article_id = ? group by update_key) order by update_key", [aid])
        if r["update_key"] not in live]


def _next_update_key(db: Database, aid: int) -> int:
    row = db.execute(
        "select coalesce(max(update_key), 0) + 1 from updates where article_id = ?",
        [aid]).fetchone()
    return row[0]


def updates_of(db: Database, version_id: int) -> list[dict[str, Any]]:
    return rows(db, "select * from updates where version_id = ? order by seq", [version_id])


def as_update(row: dict[str, Any]) -> Update:
    return Update(kind=row["kind"], position=row["position"], text=row["text"],
                  stated_time=row.get("stated_time"), start=row["start"], end=row["end"],
                  marker=row.get("marker") or "")


def public_update(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("kind", "position", "text", "stated_time", "first_version")
    return {k: row[k] for k in keys}
