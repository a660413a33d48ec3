"""Hand the archive to web-archive tools: captures as WARC records, a story as a Memento TimeMap.

A `response` record holds the page as it was fetched (status line, headers, body) dated at
its fetch; a `conversion` record next to it holds the story text extracted from it and
refers to it. Bodies are stored decoded (Scrapy undoes gzip and chunking), so the headers
that described the wire encoding are replaced by a Content-Length that fits the body:
a replay tool reading the record then serves exactly the stored bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import format_datetime
from http import HTTPStatus
from typing import Any, BinaryIO

from archiver.research import reads
from archiver.storage import Archive

# Headers that describe how the body travelled, not the body we hold.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def write_warc(archive: Archive, out: BinaryIO, *, filename: str = "archive.warc.gz",
               site: str | None = None, since: str | None = None) -> dict[str, int]:
    """Write every stored capture with a body (filtered by site and fetch time) to `out` as
    gzipped WARC, after a `warcinfo` record naming `filename`; returns how many records of
    each type were written."""
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": "technews-archiver (archiver warc)",
        "format": "WARC File Format 1.1",
        "description": "Story captures with the text extracted from each",
    }))
    counts = {"response": 0, "conversion": 0}
    for capture in reads.warc_captures(archive, site=site, since=since):
        payload = reads.body(archive, capture["body_sha256"])
        if payload is None:
            continue
        response = _response(writer, capture, payload)
        writer.write_record(response)
        counts["response"] += 1
        if capture["version"] is not None:
            writer.write_record(_conversion(writer, capture, response))
            counts["conversion"] += 1
    return counts


def _response(writer, capture: dict[str, Any], payload: bytes):
    from warcio.statusandheaders import StatusAndHeaders

    status = capture["status"] or 200
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    headers = [(k, v) for k, v in http_headers(capture) if k.lower() not in _WIRE_HEADERS]
    headers.append(("Content-Length", str(len(payload))))
    http = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        capture["final_url"] or capture["url"], "response", payload=io.BytesIO(payload),
        length=len(payload), http_headers=http,
        warc_headers_dict={"WARC-Date": warc_date(capture["fetched_at"])})


def _conversion(writer, capture: dict[str, Any], response):
    text = "\n\n".join(filter(None, [capture["title"], capture["text"]])).encode("utf-8")
    return writer.create_warc_record(
        capture["final_url"] or capture["url"], "conversion", payload=io.BytesIO(text),
        length=len(text), warc_content_type="text/plain; charset=utf-8",
        warc_headers_dict={
            "WARC-Date": warc_date(capture["fetched_at"]),
            "WARC-Refers-To": response.rec_headers.get_header("WARC-Record-ID"),
        })


def http_headers(capture: dict[str, Any]) -> list[tuple[str, str]]:
    """The response headers as received when the archive kept them (`captures.headers`),
    else the ones it always keeps (Content-Type, ETag, Last-Modified)."""
    if capture.get("headers"):
        return [(str(k), str(v)) for k, v in json.loads(capture["headers"])]
    named = (("Content-Type", "content_type"), ("ETag", "etag"),
             ("Last-Modified", "last_modified"))
    return [(name, capture[column]) for name, column in named if capture.get(column)]


def warc_date(fetched_at: str) -> str:
    """An archive time (ISO 8601 with zone) as a WARC-Date (UTC, `Z`)."""
    moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(fetched_at: str) -> str:
    """An archive time as an RFC 1123 date, as Memento's `datetime` wants it."""
    moment = datetime.fromisoformat(warc_date(fetched_at).replace("Z", "+00:00"))
    return format_datetime(moment, usegmt=True)


def memento_uri(prefix: str, fetched_at: str, url: str) -> str:
    """Where a Wayback-style replay (pywb) serves the capture: PREFIX/14-digit time/URL."""
    stamp = warc_date(fetched_at).replace("-", "").replace(":", "").replace("T", "")[:14]
    return f"{prefix.rstrip('/')}/{stamp}/{url}"


def timemap(original: str, mementos: Iterable[dict[str, Any]], prefix: str,
            self_uri: str | None = None) -> str:
    """An RFC 7089 TimeMap in `application/link-format`: the original resource, the TimeGate
    and one memento per capture that showed a distinct version (first and last marked)."""
    mementos = list(mementos)
    lines = [f'<{original}>; rel="original"',
             f'<{prefix.rstrip("/")}/{original}>; rel="timegate"']
    if self_uri:
        extra = ""
        if mementos:
            extra = (f'; from="{http_date(mementos[0]["fetched_at"])}"'
                     f'; until="{http_date(mementos[-1]["fetched_at"])}"')
        lines.append(f'<{self_uri}>; rel="self"; type="application/link-format"{extra}')
    for i, m in enumerate(mementos):
        rel = ["first"] * (i == 0) + ["last"] * (i == len(mementos) - 1) + ["memento"]
        lines.append(f'<{memento_uri(prefix, m["fetched_at"], m["final_url"] or original)}>; '
                     f'rel="{" ".join(rel)}"; datetime="{http_date(m["fetched_at"])}"')
    return ",\n".join(lines) + "\n"
