"""A capture's row, compact: an unchanged recapture adds a couple of hundred bytes, not half
a kilobyte.

Every fetch is one row of `capture_rows` (m030), read in SQL through the `captures` view,
whose columns and values are the ones a capture always had. What repeats from fetch to fetch
is stored once and named by id:

- `url` and `final_url`: ids of `urls` rows (`final_url_id` 0: the same as `url`);
- `content_type`: an id of a `content_types` row;
- `body_sha256`: the digest's 32 bytes (`body`) instead of its 64 hex digits (a value that
  is not a lowercase hex SHA-256 is kept as the text it is);
- `headers` (JSON text, a list of [name, value]): a template in `header_sets`, which every
  answer of a server shares when its headers differ only in what differs per answer. The
  values of headers such as Date, Age or Content-Length are the template's holes, kept in
  the row (`header_values`, a JSON list); a Content-Type, ETag or Last-Modified value that
  is the row's own column is taken from that column. Headers a template would not give back
  byte for byte stay whole in `header_values`, with no template.

In a template, character 1 stands for `content_type`, 2 for `etag`, 3 for `last_modified`,
and 4 + i for hole i (JSON text never holds a raw control character, so none is ambiguous);
what fills them is a value with nothing to escape in JSON but double quotes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

# The captures view's columns, in its order (the table's before m030).
COLUMNS = ("id", "article_id", "version_id", "url", "final_url", "fetched_at", "status",
           "content_type", "etag", "last_modified", "body_sha256", "source", "outcome",
           "error", "headers")

# Headers whose value commonly differs between two answers that carry the same page.
VARYING = frozenset({
    "date", "age", "expires", "content-length", "set-cookie", "x-request-id", "request-id",
    "x-correlation-id", "x-trace-id", "traceparent", "x-amzn-requestid", "x-amzn-trace-id",
    "x-amz-request-id", "x-amz-cf-id", "x-amz-cf-pop", "cf-ray", "x-cache", "x-cache-hits",
    "x-served-by", "x-timer", "x-varnish", "server-timing", "x-runtime", "x-response-time",
})
HOLES = 8  # at most, per template: as many as the view fills (another number: a new view)
_COLUMN_MARKS = {"content-type": ("content_type", "\x01"), "etag": ("etag", "\x02"),
                 "last-modified": ("last_modified", "\x03")}
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

# Interned values first (a known one is a lookup in a unique index), then the row; `id`
# given (a held row completed, or a row moved by m030) writes over that row.
_INTERN = (
    ("insert or ignore into urls (url) values (?)", ("url", "other_final_url")),
    ("insert or ignore into content_types (content_type) values (?)", ("content_type",)),
    ("insert or ignore into header_sets (template) values (?)", ("template",)),
)
_WRITE = """
insert into capture_rows (id, article_id, version_id, url_id, final_url_id, fetched_at, status,
  content_type_id, etag, last_modified, body, source, outcome, error, header_set,
  header_values)
values (:id, :article_id, :version_id, (select id from urls where url = :url),
  coalesce(:final_url_id, (select id from urls where url = :other_final_url)), :fetched_at,
  :status, (select id from content_types where content_type = :content_type), :etag,
  :last_modified, :body, :source, :outcome, :error,
  (select id from header_sets where template = :template), :header_values)
on conflict (id) do update set (article_id, version_id, url_id, final_url_id, fetched_at,
  status, content_type_id, etag, last_modified, body, source, outcome, error, header_set,
  header_values) = (excluded.article_id, excluded.version_id, excluded.url_id,
  excluded.final_url_id, excluded.fetched_at, excluded.status, excluded.content_type_id,
  excluded.etag, excluded.last_modified, excluded.body, excluded.source, excluded.outcome,
  excluded.error, excluded.header_set, excluded.header_values)
