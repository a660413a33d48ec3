"""Read the archive the way researchers ask: an article's history, one version, totals."""

from __future__ import annotations

import json
from typing import Any

from archiver.changes import compare
from archiver.normalize import normalize_url
from archiver.storage.archive import Archive
from archiver.storage.versions import version_article, versions_of


def _update(row: dict[str, Any]) -> dict[str, Any]:
    """An update as researchers see it; `update_key` is the same for every version of one note."""
    return {"kind": row["kind"], "position": row["position"], "text": row["text"],
            "stated_time": row["stated_time"], "first_version": row["first_version"],
            "update_key": row["update_key"], "marker": row["marker"]}


def _change(kind: str, paragraph: int | None, old: str | None, new: str | None,
            detail: dict[str, Any]) -> dict[str, Any]:
    """A change record with its kind-specific detail flattened in, as history prints it."""
    return {"kind": kind, "paragraph": paragraph, "old": old, "new": new, **detail}


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
        "compared_with": row.get("base_version"),
        "changes": [_change(c["kind"], c["paragraph"], c["old"], c["new"],
                            json.loads(c["detail"] or "{}")) for c in db.query(
            "select * from changes where version_id = ? order by seq", [row["id"]])],
        "updates": [_update(u) for u in archive.updates_of(row["id"])],
    }


def update_histories(archive: Archive, article_id: int) -> list[dict[str, Any]]:
    """One entry per update (by `update_key`): when it appeared, and each wording it had."""
    out: dict[int, dict[str, Any]] = {}
    for row in archive.db.query("select * from updates where article_id = ? order by version, seq",
                                [article_id]):
        entry = out.setdefault(row["update_key"], {
            "update_key": row["update_key"], "kind": row["kind"],
            "first_version": row["first_version"], "stated_time": row["stated_time"],
            "versions": [], "texts": []})
        entry["versions"].append(row["version"])
        if not entry["texts"] or entry["texts"][-1]["text"] != row["text"]:
            entry["texts"].append({"version": row["version"], "position": row["position"],
                                   "text": row["text"]})
    return sorted(out.values(), key=lambda e: (e["first_version"], e["update_key"]))


def history(archive: Archive, url: str) -> dict[str, Any] | None:
    """Every version of the article behind `url` (fetched or canonical), oldest first."""
    article = archive.article_for(url)
    if article is None:
        return None
    db = archive.db
    versions = versions_of(db, article["id"])
    events = db.query("select at, kind, detail from events where article_id = ? order by id",
                      [article["id"]])
    failures = db.query("select fetched_at, url, final_url, status, outcome, error "
                        "from captures where article_id = ? and outcome in ('failed', 'removed') "
                        "order by fetched_at, id", [article["id"]])
    return {
        "url": article["url"], "canonical_url": article["canonical_url"],
        "status": article["status"], "first_seen": article["first_seen"],
        "last_seen": article["last_seen"], "current_version": article["current_version"],
        "versions": [version_record(archive, row) for row in versions],
        "updates": update_histories(archive, article["id"]),
        "events": [{**e, "detail": json.loads(e["detail"] or "null")} for e in events],
        "failed_captures": list(failures),
    }


def article_reached_by(archive: Archive, *urls: str) -> dict[str, Any] | None:
    """The article behind any URL it was reached by: one it is known by (fetched, redirected,
    same-site canonical), else one a capture of it was asked for or landed on, else its
    declared canonical, even on another site (a syndicated copy's original)."""
    found = archive.article_for(*urls)
    if found is not None:
        return found
    candidates = list(dict.fromkeys([*urls, *(normalize_url(u) for u in urls)]))
    marks = ", ".join("?" * len(candidates))
    by_capture = list(archive.db.query(
        f"select a.* from captures c join articles a on a.id = c.article_id "
        f"where c.url in ({marks}) or c.final_url in ({marks}) order by c.id desc",
        candidates * 2))
    if by_capture:
        return by_capture[0]
    by_canonical = list(archive.db.query(
        f"select * from articles where canonical_url in ({marks}) order by id", candidates))
    return by_canonical[0] if by_canonical else None
    return None


def diff(archive: Archive, url: str, a: int | None = None, b: int | None = None
         ) -> dict[str, Any] | None:
    """Two versions of the article behind `url` and the change records between them.

    Defaults: no numbers -> the last two versions; one number -> that version against the
    latest. Records are computed for exactly this pair (the stored ones are against whatever
    version was live before, which after a flip-flop is not necessarily `a`).
    """
    article = archive.article_for(url)
    if article is None:
        return None
    latest = article["latest_version"]
    if a is None:
        a, b = max(latest - 1, 1), latest
    elif b is None:
        b = latest
    rows = {n: archive.version_row(article["id"], n) for n in (a, b)}
    missing = [n for n, row in rows.items() if row is None]
    if missing:
        raise LookupError(f"no version {missing[0]}; versions are 1..{latest}")
    old, new = version_article(rows[a]), version_article(rows[b])
    result = compare(old, new)
    return {
        "url": article["url"], "from": a, "to": b, "change": result.kind,
        "changes": [_change(c.kind, c.paragraph, c.old, c.new, c.detail)
                    for c in result.changes],
        "old": {"title": old.title, "text": old.text},
        "new": {"title": new.title, "text": new.text},
    }


def stats(archive: Archive) -> dict[str, Any]:
    db = archive.db

    def count(sql: str) -> int:
        return next(db.query(sql))["n"]

    def by(column: str, table: str, where: str = "") -> dict[str, int]:
        return {r[column]: r["n"] for r in db.query(
            f"select {column}, count(*) as n from {table} {where} group by {column} "
            "order by n desc")}

    captures = count("select count(*) as n from captures")
    # the partial index of captures leaves out `unchanged` (m020): counted as the rest
    outcomes = by("outcome", "captures", "where outcome <> 'unchanged'")
    unchanged = captures - sum(outcomes.values())
    if unchanged:
        outcomes["unchanged"] = unchanged
    return {
        "articles": count("select count(*) as n from articles"),
        "versions": count("select count(*) as n from versions"),
        "captures": captures,
        "failed_captures": outcomes.get("failed", 0),
        # distinct pairs read straight off the (article_id, update_key) index (m020)
        "updates": count("select count(*) as n from "
                         "(select distinct article_id, update_key from updates)"),
        "removed_articles": count("select count(*) as n from articles where status = 'removed'"),
        "changes_by_kind": by("change", "versions"),
        "change_records_by_kind": by("kind", "changes"),
        "events_by_kind": by("kind", "events"),
        "captures_by_outcome": dict(sorted(outcomes.items(), key=lambda kv: -kv[1])),
        "sites": by("site", "articles"),
    }
