"""The archive's schema, as sqlite-utils migrations: an existing archive upgrades in place.

Add a new `@migrations()` function for every change; never edit an applied one.
"""

from __future__ import annotations

import json
import re

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
def m003_compact_storage(db: Database) -> None:
    """Bytes a recapture adds, from kilobytes to a capture row.

    - Bodies: zstd against an earlier body used as a raw dictionary (`dictionary`, `depth`);
      `site_key_frames` names the body each site's new pages are compressed against. Older
      rows stay zlib (`codec`) and are read as they are.
    - Version text: each distinct paragraph once (`paragraphs`), each version an ordered list
      of ids (`version_paragraphs`), readable in SQL through the `version_texts` view; a
      paragraph-level diff row refers to its stored paragraphs (`diff_rows`), read through
      the `diffs` view with the columns it always had.
    - Full-text search over distinct paragraphs (`paragraphs_fts`) and version titles
      (`versions_fts`, title only): nothing is re-indexed when `last_seen` moves.
    - Captures keep the response headers (`headers`, JSON list of [name, value]).
    - Events by article (updates by article come with m020).
    """
    from archiver.changes.models import AlignRow
    from archiver.storage.texts import INSERT_DIFF, diff_row, store_version_text, stored_paragraphs

    conn = db.conn
    conn.execute("alter table bodies add column codec text")
    conn.execute("alter table bodies add column dictionary text")
    conn.execute("alter table bodies add column depth integer")
    conn.execute("update bodies set codec = 'zlib', depth = 0")
    conn.execute("create table site_key_frames (site text primary key, sha256 text not null "
                 "references bodies(sha256))")
    conn.execute("alter table captures add column headers text")

    conn.execute("create table paragraphs (id integer primary key, key integer not null, "
                 "text text not null)")
    conn.execute("create index idx_paragraphs_key on paragraphs (key)")
    conn.execute("create table version_paragraphs (version_id integer not null references "
                 "versions(id), position integer not null, paragraph_id integer not null "
                 "references paragraphs(id), primary key (version_id, position)) without rowid")
    conn.execute("create index idx_version_paragraphs_paragraph "
                 "on version_paragraphs (paragraph_id)")
    rows = conn.execute("select id, paragraphs from versions order by id").fetchall()
    for version_id, paragraphs in rows:
        # (no full-text index yet: it is built below, from the table)
        store_version_text(conn, version_id, json.loads(paragraphs or "[]"), index=False)

    conn.execute("create table diff_rows (id integer primary key, version_id integer not null "
                 "references versions(id), seq integer, level text, op text, old_index integer, "
                 "new_index integer, old_paragraph integer references paragraphs(id), "
                 "new_paragraph integer references paragraphs(id), old_text text, new_text text)")
    old_diffs = conn.execute("select id, version_id, seq, level, op, old_index, new_index, "
                             "old_text, new_text from diffs order by id").fetchall()
    known = stored_paragraphs(conn, {t for d in old_diffs if d[3] == "paragraph"
                                     for t in d[7:] if t})
    for d in old_diffs:
        values = diff_row(conn, d[1], d[2], AlignRow(*d[3:]), known)
        conn.execute(INSERT_DIFF.replace("(version_id", "(id, version_id").replace(
            "values (", "values (?, "), [d[0], *values])
    conn.execute("drop table diffs")
    conn.execute("create index idx_diff_rows_version on diff_rows (version_id)")
    conn.execute(
        "create view diffs as select d.id, d.version_id, d.seq, d.level, d.op, d.old_index, "
        "d.new_index, coalesce(d.old_text, (select text from paragraphs where id = "
        "d.old_paragraph)) as old_text, coalesce(d.new_text, (select text from paragraphs "
        "where id = d.new_paragraph)) as new_text from diff_rows d")

    db["versions"].disable_fts()
    conn.execute("alter table versions drop column paragraphs")
    conn.execute("alter table versions drop column text")
    conn.execute("create virtual table paragraphs_fts using fts5 (text, content=\"paragraphs\", "
                 "content_rowid=id, tokenize='unicode61')")
    conn.execute("create trigger paragraphs_ai after insert on paragraphs begin "
                 "insert into paragraphs_fts (rowid, text) values (new.id, new.text); end")
    conn.execute("create virtual table versions_fts using fts5 (title, content=\"versions\", "
                 "content_rowid=id, tokenize='unicode61')")
    conn.execute("create trigger versions_ai after insert on versions begin "
                 "insert into versions_fts (rowid, title) values (new.id, new.title); end")
    conn.execute("create trigger versions_au after update of title on versions begin "
                 "insert into versions_fts (versions_fts, rowid, title) "
                 "values ('delete', old.id, old.title); "
                 "insert into versions_fts (rowid, title) values (new.id, new.title); end")
    conn.execute("insert into paragraphs_fts (paragraphs_fts) values ('rebuild')")
    conn.execute("insert into versions_fts (versions_fts) values ('rebuild')")
    conn.execute(
        "create view version_texts as "
        "select v.id as version_id, v.article_id, v.version, v.title, "
        "coalesce((select json_group_array(t) from (select p.text as t "
        "  from version_paragraphs vp join paragraphs p on p.id = vp.paragraph_id "
        "  where vp.version_id = v.id order by vp.position)), '[]') as paragraphs, "
        "coalesce((select group_concat(t, char(10) || char(10)) from (select p.text as t "
        "  from version_paragraphs vp join paragraphs p on p.id = vp.paragraph_id "
        "  where vp.version_id = v.id order by vp.position)), '') as text "
        "from versions v")

    conn.execute("create index if not exists idx_events_article on events (article_id)")


