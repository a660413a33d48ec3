"""What revisit planning reads from the archive, and the feed and sitemap hints it keeps.

Each article's last fetch is its latest capture of any outcome: a failure is a fetch too,
else a removed or failing story would look unvisited and be due on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.storage import Archive

_TROUBLE = "('failed', 'removed')"
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
)
select coalesce(c.final_url, a.url) as url, a.site, a.status,
  coalesce(f.last_fetch, a.last_seen) as last_fetch,
  coalesce((select max(fetched_at) from captures
            where article_id = a.id and outcome in ('new_version', 'returned')),
           v.first_seen) as last_change,
  c.etag, c.last_modified,
  coalesce(t.failures_in_row, 0) as failures_in_row, t.failing_since,
  (select max(h.modified) from revisit_hints h
   where h.url = a.url or h.url in (select url from article_urls where article_id = a.id)
  ) as hint
from articles a
join versions v on v.article_id = a.id and v.version = a.current_version
left join captures c on c.id = (select max(id) from captures
                                where version_id = v.id and status between 200 and 299)
left join fetches f on f.article_id = a.id
left join trouble t on t.article_id = a.id
order by a.id
"""


def revisit_rows(archive: Archive) -> list[dict[str, Any]]:
    """Every article with the address that last served its live version, its last fetch (any
    outcome) and last change, that capture's validators, its failed fetches since the last
    good one (and since when), and the latest modified time a feed or sitemap gave for it."""
    return list(archive.db.query(_ROWS))


def record_hints(archive: Archive, hints: dict[str, str], source: str, seen_at: str) -> None:
    """Keep, per URL, the latest modified time a feed or sitemap gave (ISO 8601, UTC)."""
    if not hints:
        return
    with archive.writing():
        archive.db.conn.executemany(
            "insert into revisit_hints (url, modified, source, seen_at) values (?, ?, ?, ?) "
            "on conflict(url) do update set modified = max(modified, excluded.modified), "
            "source = excluded.source, seen_at = excluded.seen_at",
            [(url, modified, source, seen_at) for url, modified in hints.items()])
