"""Every SQL statement of the researcher's commands, in one place.

Version text lives in distinct paragraphs (`paragraphs`, `version_paragraphs`, the
`version_texts` view) with full-text indexes over paragraphs and titles; raw bodies are read
only through `Archive.body`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from archiver.storage import Archive

Row = dict[str, Any]


def body(archive: Archive, sha256: str | None) -> bytes | None:
    """The raw body stored under `sha256`, byte for byte (None when there is none)."""
    return archive.body(sha256) if sha256 else None


# Search -------------------------------------------------------------------------------------

# Matching text newest first: FTS5 hands rows out in rowid order without sorting, and both
# titles (versions_fts) and distinct paragraphs (paragraphs_fts) are numbered as they first
# appear, so the first `limit` stories come quickly even for a word in every story.
_SNIPPET = "snippet({table}, -1, char(2), char(3), '…', 16)"
# Rows: (version id, story id, snippet, kind of the update matched or None). The snippet is
# cut while FTS5 stands on the row: asked for later, it would seek the row again.
_SEARCH_TITLES = """
select f.rowid as version_id, v.article_id, """ + _SNIPPET.format(table="versions_fts") + """,
       null from versions_fts f
join versions v on v.id = f.rowid join articles a on a.id = v.article_id
where versions_fts match :query {filters}
order by f.rowid desc
"""
_SEARCH_PARAGRAPHS = "select rowid, " + _SNIPPET.format(table="paragraphs_fts") + \
    " from paragraphs_fts where paragraphs_fts match :query order by rowid desc"
_VERSIONS_WITH_PARAGRAPH = """
select vp.version_id, v.article_id, :snippet, null
from version_paragraphs vp
join versions v on v.id = vp.version_id join articles a on a.id = v.article_id
where vp.paragraph_id = :paragraph {filters}
order by vp.version_id desc
"""
# Each distinct update text is indexed once (update_texts_fts, m036), and its rows are
# read newest row first, as the index of every row gave them before, so the same stories
# come first. Two passes: the newest `_RECENT_UPDATE_ROWS` rows walked in order (a common
# word's hits come at once, before any sort), then the older rows of the matching texts
# found by `text_id` and sorted (a rare word's few rows, without walking the table). The
# CROSS JOINs and `+` fix each pass's plan. Rows: (version id, story id, text id, kind); the
# snippet is cut for the hits alone (`_UPDATE_SNIPPET`), not for every row.
_RECENT_UPDATE_ROWS = 10_000
_SEARCH_RECENT_UPDATES = """
select u.version_id, u.article_id, u.text_id, u.kind
from updates u cross join versions v on v.id = u.version_id
cross join articles a on a.id = u.article_id
where u.id > :floor and +u.kind = :kind
  and +u.text_id in (select rowid from update_texts_fts where update_texts_fts match :query)
  {filters}
order by u.id desc
"""
_SEARCH_OLDER_UPDATES = """
select u.version_id, u.article_id, u.text_id, u.kind
from update_texts_fts f
cross join updates u on u.text_id = f.rowid join versions v on v.id = u.version_id
join articles a on a.id = u.article_id
where update_texts_fts match :query and u.id <= :floor and u.kind = :kind {filters}
order by u.id desc
"""
_UPDATE_SNIPPET = "select " + _SNIPPET.format(table="update_texts_fts") + \
    " from update_texts_fts where update_texts_fts match :query and rowid = :text"
_HIT = """
select a.url, a.site, v.version, v.first_seen, v.last_seen, v.change, v.title
from versions v join articles a on a.id = v.article_id where v.id = ?
"""
# The kinds of the chosen versions' updates whose text matches, newest row first: the
# versions' rows by their index, and the hits of the full-text index from the lowest of their
# texts' ids up (a text is numbered when it first appears, so a recent version's texts are
# mostly among the newest: the index is seldom read whole).
_UPDATES_MATCHING = """
select u.version_id, u.kind from updates u
where u.version_id in ({ids})
  and u.text_id in (select rowid from update_texts_fts where update_texts_fts match :query
                    and rowid >= (select min(text_id) from update_rows
                                  where version_id in ({ids})))
order by u.id desc
"""


def _filters(site: str | None, since: str | None, until: str | None,
             time: str = "v.first_seen") -> tuple[str, dict]:
    """SQL conditions (and their parameters) on the story's site (`a.site`) and on `time`."""
    sql, params = [], {}
    if site:
        sql.append("and a.site = :site")
        params["site"] = site
    if since:
        sql.append(f"and {time} >= :since")
        params["since"] = since
    if until:
        sql.append(f"and {time} < :until")
        params["until"] = until
    return " ".join(sql), params