"""


def write(conn: sqlite3.Connection, captures: Sequence[dict[str, Any]]) -> int | None:
    """Write captures given by the view's columns (`id` None: a new row; `headers` the
    stored JSON text, or the pairs as received, which are stored as their JSON text); the
    id of the last one."""
    rows = [_row(c) for c in captures]
    for sql, names in _INTERN:
        values = dict.fromkeys((row[name],) for row in rows for name in names
                               if row[name] is not None)
        if values:
            conn.executemany(sql, values)
    if len(rows) == 1:
        cursor = conn.execute(_WRITE, rows[0])
        return rows[0]["id"] if rows[0]["id"] is not None else cursor.lastrowid
    conn.executemany(_WRITE, rows)
    return rows[-1]["id"] if rows else None


def _row(capture: dict[str, Any]) -> dict[str, Any]:
    """The `_WRITE` parameters of one capture."""
    url, final_url = capture["url"], capture["final_url"]
    same = final_url is not None and final_url == url
    sha = capture["body_sha256"]
    headers = capture["headers"]
    if isinstance(headers, str):
        template, header_values = _stored_headers(headers, capture)
    else:
        template, header_values = _received_headers(headers, capture)
    return {
        "id": capture["id"], "article_id": capture["article_id"],
        "version_id": capture["version_id"], "url": url,
        "final_url_id": 0 if same else None, "other_final_url": None if same else final_url,
        "fetched_at": capture["fetched_at"], "status": capture["status"],
        "content_type": capture["content_type"], "etag": capture["etag"],
        "last_modified": capture["last_modified"],
        "body": bytes.fromhex(sha) if isinstance(sha, str) and _SHA256_HEX.fullmatch(sha)
        else sha,
        "source": capture["source"], "outcome": capture["outcome"], "error": capture["error"],
        "template": template, "header_values": header_values,
    }


def _received_headers(headers: Any, columns: dict[str, Any]) -> tuple[str | None, Any]:
    """(template, `header_values`) for headers as received: [name, value] pairs (or a
    dict), whose stored form is their JSON text (None when there are none)."""
    if isinstance(headers, dict):
        headers = list(headers.items())
    if not headers:
        return None, None
    pairs = [list(h) for h in headers]
    if any(len(p) != 2 for p in pairs):
        return None, json.dumps(pairs, ensure_ascii=False)
    return _template(pairs, columns)


def _stored_headers(text: str, columns: dict[str, Any]) -> tuple[str | None, Any]:
    """(template, `header_values`) for a stored `headers` text (an archive before m030):
    the text itself, with no template, unless it is the JSON text of its pairs."""
    try:
        pairs = json.loads(text)
    except ValueError:
        return None, text
    if not isinstance(pairs, list) or any(not isinstance(p, list) or len(p) != 2
                                          for p in pairs) \
            or json.dumps(pairs, ensure_ascii=False) != text:
        return None, text
    return _template(pairs, columns)


# What JSON escapes in a string (ensure_ascii=False); a value the view fills may hold double
# quotes, which it escapes itself.
_ESCAPED = re.compile(r'[\\"\x00-\x1f]')
_NOT_FILLABLE = re.compile(r"[\\\x00-\x1f]")


def _template(pairs: list[list[Any]], columns: dict[str, Any]) -> tuple[str, str | None]:
    """The template of [name, value] pairs (their JSON text with marks where the view
    fills in values) and its holes' values as a JSON list (None when there are none)."""
    holes: list[str] = []
    parts = []
    for name, value in pairs:
        key = name.lower() if isinstance(name, str) else None
        fillable = isinstance(value, str) and not _NOT_FILLABLE.search(value)
        column, mark = _COLUMN_MARKS.get(key, (None, None))
        if fillable and column and columns[column] == value:
            encoded = f'"{mark}"'
        elif fillable and key in VARYING and len(holes) < HOLES:
            encoded = f'"{chr(4 + len(holes))}"'
            holes.append(value)
        else:
            encoded = _json(value)
        parts.append(f"[{_json(name)}, {encoded}]")
    return "[" + ", ".join(parts) + "]", \
        json.dumps(holes, ensure_ascii=False, separators=(",", ":")) if holes else None


def _json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`, quicker for a string with nothing to escape."""
    if isinstance(value, str) and not _ESCAPED.search(value):
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)
