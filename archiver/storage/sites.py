"""What a crawl reads before it fetches: site templates, stories due again, the live page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.changes.versioning import Stored
from archiver.items import Capture
from archiver.storage.bodies import BodyStore, compress, unpack
from archiver.storage.connection import rows
from archiver.storage.identity import find_article
from archiver.storage.versions import current_version, stored, with_text


def load_templates(db: Database) -> dict[str, str]:
    """Every site's template, as the JSON `SiteTemplate.to_json` wrote."""
    return {site: template_json(data)
            for site, data in db.execute("select site, template from site_templates")}


def load_template(db: Database, site: str) -> str | None:
    """One site's template JSON, or None when the archive has none."""
    row = db.execute("select template from site_templates where site = ?", [site]).fetchone()
    return template_json(row[0]) if row and row[0] is not None else None


def save_templates(db: Database, templates: dict[str, str], at: str) -> None:
    """Keep each site's template JSON zstd-compressed (m035): it is mostly hex fingerprints,
    up to a few hundred kilobytes a site, about a third of that compressed."""
    db.conn.executemany(
        "insert into site_templates (site, template, updated_at) values (?, ?, ?) "
        "on conflict (site) do update set template = excluded.template, "
        "updated_at = excluded.updated_at",
        [(site, packed_template(data), at) for site, data in templates.items()])


def packed_template(data: str) -> bytes:
    return compress(data.encode("utf-8"))


def template_json(stored: bytes | str) -> str:
    """A stored template back as JSON (a row written before m035 is the JSON itself)."""
    return stored if isinstance(stored, str) else unpack(stored, None).decode("utf-8")


@dataclass
class LivePage:
    """The live version of an article and the stored page it was last seen on: what a
    re-extraction (the baseline) starts from."""

    version: Stored
    url: str
    body: bytes
    content_type: str | None


def live_page(db: Database, bodies: BodyStore, capture: Capture) -> LivePage | None:
    article, _ = find_article(db, capture)
    current = current_version(db, article) if article else None
    if current is None:
        return None
    page = version_page(db, bodies, current.id)
    return LivePage(current, *page) if page else None


def version_page(db: Database, bodies: BodyStore, version_id: int
                 ) -> tuple[str, bytes, str | None] | None:
    """(final URL, raw body, content type) of the latest capture that saw this version."""
    row = db.execute(
        "select final_url, body_sha256, content_type from captures "
        "where version_id = ? and body_sha256 is not null order by id desc limit 1",
        [version_id]).fetchone()
    if row is None:
        return None
    body = bodies.get(row[1])
    return (row[0], body, row[2]) if body is not None else None


def story_of_body(db: Database, url: str, body_sha256: str) -> Stored | None:
    """The version the URL's latest stored page was read as, when that page is byte for byte
    `body_sha256`: a page fetched again unchanged need not be read again."""
    row = db.execute(
        "select body_sha256, version_id from captures "
        "where url = ? and body_sha256 is not null order by id desc limit 1", [url]).fetchone()
    if row is None or row[0] != body_sha256 or row[1] is None:
        return None
    found = rows(db, "select * from versions where id = ?", [row[1]])
    return stored(with_text(db, found[0])) if found else None


HELD_COLUMNS = ("id", "url", "final_url", "fetched_at", "status", "content_type", "etag",
                "last_modified", "body_sha256", "source", "headers")


def held_captures(db: Database, capture_id: int | None = None) -> list[dict[str, Any]]:
    """Captures still `held` for a template (all, or the one with this id), oldest first."""
    # `outcome <> 'unchanged'` lets SQLite use the partial index of captures (m020)
    sql = (f"select {', '.join(HELD_COLUMNS)} from captures "
           "where outcome = 'held' and outcome <> 'unchanged'")
    args: list[Any] = []
    if capture_id is not None:
        sql, args = sql + " and id = ?", [capture_id]
    rows = [dict(zip(HELD_COLUMNS, r)) for r in db.execute(sql + " order by id", args)]
    for row in rows:
        row["headers"] = json.loads(row["headers"]) if row["headers"] else None
    return rows
