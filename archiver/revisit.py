"""Which archived stories a scheduled crawl fetches again, when, and how to ask for them cheaply.

A story that changed an hour ago is likely to change again soon; one unchanged for a month is
not. `revisit=due` fetches a story again once the time since it was last fetched (by any
fetch: a failure is a fetch too) reaches a quarter of the time it has gone unchanged (at
least 15 minutes, at most 7 days), so young and lively stories are watched closely and old
ones rarely.

A story whose fetches fail, or that was removed, backs off: it is tried again after
ARCHIVER_REVISIT_RETRY hours, then twice as long after each further failure (at most 7
days), and no longer once it has been failing for ARCHIVER_REVISIT_GIVE_UP days
(`revisit=all` still fetches it, and a story that comes back is restored). A feed or sitemap
that says a story was modified after its last fetch (`lastmod`, `<updated>`) makes it due at
once, whatever its backoff. A modified time later than the moment the feed or sitemap was
read (a date in the future) counts as that moment: it can pull a story forward, never push
it back.

Every revisit is a conditional request when the server gave validators: a 304 answer costs
no body and counts as a capture of the live version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from archiver.normalize import parse_instant

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=7)
MODES = {"1": "all", "true": "all", "yes": "all", "all": "all", "due": "due"}


@dataclass
class Revisit:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Backoff:
    """How failing and removed stories are revisited (the two ARCHIVER_REVISIT_* settings)."""

    retry: timedelta = timedelta(hours=1)
    give_up: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls, settings) -> Backoff:
        return cls(retry=timedelta(hours=settings.getfloat("ARCHIVER_REVISIT_RETRY", 1)),
                   give_up=timedelta(days=settings.getfloat("ARCHIVER_REVISIT_GIVE_UP", 30)))

    def wait(self, failures_in_row: int) -> timedelta:
        """How long after the last failed fetch to try again: doubling, at most a week."""
        doublings = min(max(failures_in_row - 1, 0), 20)
        return min(self.retry * 2 ** doublings, MAX_INTERVAL)


@dataclass
class Due:
    """When an archived story is next due, and why (for `archiver due` and `revisit=due`)."""

    url: str
    site: str | None
    status: str | None
    last_fetch: str | None
    due_at: datetime | None  # None: given up (failing for longer than the give-up age)
    reason: str


def interval(last_fetch: datetime, last_change: datetime) -> timedelta:
    """How long to wait after `last_fetch` for a story unchanged since `last_change`."""
    quiet = max(last_fetch - last_change, timedelta(0))
    return min(max(quiet / 4, MIN_INTERVAL), MAX_INTERVAL)


def is_due(last_fetch: str | None, last_change: str | None, now: datetime) -> bool:
    fetched = parse_instant(last_fetch, timezone.utc)
    changed = parse_instant(last_change, timezone.utc)
    if fetched is None or changed is None:
        return True  # no record of when: fetch it
    return now - fetched >= interval(fetched, changed)


def next_due(row: dict[str, Any], now: datetime, backoff: Backoff = Backoff()) -> Due:
    """When the story of an archive row (see archiver.storage.revisits) is due next."""
    fetched = parse_instant(row.get("last_fetch"), timezone.utc)
    changed = parse_instant(row.get("last_change"), timezone.utc)
    hint = parse_instant(row.get("hint"), timezone.utc)
    failures = row.get("failures_in_row") or 0

    def due(at: datetime | None, reason: str) -> Due:
        return Due(row["url"], row.get("site"), row.get("status"), row.get("last_fetch"),
                   at, reason)

    if fetched is None:
        return due(now, "no fetch on record")
    if hint is not None and hint > fetched:  # due at once: a future date never postpones it
        return due(min(hint, now), "feed or sitemap says it was modified")
    if failures:
        failing_since = parse_instant(row.get("failing_since"), timezone.utc) or fetched
        if now - failing_since > backoff.give_up:
            return due(None, f"given up: failing since {failing_since:%Y-%m-%d}")
        what = "removed" if row.get("status") == "removed" else "failing"
        return due(fetched + backoff.wait(failures), f"{what}, {failures} failed fetch"
                   f"{'es' if failures > 1 else ''} in a row")
    if changed is None:
        return due(now, "no change on record")
    return due(fetched + interval(fetched, changed),
               f"unchanged for {_age(fetched - changed)}")


def _age(span: timedelta) -> str:
    hours = max(span, timedelta(0)).total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def schedule(rows, now: datetime | None = None, backoff: Backoff = Backoff()) -> list[Due]:
    """Every archived story with its next due time, soonest first (given up ones last)."""
    now = now or datetime.now(timezone.utc)
    far = datetime.max.replace(tzinfo=timezone.utc)
    return sorted((next_due(row, now, backoff) for row in rows),
                  key=lambda d: (d.due_at or far, d.url))


def plan(rows, mode: str, now: datetime | None = None,
         backoff: Backoff = Backoff()) -> list[Revisit]:
    """Revisits for archive rows (url, last_fetch, last_change, etag, last_modified, and
    failures_in_row, failing_since, hint when known): all of them, or those due by `now`."""
    now = now or datetime.now(timezone.utc)
    out = []
    for row in rows:
        if mode == "due":
            when = next_due(row, now, backoff).due_at
            if when is None or when > now:
                continue
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        out.append(Revisit(row["url"], headers))
    return out


def archived_revisits(db_path: str | None, sites: set[str], mode: str,
                      backoff: Backoff = Backoff()) -> list[Revisit]:
    """Archived articles to fetch again (all, or those due), of `sites` when some are given."""
    from archiver.storage import Archive
    from archiver.storage.revisits import revisit_rows

    if not db_path:
        return []
    with Archive.open(db_path) as archive:
        rows = [r for r in revisit_rows(archive) if not sites or r["site"] in sites]
    return plan(rows, mode, backoff=backoff)
