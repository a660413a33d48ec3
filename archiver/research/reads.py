"""Every SQL statement of the researcher's commands, in one place.

The storage schema is moving (distinct paragraphs stored once, a `version_texts` view,
compressed bodies): when it does, this module is the one to change. Raw bodies are read only
through `body()`, which defers to `Archive.body` once storage provides it.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from typing import Any

from archiver.storage import Archive

Row = dict[str, Any]


def body(archive: Archive, sha256: str | None) -> bytes | None:
    """The raw body stored under `sha256`, byte for byte (None when there is none).

    The storage contract gives this as `Archive.body`; until that lands, the zlib rows of
    today's `bodies` table are read here and nowhere else in this package.
    """
    if not sha256:
        return None
    if hasattr(archive, "body"):
        return archive.body(sha256)
    row = archive.db.execute("select data from bodies where sha256 = ?", [sha256]).fetchone()
    return zlib.decompress(row[0]) if row else None


# Search -------------------------------------------------------------------------------------

# Newest matching version first: FTS5 hands rows out in rowid order without sorting, so the
# first `limit` stories come quickly even for a word in every story.
_SEARCH_VERSIONS = """
select f.rowid as version_id, v.article_id from versions_fts f
join versions v on v.id = f.rowid join articles a on a.id = v.article_id
where versions_fts match :query {filters}
order by f.rowid desc
"""
_SEARCH_UPDATES = """
select u.version_id, u.article_id, u.id as update_id from updates_fts f
join updates u on u.id = f.rowid join versions v on v.id = u.version_id
join articles a on a.id = u.article_id
where updates_fts match :query and u.kind = :kind {filters}
order by f.rowid desc
"""
_SNIPPET = "select snippet({table}, -1, char(2), char(3), '…', 16) from {table} " \
           "where {table} match :query and rowid = :rowid"
_HIT = """
select a.url, a.site, v.version, v.first_seen, v.last_seen, v.change, v.title
from versions v join articles a on a.id = v.article_id where v.id = ?
"""
_UPDATES_OF_VERSION = "select id, kind from updates where version_id = ? order by seq"
_UPDATE_MATCHES = "select 1 from updates_fts where updates_fts match :query and rowid = :rowid"


def _filters(site: str | None, since: str | None, until: str | None) -> tuple[str, dict]:
    sql, params = [], {}
    if site:
        sql.append("and a.site = :site")
        params["site"] = site
    if since:
        sql.append("and v.first_seen >= :since")
        params["since"] = since
    if until:
        sql.append("and v.first_seen < :until")
        params["until"] = until
    return " ".join(sql), params


def fts_query(words: str) -> str:
    """Every word quoted, for a query FTS5 cannot parse: a stray `.` or `'` in a researcher's
    query is text, not a syntax error (valid queries keep phrases, OR and prefix*)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


def search(archive: Archive, words: str, *, site: str | None = None, since: str | None = None,
           until: str | None = None, kind: str | None = None, limit: int = 20,
           every_version: bool = False) -> list[Row]:
    """Matching stories, newest first: for each, its latest matching version (or every
    matching version with `every_version`), with a snippet whose hits sit between \\x02 and
    \\x03. With `kind`, only text inside an update of that kind (update, correction,
    editors_note, clarification) counts."""
    try:
        return _search(archive, words, site, since, until, kind, limit, every_version)
    except sqlite3.OperationalError as exc:
        if "fts5" not in str(exc) and "syntax" not in str(exc):
            raise
        return _search(archive, fts_query(words), site, since, until, kind, limit,
                       every_version)


def _search(archive, query, site, since, until, kind, limit, every_version) -> list[Row]:
    db = archive.db.conn
    filters, params = _filters(site, since, until)
    params["query"] = query
    if kind:
        params["kind"] = kind
        cursor = db.execute(_SEARCH_UPDATES.format(filters=filters), params)
    else:
        cursor = db.execute(_SEARCH_VERSIONS.format(filters=filters), params)
    chosen: list[tuple] = []
    seen: set[int] = set()
    for row in cursor:
        if every_version or row[1] not in seen:
            seen.add(row[1])
            chosen.append(row)
            if len(chosen) >= limit:
                break
    cursor.close()
    return [_hit(archive, query, kind, row) for row in chosen]