@migrations()
def m010_runs(db: Database) -> None:
    """One row per crawl (archiver/runs.py): what it was asked, what it did, how it ended."""
    db["runs"].create({
        "id": int, "started_at": str, "ended_at": str, "spider": str, "arguments": str,
        "settings": str, "requests": int, "pages_fetched": int, "captures": str,
        "new_articles": int, "new_versions": int, "failures": str, "cuts": str,
        "finish_reason": str,
        "exit_status": int, "pid": int,
    }, pk="id")
    db["runs"].create_index(["started_at"])


@migrations()
def m011_revisit_hints(db: Database) -> None:
    """The latest modified time a feed or sitemap gave for a URL (archiver/revisit.py)."""
    db["revisit_hints"].create({"url": str, "modified": str, "source": str, "seen_at": str},
                               pk="url")


@migrations()
def m020_research_indexes(db: Database) -> None:
    """What the researcher's commands read by: the changes feed and search filters by time
    and site, stats groups by kind and outcome, failures by fetch time, and update text gets
    its own full-text index (search --kind)."""
    db["versions"].create_index(["first_seen"], if_not_exists=True)
    db["versions"].create_index(["change"], if_not_exists=True)
    db["articles"].create_index(["site"], if_not_exists=True)
    # One partial index for captures: every outcome but `unchanged` (the bulk of recaptures,
    # which stay small), by fetch time. Queries name `outcome <> 'unchanged'` to use it;
    # stats counts unchanged captures as the total minus the others.
    db.execute("create index if not exists idx_captures_outcome_fetched_at "
               "on captures (outcome, fetched_at) where outcome <> 'unchanged'")
    db["updates"].create_index(["article_id", "update_key"], if_not_exists=True)
    db["updates"].create_index(["kind"], if_not_exists=True)
    db["updates"].enable_fts(["text"], create_triggers=True, tokenize="unicode61")


@migrations()
def m021_research_lookups(db: Database) -> None:
    """The removed-story count (stats) without a table scan (events by article: m003)."""
    db["articles"].create_index(["status"], if_not_exists=True)


@migrations()
def m022_change_kinds(db: Database) -> None:
    """Change records of one kind with their versions (headline changes, corrections) read
    from the index alone, never from the rows holding old and new text."""
    db["changes"].create_index(["kind", "version_id"], if_not_exists=True)


