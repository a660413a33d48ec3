"""The archive's schema, as sqlite-utils migrations: an existing archive upgrades in place.

Add a new `@migrations()` function for every change; never edit an applied one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("archiver")


@migrations()
def m001_initial(db: Database) -> None:
    db["articles"].create({
        "id": int, "url": str, "canonical_url": str, "site": str, "first_seen": str,
        "last_seen": str, "current_version": int, "latest_version": int, "status": str,
    }, pk="id")
    db["articles"].create_index(["url"], unique=True)
    db["article_urls"].create({"url": str, "article_id": int}, pk="url",
                              foreign_keys=[("article_id", "articles", "id")])
    db["versions"].create({
        "id": int, "article_id": int, "version": int, "first_seen": str, "last_seen": str,
        "story_hash": str, "change": str, "title": str, "authors": str, "published": str,
        "modified": str, "language": str, "canonical_url": str, "headlines": str,
        "paragraphs": str, "text": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["versions"].create_index(["article_id", "version"], unique=True)
    db["versions"].create_index(["story_hash"])
    db["updates"].create({
        "id": int, "article_id": int, "version_id": int, "version": int, "seq": int,
        "update_key": int, "first_version": int, "kind": str, "position": str, "marker": str,
        "text": str, "stated_time": str, "start": int, "end": int,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("version_id", "versions", "id")])
    db["updates"].create_index(["version_id"])
    db["changes"].create({
        "id": int, "article_id": int, "version_id": int, "version": int, "seq": int,
        "kind": str, "paragraph": int, "old": str, "new": str, "detail": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("version_id", "versions", "id")])
    db["changes"].create_index(["version_id"])
    db["changes"].create_index(["kind"])
    db["diffs"].create({
        "id": int, "version_id": int, "seq": int, "level": str, "op": str,
        "old_index": int, "new_index": int, "old_text": str, "new_text": str,
    }, pk="id", foreign_keys=[("version_id", "versions", "id")])
    db["diffs"].create_index(["version_id"])
    db["bodies"].create({"sha256": str, "size": int, "data": bytes}, pk="sha256")
    db["captures"].create({
        "id": int, "article_id": int, "version_id": int, "url": str, "final_url": str,
        "fetched_at": str, "status": int, "content_type": str, "etag": str,
        "last_modified": str, "body_sha256": str, "source": str, "outcome": str, "error": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("version_id", "versions", "id"),
                              ("body_sha256", "bodies", "sha256")])
    db["captures"].create_index(["article_id"])
    db["captures"].create_index(["version_id"])
    db["captures"].create_index(["url"])
    db["events"].create({
        "id": int, "article_id": int, "capture_id": int, "at": str, "kind": str, "detail": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")])
    db["site_templates"].create({"site": str, "template": str, "updated_at": str}, pk="site")
    db["versions"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")


@migrations()
def m002_version_base(db: Database) -> None:
    """Which version a new version was compared with: after a flip-flop it is not the one before."""
    db["versions"].add_column("base_version", int)


@migrations()
def m020_research_indexes(db: Database) -> None:
    """What the researcher's commands read by: the changes feed and search filters by time
    and site, stats groups by kind and outcome, WARC exports by fetch time, and update text
    gets its own full-text index (search --kind)."""
    db["versions"].create_index(["first_seen"], if_not_exists=True)
    db["versions"].create_index(["change"], if_not_exists=True)
    db["articles"].create_index(["site"], if_not_exists=True)
    db["captures"].create_index(["outcome"], if_not_exists=True)
    db["captures"].create_index(["fetched_at"], if_not_exists=True)
    db["updates"].create_index(["article_id", "update_key"], if_not_exists=True)
    db["updates"].create_index(["kind"], if_not_exists=True)
    db["updates"].enable_fts(["text"], create_triggers=True, tokenize="unicode61")


@migrations()
def m021_research_lookups(db: Database) -> None:
    """A story's events (history) and the removed-story count (stats) without a table scan;
    change records of one kind with their versions (headline changes) from the index alone."""
    db["events"].create_index(["article_id"], if_not_exists=True)
    db["articles"].create_index(["status"], if_not_exists=True)
    db["changes"].create_index(["kind", "version_id"], if_not_exists=True)