def _hit(archive: Archive, query: str, kind: str | None, row: tuple) -> Row:
    db = archive.db.conn
    names = ("url", "site", "version", "first_seen", "last_seen", "change", "title")
    hit = dict(zip(names, db.execute(_HIT, [row[0]]).fetchone()))
    if kind:
        table, rowid, in_updates = "updates_fts", row[2], [kind]
    else:
        table, rowid = "versions_fts", row[0]
        in_updates = [k for uid, k in db.execute(_UPDATES_OF_VERSION, [row[0]])
                      if db.execute(_UPDATE_MATCHES, {"query": query, "rowid": uid}).fetchone()]
    snippet = db.execute(_SNIPPET.format(table=table), {"query": query, "rowid": rowid})
    hit["snippet"] = snippet.fetchone()[0]
    hit["in_updates"] = list(dict.fromkeys(in_updates))
    return hit


# The changes feed ---------------------------------------------------------------------------

_FEED = """
select v.id, v.first_seen as at, a.site, a.url, v.version, v.change, v.base_version,
       v.title, a.status
from versions v join articles a on a.id = v.article_id
where 1 = 1 {filters} {kind}
order by v.first_seen desc, v.id desc
{limit}
"""
_FEED_KIND = """and (v.change = :kind
  or exists (select 1 from changes c where c.version_id = v.id and c.kind = :kind)
  or exists (select 1 from updates u where u.version_id = v.id and u.kind = :kind
                                         and u.first_version = v.version))"""
_FEED_KINDS = "select kind from changes where version_id = ? order by seq"
_FEED_UPDATES = """
select kind, position, stated_time, text from updates
where version_id = ? and first_version = ? order by seq
"""


def change_feed(archive: Archive, *, since: str | None = None, until: str | None = None,
                site: str | None = None, kind: str | None = None,
                limit: int | None = None) -> Iterator[Row]:
    """New versions across the archive, newest first, each with all its change kinds and
    the updates that first appeared in it."""
    filters, params = _filters(site, since, until)
    if kind:
        params["kind"] = kind
    sql = _FEED.format(filters=filters, kind=_FEED_KIND if kind else "",
                       limit="limit :limit" if limit else "")
    if limit:
        params["limit"] = limit
    db = archive.db.conn
    names = ("id", "at", "site", "url", "version", "change", "compared_with", "title",
             "status")
    for values in db.execute(sql, params):
        row = dict(zip(names, values))
        row["kinds"] = list(dict.fromkeys(k for (k,) in db.execute(_FEED_KINDS, [row["id"]])))
        row["updates"] = [dict(zip(("kind", "position", "stated_time", "text"), u))
                          for u in db.execute(_FEED_UPDATES, [row.pop("id"), row["version"]])]
        yield row


# Exports ------------------------------------------------------------------------------------

EXPORTS: dict[str, str] = {
    "versions": """
        select v.id, a.url, a.site, v.version, v.first_seen, v.last_seen, v.change,
               v.base_version, v.title, v.authors, v.published, v.modified, v.language,
               v.canonical_url, v.headlines, v.story_hash, v.paragraphs, v.text
        from versions v join articles a on a.id = v.article_id order by v.id""",
    "updates": """
        select u.id, a.url, u.version, u.seq, u.update_key, u.first_version, u.kind,
               u.position, u.marker, u.stated_time, u.text
        from updates u join articles a on a.id = u.article_id order by u.id""",
    "changes": """
        select c.id, a.url, c.version, v.first_seen as at, c.seq, c.kind, c.paragraph,
               c.old, c.new, c.detail
        from changes c join versions v on v.id = c.version_id
        join articles a on a.id = c.article_id order by c.id""",
    "captures": """
        select c.*, a.url as article_url, v.version
        from captures c left join articles a on a.id = c.article_id
        left join versions v on v.id = c.version_id order by c.id""",
    # NewsEdits-style: each version with the one it was compared with (the version live
    # before it, which after a return to an older text is not always number - 1).
    "pairs": """
        select a.url, a.site, o.version as old_version, v.version as new_version,
               o.first_seen as old_seen, v.first_seen as new_seen, o.title as old_title,
               v.title as new_title, o.text as old_text, v.text as new_text, v.change,
               (select json_group_array(kind) from
                  (select kind from changes where version_id = v.id order by seq)) as kinds
        from versions v
        join versions o on o.article_id = v.article_id
                       and o.version = coalesce(v.base_version, v.version - 1)
        join articles a on a.id = v.article_id
        order by v.id""",
}
# Columns holding JSON text: decoded in JSON Lines, left as JSON text in CSV.
JSON_COLUMNS = {"authors", "headlines", "paragraphs", "detail", "kinds", "headers"}


