"""What revisit planning reads from the archive, and the feed and sitemap hints it keeps.

Each article's last fetch is its latest capture of any outcome: a failure is a fetch too,
else a removed or failing story would look unvisited and be due on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.storage import Archive

_TROUBLE = "('failed', 'removed')"
# `live`: each article's live version and the latest 2xx capture that showed it (whose
# validators a conditional revisit sends), worked out once per article (materialized): the
# captures view is read by id in scalar subqueries, never as the right side of a LEFT JOIN,
# where SQLite would have to build the whole view first (it joins capture_rows and urls).
_ROWS = f"""
with fetches as (
  select article_id, max(fetched_at) as last_fetch,
         max(case when outcome not in {_TROUBLE} then fetched_at end) as last_good
  from captures where article_id is not null and outcome != 'held' group by article_id
), trouble as (
  select c.article_id, count(*) as failures_in_row, min(c.fetched_at) as failing_since
  from captures c join fetches f on f.article_id = c.article_id
  where c.outcome in {_TROUBLE} and c.fetched_at > coalesce(f.last_good, '')
  group by c.article_id
), live as materialized (
  select a.id, a.url, a.site, a.status, a.last_seen, v.first_seen,
    (select max(id) from captures where version_id = v.id and status between 200 and 299)
      as validated
  from articles a
  join versions v on v.article_id = a.id and v.version = a.current_version
)
select coalesce((select final_url from captures where id = l.validated), l.url) as url,
  l.site, l.status,
  coalesce(f.last_fetch, l.last_seen) as last_fetch,
  coalesce((select max(fetched_at) from captures
            where article_id = l.id and outcome in ('new_version', 'returned')),
           l.first_seen) as last_change,
  (select etag from captures where id = l.validated) as etag,
  (select last_modified from captures where id = l.validated) as last_modified,
  coalesce(t.failures_in_row, 0) as failures_in_row, t.failing_since,
  (select max(min(h.modified, coalesce(h.seen_at, h.modified))) from revisit_hints h
   where h.url = l.url or h.url in (select url from article_urls where article_id = l.id)
  ) as hint
from live l
left join fetches f on f.article_id = l.id
left join trouble t on t.article_id = l.id
order by l.id
"""


def revisit_rows(archive: Archive) -> list[dict[str, Any]]:
    """Every article with the address that last served its live version, its last fetch (any
    outcome) and last change, that capture's validators, its failed fetches since the last
    good one (and since when), and the latest modified time a feed or sitemap gave for it
    (each no later than when it was seen)."""
    return list(archive.db.query(_ROWS))


def record_hints(archive: Archive, hints: dict[str, str], source: str, seen_at: str) -> None:
    """Keep, per URL, the latest modified time a feed or sitemap gave (ISO 8601, UTC), never
    later than when it was seen: a date in the future (2030) is a publisher's error that
    would otherwise outrank every real one. A kept hint that is later than its own `seen_at`
    (recorded before this rule) is brought down to it the next time the URL is seen."""
    if not hints:
        return
    with archive.writing():
        archive.db.conn.executemany(
            "insert into revisit_hints (url, modified, source, seen_at) "
            "values (?, min(?, ?), ?, ?) "
            "on conflict(url) do update set "
            "modified = max(min(modified, coalesce(seen_at, modified)), excluded.modified), "
            "source = excluded.source, seen_at = excluded.seen_at",
            [(url, modified, seen_at, source, seen_at) for url, modified in hints.items()])
