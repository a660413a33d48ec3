"""What a crawl reads before it fetches: site templates, stories due again, the live page."""

from __future__ import annotations

import zlib
from typing import Any

from sqlite_utils import Database

from archiver.items import Capture
from archiver.storage.identity import find_article


def load_templates(db: Database) -> dict[str, str]:
    return {r["site"]: r["template"] for r in db["site_templates"].rows}


def save_templates(db: Database, templates: dict[str, str], at: str) -> None:
    db["site_templates"].upsert_all(
        ({"site": site, "template": data, "updated_at": at} for site, data in templates.items()),
        pk="site")


def revisit_rows(db: Database) -> list[dict[str, Any]]:
    """Every article with the address that last served its live version (not the declared
    canonical, which may not answer), when it was last fetched and last changed (a new
    version, or a return to an old one), and that capture's validators (ETag,
    Last-Modified). Removed articles are included: a 404 can be passing, and a story that
    comes back must be seen."""
    return list(db.query(
        "select coalesce(c.final_url, a.url) as url, a.site, a.status, "
        "a.last_seen as last_fetch, coalesce((select max(fetched_at) from captures "
        "  where article_id = a.id and outcome in ('new_version', 'returned')), "
        "  v.first_seen) as last_change, c.etag, c.last_modified "
        "from articles a "
        "join versions v on v.article_id = a.id and v.version = a.current_version "
        "left join captures c on c.id = (select max(id) from captures "
        "  where version_id = v.id and status between 200 and 299) "
        "order by a.id"))


def current_page(db: Database, capture: Capture) -> tuple[str, str, bytes, str | None] | None:
    """(story hash, final URL, raw body, content type) of the live version of the
    capture's article, from the latest capture that saw it: what a re-extraction
    starts from."""
    article, _ = find_article(db, capture)
    if article is None or not article["current_version"]:
        return None
    rows = list(db.query(
        "select v.story_hash, c.final_url, c.content_type, b.data from versions v "
        "join captures c on c.version_id = v.id join bodies b on b.sha256 = c.body_sha256 "
        "where v.article_id = ? and v.version = ? order by c.id desc limit 1",
        [article["id"], article["current_version"]]))
    if not rows:
        return None
    row = rows[0]
    return (row["story_hash"], row["final_url"], zlib.decompress(row["data"]),
            row["content_type"])
