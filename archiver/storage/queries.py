"""Read the archive the way researchers ask: an article's history, one version, totals."""

from __future__ import annotations

import json
from typing import Any

from archiver.storage.archive import Archive


def _update(row: dict[str, Any]) -> dict[str, Any]:
    return {"kind": row["kind"], "position": row["position"], "text": row["text"],
            "stated_time": row["stated_time"], "first_version": row["first_version"]}


def _change(row: dict[str, Any]) -> dict[str, Any]:
    record = {"kind": row["kind"], "paragraph": row["paragraph"], "old": row["old"],
              "new": row["new"]}
    record.update(json.loads(row["detail"] or "{}"))
    return record


def version_record(archive: Archive, row: dict[str, Any]) -> dict[str, Any]:
    db = archive.db
    captures = next(db.query("select count(*) as n from captures where version_id = ?",
                             [row["id"]]))["n"]
    return {
        "version": row["version"], "first_seen": row["first_seen"],
        "last_seen": row["last_seen"], "captures": captures, "title": row["title"],
        "authors": json.loads(row["authors"] or "[]"), "published": row["published"],
        "modified": row["modified"], "language": row["language"],
        "headlines": json.loads(row["headlines"] or "{}"),
        "paragraphs": json.loads(row["paragraphs"] or "[]"), "change": row["change"],
        "changes": [_change(c) for c in db.query(
            "select * from changes where version_id = ? order by seq", [row["id"]])],
        "updates": [_update(u) for u in archive.updates_of(row["id"])],
    }


def history(archive: Archive, url: str) -> dict[str, Any] | None:
    """Every version of the article behind `url` (fetched or canonical), oldest first."""
    article = archive.article_for(url)
    if article is None:
        return None
    db = archive.db
    versions = db.query("select * from versions where article_id = ? order by version",
                        [article["id"]])
    events = db.query("select at, kind, detail from events where article_id = ? order by id",
                      [article["id"]])
    return {
        "url": article["url"], "canonical_url": article["canonical_url"],
        "status": article["status"], "first_seen": article["first_seen"],
        "last_seen": article["last_seen"], "current_version": article["current_version"],
        "versions": [version_record(archive, row) for row in versions],
        "events": [{**e, "detail": json.loads(e["detail"] or "null")} for e in events],
    }


def stats(archive: Archive) -> dict[str, Any]:
    db = archive.db

    def count(sql: str) -> int:
        return next(db.query(sql))["n"]

    return {
        "articles": count("select count(*) as n from articles"),
        "versions": count("select count(*) as n from versions"),
        "captures": count("select count(*) as n from captures"),
        "failed_captures": count("select count(*) as n from captures where outcome = 'failed'"),
        "updates": count("select count(distinct article_id || '-' || update_key) as n from updates"),
        "removed_articles": count("select count(*) as n from articles where status = 'removed'"),
        "changes_by_kind": {r["change"]: r["n"] for r in db.query(
            "select change, count(*) as n from versions group by change order by n desc")},
        "captures_by_outcome": {r["outcome"]: r["n"] for r in db.query(
            "select outcome, count(*) as n from captures group by outcome order by n desc")},
        "sites": {r["site"]: r["n"] for r in db.query(
            "select site, count(*) as n from articles group by site order by n desc")},
    }
