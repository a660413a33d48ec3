"""Write one capture and whatever version, updates and events it implies.

The rules that keep the archive honest live here:
- a capture that `compare()` finds unchanged against the article's current version (story,
  byline, declared modified time and headline variants; whitespace and Unicode form never
  count) only bumps `last_seen`;
- one whose story equals an older version is a return to it (an event), never a new version;
- anything else is a new version, classified against the current one by `archiver.changes`
  (so a bare re-dating or byline change is a version too, labelled `redated`/`byline_change`);
- but not when the capture equals its `baseline`, the current version's own stored page read
  again by today's extractor: then the extraction changed, not the page. Change records are
  computed against that baseline, so they never report extractor drift as an edit;
- a declared modified time within an hour of the fetch, when nothing else changed, is not a
  re-dating (pages that stamp their render time, or a cached copy's, on every request);
- a 404/410 or a redirect to the home page or to another site for a known article is a
  `removed` event, and a story seen again after that a `restored` one.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes import compare
from archiver.items import Capture
from archiver.normalize import parse_instant
from archiver.storage.identity import article_for, ensure_article, find_article
from archiver.storage.updates import public_update, store_updates, updates_of
from archiver.storage.versions import live_story, version_article, version_row

REMOVED_STATUSES = (404, 410)
STAMP_WINDOW = timedelta(hours=1)  # render time, or a cache of it


@dataclass
class RecordResult:
    outcome: str  # new_version | unchanged | returned | failed | removed | held
    article_id: int | None = None
    version: int | None = None
    change: str | None = None
    updates: list[dict[str, Any]] | None = None
    capture_id: int | None = None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def record(db: Database, capture: Capture) -> RecordResult:
    """Store one capture (inside the caller's write transaction)."""
    _store_body(db, capture.body, capture.body_sha256)
    if capture.held:
        return RecordResult("held", capture_id=_insert_capture(db, capture, "held", None, None))
    if capture.status == 304:
        return _record_not_modified(db, capture)
    if capture.error or capture.article is None:
        return _record_failure(db, capture)
    return _record_story(db, capture)


def _store_body(db: Database, body: bytes | None, sha256: str | None) -> None:
    if body is None or sha256 is None:
        return
    db.execute(
        "insert or ignore into bodies (sha256, size, data) values (?, ?, ?)",
        [sha256, len(body), zlib.compress(body, 6)],
    )


def _insert_capture(db: Database, capture: Capture, outcome: str, article_id: int | None,
                    version_id: int | None) -> int:
    table = db["captures"]
    row = {
        "article_id": article_id, "version_id": version_id, "url": capture.url,
        "final_url": capture.final_url, "fetched_at": capture.fetched_at,
        "status": capture.status, "content_type": capture.content_type,
        "etag": capture.etag, "last_modified": capture.last_modified,
        "body_sha256": capture.body_sha256 if capture.body is not None else None,
        "source": capture.source, "outcome": outcome, "error": capture.error,
    }
    if capture.completes:  # the held row of this same fetch becomes the full record
        table.update(capture.completes, row)
        return capture.completes
    table.insert(row)
    return table.last_pk


def _event(db: Database, article_id: int, capture_id: int, at: str, kind: str,
           detail: Any) -> None:
    db["events"].insert({"article_id": article_id, "capture_id": capture_id, "at": at,
                         "kind": kind, "detail": _json(detail)})


def _record_failure(db: Database, capture: Capture) -> RecordResult:
    article = article_for(db, capture.url, capture.final_url, capture.identity)
    gone = capture.status in REMOVED_STATUSES or (capture.error or "").startswith(
        ("redirected to the home page", "redirected to another site"))
    outcome = "removed" if article and gone else "failed"
    article_id = article["id"] if article else None
    capture_id = _insert_capture(db, capture, outcome, article_id, None)
    result = RecordResult(outcome, article_id, capture_id=capture_id)
    if outcome == "removed" and article["status"] != "removed":
        _event(db, article_id, capture_id, capture.fetched_at, "removed",
               {"status": capture.status, "final_url": capture.final_url,
                "reason": capture.error})
        db["articles"].update(article_id, {"status": "removed"})
    return result


def _record_not_modified(db: Database, capture: Capture) -> RecordResult:
    """A 304 to a conditional revisit: the page is the one the live version came from."""
    article = article_for(db, capture.url, capture.final_url)
    if article is None or not article["current_version"]:
        capture.error = "HTTP 304 for a page the archive does not hold"
        return _record_failure(db, capture)
    current = version_row(db, article["id"], article["current_version"])
    result = _seen_again(db, capture, article, current, "unchanged")
    _restore_if_removed(db, article, result, capture.fetched_at)
    return result


def _record_story(db: Database, capture: Capture) -> RecordResult:
    article, identity = find_article(db, capture)
    live = live_story(db, article) if article else None
    if live is not None and _not_the_story(live, capture.article):
        capture.error = "not the story: shares nothing with the archived version"
        return _record_failure(db, capture)
    article = ensure_article(db, capture, article, identity)
    aid, at = article["id"], capture.fetched_at
    current = (version_row(db, aid, article["current_version"])
               if article["current_version"] else None)
    result = _story_outcome(db, capture, article, current)
    _restore_if_removed(db, article, result, at)
    return result


def _restore_if_removed(db: Database, article: dict[str, Any], result: RecordResult,
                        at: str) -> None:
    """A removed article seen again (a story, or a 304 for it) is back: say so, and when."""
    if article["status"] == "removed":
        db["articles"].update(article["id"], {"status": "live"})
        _event(db, article["id"], result.capture_id, at, "restored",
               {"version": result.version, "outcome": result.outcome})


def _story_outcome(db: Database, capture: Capture, article: dict, current: dict | None
                   ) -> RecordResult:
    aid, at, story = article["id"], capture.fetched_at, capture.article
    comparison = compare(version_article(current) if current else None, story)
    if current and comparison.kind != "unchanged" and capture.baseline is not None:
        comparison = compare(capture.baseline, story)
    if current and (comparison.kind == "unchanged" or _stamped_now(comparison, capture)):
        return _seen_again(db, capture, article, current, "unchanged")
    earlier = _earlier(db, aid, capture, current)
    if earlier:
        result = _seen_again(db, capture, article, earlier, "returned")
        _event(db, aid, result.capture_id, at, "returned_to_version",
               {"version": earlier["version"],
                "from_version": current["version"] if current else None})
        return result
    return _new_version(db, capture, article, current, comparison)


def _earlier(db: Database, aid: int, capture: Capture, current: dict | None
             ) -> dict[str, Any] | None:
    """The older version this capture returns to, if any (a flip-flop or a rollback).

    A story (title and paragraphs) equal to an older version's returns to it, preferring
    one whose byline, dates and headline variants match too. When the story equals the
    current version's and only that metadata differs, only such a full match is a return;
    otherwise the capture is a new version (redated, byline_change, title_change).
    """
    rows = [r for r in db.query(
        "select * from versions where article_id = ? and story_hash = ? "
        "order by version desc", [aid, capture.story_hash])
        if not current or r["id"] != current["id"]]
    for row in rows:
        if compare(version_article(row), capture.article).kind == "unchanged":
            return row
    if rows and not (current and current["story_hash"] == capture.story_hash):
        return rows[0]
    return None


def _seen_again(db: Database, capture: Capture, article: dict, version: dict, outcome: str
                ) -> RecordResult:
    at = capture.fetched_at
    db["versions"].update(version["id"], {"last_seen": at})
    db["articles"].update(article["id"], {"last_seen": at,
                                          "current_version": version["version"]})
    capture_id = _insert_capture(db, capture, outcome, article["id"], version["id"])
    updates = [public_update(u) for u in updates_of(db, version["id"])]
    return RecordResult(outcome, article["id"], version["version"], None, updates, capture_id)


def _new_version(db: Database, capture: Capture, article: dict, current: dict | None,
                 comparison) -> RecordResult:
    story, at, aid = capture.article, capture.fetched_at, article["id"]
    number = article["latest_version"] + 1
    versions = db["versions"]
    versions.insert({
        "article_id": aid, "version": number, "first_seen": at, "last_seen": at,
        "story_hash": capture.story_hash, "change": comparison.kind,
        "base_version": current["version"] if current else None, "title": story.title,
        "authors": _json(story.authors), "published": story.published,
        "modified": story.modified, "language": story.language,
        "canonical_url": story.canonical_url, "headlines": _json(story.headlines),
        "paragraphs": _json(story.paragraphs), "text": story.text,
    })
    version_id = versions.last_pk
    updates = store_updates(db, aid, version_id, number, story, comparison, current)
    db["changes"].insert_all(
        {"article_id": aid, "version_id": version_id, "version": number, "seq": i,
         "kind": c.kind, "paragraph": c.paragraph, "old": c.old, "new": c.new,
         "detail": _json(c.detail)}
        for i, c in enumerate(comparison.changes))
    db["diffs"].insert_all(
        {"version_id": version_id, "seq": i, "level": row.level, "op": row.op,
         "old_index": row.old_index, "new_index": row.new_index,
         "old_text": row.old_text, "new_text": row.new_text}
        for i, row in enumerate(comparison.alignment))
    db["articles"].update(aid, {"last_seen": at, "current_version": number,
                                "latest_version": number})
    capture_id = _insert_capture(db, capture, "new_version", aid, version_id)
    return RecordResult("new_version", aid, number, comparison.kind, updates, capture_id)


def _stamped_now(comparison, capture: Capture) -> bool:
    """A bare re-dating whose new modified time is (about) the fetch time: a render stamp."""
    if [c.kind for c in comparison.changes] != ["redated"]:
        return False
    declared = parse_instant(comparison.changes[0].new)
    fetched = parse_instant(capture.fetched_at)
    return bool(declared and fetched and abs(fetched - declared) <= STAMP_WINDOW)


def _not_the_story(live: Article, page: Article) -> bool:
    """A known URL now serving something else (an error page with status 200, a consent wall,
    a script shell): new title, no paragraph in common, and less than half the text."""
    return (page.title != live.title and not set(page.paragraphs) & set(live.paragraphs)
            and len(page.text) * 2 < len(live.text))