@migrations()
def m030_compact_captures(db: Database) -> None:
    """Captures, compact (archiver/storage/captures.py): the rows move to `capture_rows`,
    where URLs, content types and header sets are ids of rows stored once and the body hash
    is its 32 bytes; `captures` becomes a view with the columns and values it always had.
    An unchanged recapture adds ~200 bytes instead of ~500. Events refer to the rows."""
    from archiver.storage.captures import COLUMNS, HOLES, write

    conn = db.conn
    conn.execute("create table urls (id integer primary key, url text not null unique)")
    conn.execute("create table content_types (id integer primary key, "
                 "content_type text not null unique)")
    conn.execute("create table header_sets (id integer primary key, "
                 "template text not null unique)")
    conn.execute(
        "create table capture_rows (id integer primary key, "
        "article_id integer references articles(id), version_id integer references "
        "versions(id), url_id integer references urls(id), final_url_id integer, "
        "fetched_at text, status integer, content_type_id integer references "
        "content_types(id), etag text, last_modified text, body blob, source text, "
        "outcome text, error text, header_set integer references header_sets(id), "
        "header_values text)")
    old = conn.execute(f"select {', '.join(COLUMNS)} from captures order by id")
    while batch := old.fetchmany(1000):
        write(conn, [dict(zip(COLUMNS, row)) for row in batch])

    # events refer to capture rows: a table, where a foreign key may point (not a view)
    events, indexes = conn.execute("select sql from sqlite_master where name = 'events'"
                                   ).fetchone()[0], [r[0] for r in conn.execute(
        "select sql from sqlite_master where type = 'index' and tbl_name = 'events' "
        "and sql is not null")]
    quoted = r"[\"`\[]?{}[\"`\]]?"
    events = re.sub(r"^create table\s+" + quoted.format("events"), "CREATE TABLE events_moved",
                    events, flags=re.I)
    conn.execute(re.sub(r"references\s+" + quoted.format("captures"),
                        "REFERENCES capture_rows", events, flags=re.I))
    conn.execute("insert into events_moved select * from events")
    conn.execute("drop table events")
    conn.execute("alter table events_moved rename to events")
    for sql in indexes:
        conn.execute(sql)
    conn.execute("drop table captures")

    conn.execute("create index idx_capture_rows_url on capture_rows (url_id)")
    conn.execute("create index idx_capture_rows_article on capture_rows (article_id)")
    conn.execute("create index idx_capture_rows_version on capture_rows (version_id)")
    conn.execute("create index idx_capture_rows_outcome_fetched_at on capture_rows "
                 "(outcome, fetched_at) where outcome <> 'unchanged'")  # as m020's
    # each mark of the template (archiver/storage/captures.py) with its value, JSON-escaped
    fills = ["(select content_type from content_types where id = r.content_type_id)",
             "r.etag", "r.last_modified",
             *(f"json_extract(r.header_values, '$[{hole}]')" for hole in range(HOLES))]
    headers = "(select template from header_sets where id = r.header_set)"
    for mark, value in enumerate(fills, start=1):
        headers = (f"replace({headers}, char({mark}), "
                   f"replace(coalesce({value}, ''), '\"', '\\\"'))")
    conn.execute(
        "create view captures as select r.id, r.article_id, r.version_id, u.url, "
        "case r.final_url_id when 0 then u.url "
        "  else (select url from urls where id = r.final_url_id) end as final_url, "
        "r.fetched_at, r.status, "
        "(select content_type from content_types where id = r.content_type_id) "
        "  as content_type, "
        "r.etag, r.last_modified, "
        "case when typeof(r.body) = 'blob' then lower(hex(r.body)) else r.body end "
        "  as body_sha256, "
        "r.source, r.outcome, r.error, "
        f"case when r.header_set is null then r.header_values else {headers} end as headers "
        "from capture_rows r left join urls u on u.id = r.url_id")


@migrations()
def m031_site_recent_bodies(db: Database) -> None:
    """`site_key_frames.recent`: the site's latest page that its key frame did not compress
    well, which its new pages are tried against too (archiver/storage/bodies.py): a site's
    pages drift from an old key frame."""
    db.execute("alter table site_key_frames add column recent text references bodies(sha256)")


@migrations()
def m032_text_indexes_by_statement(db: Database) -> None:
    """New paragraphs and update rows enter their full-text indexes in one statement per
    capture (`texts.index_texts`, `updates.insert_updates`), not through insert triggers
    row by row: FTS5 costs about three times as much fed a row at a time, and it was the
    largest cost of recording a new story (and of a live blog's new version)."""
    db.execute("drop trigger if exists paragraphs_ai")
    db.execute("drop trigger if exists updates_ai")