def fts_query(words: str) -> str:
    """Every word quoted, for a query FTS5 cannot parse: a stray `.` or `'` in a researcher's
    query is text, not a syntax error (valid queries keep phrases, OR and prefix*)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words.split())


def search(archive: Archive, words: str, *, site: str | None = None, since: str | None = None,
           until: str | None = None, kind: str | None = None, limit: int = 20,
           every_version: bool = False) -> list[Row]:
    """Stories whose headline or a paragraph matches (all the words of a query within one
    paragraph), newest first: for each, its latest version showing the match (or every such
    version with `every_version`), with a snippet whose hits sit between \\x02 and \\x03.
    With `kind`, only text inside an update of that kind (update, correction, editors_note,
    clarification) counts."""
    try:
        return _search(archive, words, site, since, until, kind, limit, every_version)
    except sqlite3.OperationalError:
        # FTS5 reads `RISC-V` as column V, `word:` as a column filter, a lone `"` as an open
        # string: any error of the query's syntax. Quoted word by word, the query is text;
        # an error that is not the query's comes back the second time.
        quoted = fts_query(words)
        if quoted == words:
            raise
        return _search(archive, quoted, site, since, until, kind, limit, every_version)


def _search(archive, query, site, since, until, kind, limit, every_version) -> list[Row]:
    filters, params = _filters(site, since, until)
    params["query"] = query
    if kind:
        params["kind"] = kind
        streams = [_update_rows(archive, filters, params)]
    else:
        streams = [archive.db.conn.execute(_SEARCH_TITLES.format(filters=filters), params),
                   _paragraph_rows(archive, filters, params)]
    chosen: dict[tuple, tuple] = {}  # (story, or version with every_version) -> newest row
    for rows in streams:
        found: set = set()
        for row in rows:
            key = row[0] if every_version else row[1]
            if key not in chosen or chosen[key][0] < row[0]:
                chosen[key] = row
            found.add(key)
            if len(found) >= limit:
                break
    best = sorted(chosen.values(), key=lambda r: r[0], reverse=True)[:limit]
    if kind:  # the update rows' hits carry their text's id, for its snippet
        best = [(v, a, _update_snippet(archive, query, text), k) for v, a, text, k in best]
    in_updates = {} if kind else _updates_matching(archive, query, [r[0] for r in best])
    hits = [_hit(archive, row, in_updates) for row in best]
    # ids follow the order captures were written, which a crawl's parallel readers may
    # shuffle by a moment: the answer is ordered by when each version was first seen
    return sorted(hits, key=lambda h: h["first_seen"], reverse=True)


def _paragraph_rows(archive: Archive, filters: str, params: dict) -> Iterator[tuple]:
    """(version, story, snippet, None) for each version showing a matching paragraph, the
    most recently first-seen paragraphs first."""
    conn = archive.db.conn
    versions_with = _VERSIONS_WITH_PARAGRAPH.format(filters=filters)
    for paragraph, snippet in conn.execute(_SEARCH_PARAGRAPHS, {"query": params["query"]}):
        yield from conn.execute(versions_with, {**params, "paragraph": paragraph,
                                                "snippet": snippet})


def _update_rows(archive: Archive, filters: str, params: dict,
                 recent: int = _RECENT_UPDATE_ROWS) -> Iterator[tuple]:
    """(version, story, text id, kind) for each update row of the kind whose text matches,
    newest row first: the `recent` newest rows in order, then the older ones."""
    conn = archive.db.conn
    newest = conn.execute("select coalesce(max(id), 0) from update_rows").fetchone()[0]
    bounds = {**params, "floor": newest - recent}
    yield from conn.execute(_SEARCH_RECENT_UPDATES.format(filters=filters), bounds)
    yield from conn.execute(_SEARCH_OLDER_UPDATES.format(filters=filters), bounds)


def _updates_matching(archive: Archive, query: str, version_ids: list[int]
                      ) -> dict[int, list[str]]:
    """{version id: kinds of its updates that match the query}, for the chosen versions."""
    ids = ",".join(str(int(v)) for v in version_ids)
    found: dict[int, list[str]] = {}
    if ids:
        for vid, kind in archive.db.conn.execute(_UPDATES_MATCHING.format(ids=ids),
                                                 {"query": query}):
            found.setdefault(vid, []).append(kind)
    return found


def _update_snippet(archive: Archive, query: str, text_id: int) -> str:
    """The snippet of one matching update text (the same in every row that shows it)."""
    row = archive.db.conn.execute(_UPDATE_SNIPPET, {"query": query, "text": text_id}).fetchone()
    return row[0]


def _hit(archive: Archive, row: tuple, in_updates: dict[int, list[str]]) -> Row:
    names = ("url", "site", "version", "first_seen", "last_seen", "change", "title")
    hit = dict(zip(names, archive.db.conn.execute(_HIT, [row[0]]).fetchone()))
    hit["snippet"] = row[2]
    hit["in_updates"] = [row[3]] if row[3] else list(dict.fromkeys(in_updates.get(row[0], [])))
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
               v.canonical_url, v.headlines, v.story_hash, t.paragraphs, t.text
        from versions v join articles a on a.id = v.article_id
        join version_texts t on t.version_id = v.id order by v.id""",
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
               v.title as new_title, ot.text as old_text, nt.text as new_text, v.change,
               (select json_group_array(kind) from
                  (select kind from changes where version_id = v.id order by seq)) as kinds
        from versions v
        join versions o on o.article_id = v.article_id
                       and o.version = coalesce(v.base_version, v.version - 1)
        join version_texts ot on ot.version_id = o.id
        join version_texts nt on nt.version_id = v.id
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
select c.*, a.site, v.version, v.title, t.text
from captures c left join articles a on a.id = c.article_id
left join versions v on v.id = c.version_id
left join version_texts t on t.version_id = c.version_id
where c.body_sha256 is not null {filters}
order by c.id
"""


def warc_captures(archive: Archive, *, site: str | None = None,
                  since: str | None = None) -> Iterator[Row]:
    """Every capture that kept a body, oldest first, with the text of the version it showed."""
    filters, params = _filters(site, since, None, time="c.fetched_at")
    cursor = archive.db.conn.execute(_WARC_CAPTURES.format(filters=filters), params)
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
