"""Store the updates a version carries, each keeping its `update_key` across versions."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes import Update, link_updates, version_updates


def store_updates(db: Database, aid: int, version_id: int, number: int, story: Article,
                  comparison, current: dict | None) -> list[dict[str, Any]]:
    """The updates present in this version, each keeping its identity across versions."""
    previous = updates_of(db, current["id"]) if current else []
    before = [as_update(u) for u in previous]
    found = version_updates(story.paragraphs, comparison, before, published=story.published)
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
            "article_id": aid, "version_id": version_id, "version": number, "seq": i,
            "update_key": key, "first_version": first, "kind": update.kind,
            "position": update.position, "marker": update.marker or None,
            "text": update.text, "stated_time": update.stated_time,
            "start": update.start, "end": update.end,
        })
    db["updates"].insert_all(rows)
    return [public_update(r) for r in rows]


def _older_updates(db: Database, aid: int, previous: list[dict]) -> list[dict[str, Any]]:
    """The latest row of every update of the article that the live version lacks."""
    live = {u["update_key"] for u in previous}
    return [r for r in db.query(
        "select * from updates where article_id = ? and id in (select max(id) from updates "
        "where article_id = ? group by update_key) order by update_key", [aid, aid])
        if r["update_key"] not in live]


def _next_update_key(db: Database, aid: int) -> int:
    row = next(db.query(
        "select coalesce(max(update_key), 0) + 1 as k from updates where article_id = ?",
        [aid]))
    return row["k"]


def updates_of(db: Database, version_id: int) -> list[dict[str, Any]]:
    return list(db.query(
        "select * from updates where version_id = ? order by seq", [version_id]))


def as_update(row: dict[str, Any]) -> Update:
    return Update(kind=row["kind"], position=row["position"], text=row["text"],
                  stated_time=row.get("stated_time"), start=row["start"], end=row["end"],
                  marker=row.get("marker") or "")


def public_update(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("kind", "position", "text", "stated_time", "first_version")
    return {k: row[k] for k in keys}
