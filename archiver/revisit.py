"""Which archived stories a scheduled crawl fetches again, and how to ask for them cheaply.

A story that changed an hour ago is likely to change again soon; one unchanged for a month is
not. `revisit=due` fetches a story again once the time since it was last fetched reaches a
quarter of the time it has gone unchanged (at least 15 minutes, at most 7 days), so young
and lively stories are watched closely and old ones rarely. Every revisit is a conditional
request when the server gave validators: a 304 answer costs no body and counts as a capture
of the live version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from archiver.normalize import parse_instant

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=7)
MODES = {"1": "all", "true": "all", "yes": "all", "all": "all", "due": "due"}


@dataclass
class Revisit:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def interval(last_fetch: datetime, last_change: datetime) -> timedelta:
    """How long to wait after `last_fetch` for a story unchanged since `last_change`."""
    quiet = max(last_fetch - last_change, timedelta(0))
    return min(max(quiet / 4, MIN_INTERVAL), MAX_INTERVAL)


def is_due(last_fetch: str | None, last_change: str | None, now: datetime) -> bool:
    fetched = parse_instant(last_fetch, timezone.utc)
    changed = parse_instant(last_change, timezone.utc)
    if fetched is None or changed is None:
        return True  # no usable record of when: fetch it
    return now - fetched >= interval(fetched, changed)


def plan(rows, mode: str, now: datetime | None = None) -> list[Revisit]:
    """Revisits for archive rows (url, last_fetch, last_change, etag, last_modified)."""
    now = now or datetime.now(timezone.utc)
    out = []
    for row in rows:
        if mode == "due" and not is_due(row["last_fetch"], row["last_change"], now):
            continue
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        out.append(Revisit(row["url"], headers))
    return out

