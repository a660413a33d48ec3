"""The `runs` table: one row per crawl, opened when it starts and completed when it ends.

A crawl that dies without ending keeps its row with no `ended_at`: the operator sees it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.storage import Archive

_JSON_COLUMNS = ("arguments", "settings", "captures", "failures", "cuts")


def start_run(archive: Archive, row: dict[str, Any]) -> int:
    with archive.writing():
        table = archive.db["runs"]
        table.insert(_encode(row))
        return table.last_pk


def finish_run(archive: Archive, run_id: int, row: dict[str, Any]) -> None:
    with archive.writing():
        archive.db["runs"].update(run_id, _encode(row))


def recent_runs(archive: Archive, limit: int | None = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, JSON columns decoded."""
    sql = "select * from runs order by id desc"
    rows = archive.db.query(sql + " limit ?", [limit]) if limit else archive.db.query(sql)
    return [_decode(row) for row in rows]


def failed_captures(archive: Archive, since: str | None = None) -> list[dict[str, Any]]:
    """Failed captures (fetched at or after `since`, an ISO time), newest first."""
    # `outcome <> 'unchanged'` lets SQLite use the partial index of captures (m020)
    where, params = "outcome = 'failed' and outcome <> 'unchanged'", []
    if since:
        where += " and fetched_at >= ?"
        params.append(since)
    return list(archive.db.query(
        f"select id, url, final_url, fetched_at, status, source, error from captures "
        f"where {where} order by fetched_at desc, id desc", params))


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json.dumps(value, ensure_ascii=False, sort_keys=True)
            if key in _JSON_COLUMNS and value is not None else value
            for key, value in row.items()}


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json.loads(value) if key in _JSON_COLUMNS and value else value
            for key, value in row.items()}