def export_rows(archive: Archive, table: str) -> tuple[list[str], Iterator[tuple]]:
    """(column names, a lazy iterator of rows): one row in memory at a time."""
    cursor = archive.db.conn.execute(EXPORTS[table])
    return [d[0] for d in cursor.description], iter(cursor)


# Captures for WARC, Memento and raw bodies ---------------------------------------------------

_WARC_CAPTURES = """
select c.*, a.site, v.version, v.title, v.text
from captures c left join articles a on a.id = c.article_id
left join versions v on v.id = c.version_id
where c.body_sha256 is not null {filters}
order by c.id
"""


def warc_captures(archive: Archive, *, site: str | None = None,
                  since: str | None = None) -> Iterator[Row]:
    """Every capture that kept a body, oldest first, with the text of the version it showed."""
    filters, params = [], {}
    if site:
        filters.append("and a.site = :site")
        params["site"] = site
    if since:
        filters.append("and c.fetched_at >= :since")
        params["since"] = since
    cursor = archive.db.conn.execute(_WARC_CAPTURES.format(filters=" ".join(filters)), params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))


_MEMENTOS = """
select c.id, c.final_url, c.fetched_at, v.version from captures c
join versions v on v.id = c.version_id
where c.article_id = ? and c.outcome in ('new_version', 'returned')
order by c.fetched_at, c.id
"""


def mementos(archive: Archive, article_id: int) -> list[Row]:
    """The captures at which the story showed a version different from the capture before:
    its first version, each new one, each return to an older one."""
    return [dict(zip(("id", "final_url", "fetched_at", "version"), r))
            for r in archive.db.conn.execute(_MEMENTOS, [article_id])]


_RAW = """
select c.id, c.body_sha256, c.content_type, c.fetched_at, v.version from captures c
left join versions v on v.id = c.version_id
where c.article_id = :article and c.body_sha256 is not null {which}
order by c.id desc limit 1
"""


def raw_capture(archive: Archive, article_id: int, *, version: int | None = None,
                capture_id: int | None = None) -> Row | None:
    """The capture whose body `archiver raw` writes: the given one, the latest of a version,
    or the story's latest capture that kept a body."""
    which, params = "", {"article": article_id}
    if capture_id is not None:
        which, params["capture"] = "and c.id = :capture", capture_id
    elif version is not None:
        which, params["version"] = "and v.version = :version", version
    row = archive.db.conn.execute(_RAW.format(which=which), params).fetchone()
    names = ("id", "body_sha256", "content_type", "fetched_at", "version")
    return dict(zip(names, row)) if row else None


_LATEST_SITE_BODY = """
select c.body_sha256 from captures c
where c.article_id = (select max(id) from articles where site = ? and current_version)
  and c.version_id is not null and c.body_sha256 is not null
order by c.id desc limit 1
"""


def latest_site_body(archive: Archive, site: str) -> bytes | None:
    """The raw page of the latest capture of the site's newest story that showed a version."""
    row = archive.db.conn.execute(_LATEST_SITE_BODY, [site]).fetchone()
    return body(archive, row[0]) if row else None


def decode_json_columns(names: list[str], values: tuple) -> Row:
    """A row as a dict with its JSON text columns decoded."""
    return {n: json.loads(v) if n in JSON_COLUMNS and isinstance(v, str) else v
            for n, v in zip(names, values)}