@migrations()
def m033_update_texts_once(db: Database) -> None:
    """Update rows, compact (archiver/storage/updates.py): a live blog's new version repeats
    nearly every update of the version before, text and all. Each distinct update text is
    now stored once (`update_texts`, keyed as paragraphs are), the rows move to
    `update_rows` (`text_id` for `text`), and `updates` becomes a view with the columns and
    values it always had. `updates_fts` indexes the view, rowid = `updates.id` as before:
    an FTS5 index over a view names its rowid column, so it is made again and rebuilt."""
    from archiver.storage.updates import COLUMNS, write_update_rows

    conn = db.conn
    conn.execute("create table update_texts (id integer primary key, key integer not null, "
                 "text text not null)")
    conn.execute("create index idx_update_texts_key on update_texts (key)")
    conn.execute(
        "create table update_rows (id integer primary key, "
        "article_id integer references articles(id), "
        "version_id integer references versions(id), version integer, seq integer, "
        "update_key integer, first_version integer, kind text, position text, marker text, "
        "text_id integer references update_texts(id), stated_time text, start integer, "
        "[end] integer)")
    old = conn.execute(f"select {', '.join(f'[{c}]' for c in COLUMNS)} from updates "
                       "order by id")
    while batch := old.fetchmany(1000):
        write_update_rows(conn, [dict(zip(COLUMNS, row)) for row in batch])

    conn.execute("drop table updates_fts")
    conn.execute("drop table updates")  # its indexes and its FTS triggers with it
    conn.execute("create index idx_update_rows_version on update_rows (version_id)")
    conn.execute("create index idx_update_rows_article_update_key "
                 "on update_rows (article_id, update_key)")
    conn.execute("create index idx_update_rows_kind on update_rows (kind)")
    conn.execute(
        "create view updates as select r.id, r.article_id, r.version_id, r.version, r.seq, "
        "r.update_key, r.first_version, r.kind, r.position, r.marker, "
        "(select t.text from update_texts t where t.id = r.text_id) as text, "
        "r.stated_time, r.start, r.[end] from update_rows r")
    conn.execute("create virtual table updates_fts using fts5 (text, content='updates', "
                 "content_rowid='id', tokenize='unicode61')")
    conn.execute("insert into updates_fts (updates_fts) values ('rebuild')")


@migrations()
def m034_body_levels(db: Database) -> None:
    """`bodies.level`: the zstd level each body was compressed at, so that `archiver compact`
    (which recompresses bodies at rest at a slower level) knows which bodies it has done."""
    db.execute("alter table bodies add column level integer")


@migrations()
def m035_compressed_templates(db: Database) -> None:
    """`site_templates.template` zstd-compressed (archiver/storage/sites.py): a mature
    site's template is a few hundred kilobytes of JSON, mostly hex fingerprints; across
    thousands of sites that was most of what the archive held besides pages and text."""
    from archiver.storage.sites import packed_template, template_json

    conn = db.conn
    rows = conn.execute("select site, template from site_templates").fetchall()
    conn.executemany("update site_templates set template = ? where site = ?",
                     [(packed_template(template_json(data)), site) for site, data in rows
                      if data is not None])


@migrations()
def m036_update_texts_fts(db: Database) -> None:
    """Update texts indexed once each (`update_texts_fts`, rowid = `update_texts.id`), as
    paragraphs are: `updates_fts` indexed every (version, update) row, so a live blog's new
    version indexed again every update it repeated, over a third of what the version added.
    The `updates` view gains `text_id` (its last column) to join a hit to its rows, by the
    index on `update_rows (text_id)`."""
    conn = db.conn
    conn.execute("drop table updates_fts")
    conn.execute("drop view updates")
    conn.execute(
        "create view updates as select r.id, r.article_id, r.version_id, r.version, r.seq, "
        "r.update_key, r.first_version, r.kind, r.position, r.marker, "
        "(select t.text from update_texts t where t.id = r.text_id) as text, "
        "r.stated_time, r.start, r.[end], r.text_id from update_rows r")
    conn.execute("create index idx_update_rows_text on update_rows (text_id)")
    # content="..." double-quoted, as paragraphs_fts: Datasette then offers search on
    # update_texts (it looks for that spelling)
    conn.execute("create virtual table update_texts_fts using fts5 (text, "
                 "content=\"update_texts\", content_rowid='id', tokenize='unicode61')")
    conn.execute("insert into update_texts_fts (update_texts_fts) values ('rebuild')")
