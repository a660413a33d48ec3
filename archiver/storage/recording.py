"""Write one capture and whatever version, updates and events it implies.

The rules are pure functions in `archiver.changes.versioning`; this module reads what they
need, and carries out their answer. The expensive part (comparison, update matching, body
compression) is planned from a consistent snapshot BEFORE the write lock is taken; under the
lock the story's state is read again, and only if another crawl changed it in between is the
plan made again there. So the decision and its writes always see the same current version,
and the lock is held only for a few plain SQL statements.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes.versioning import (
    Decision,
    Stored,
    decide,
    differs,
    is_removal,
    lifecycle_event,
)
from archiver.items import Capture
from archiver.normalize import normalize_url, site_of
from archiver.storage import captures
from archiver.storage.bodies import BodyStore, Packed, pack
from archiver.storage.connection import writing
from archiver.storage.identity import article_for, ensure_article, find_article, is_alias
from archiver.storage.sites import version_page
from archiver.storage.texts import INSERT_DIFF, diff_row, store_version_text, stored_paragraphs
from archiver.storage.updates import insert_updates, plan_updates, public_update, updates_of
from archiver.storage.versions import current_version, same_story

# Re-reads a stored page with today's extractor: (body, url, content type) -> Article.
Reread = Callable[[bytes, str, "str | None"], Article]


class StaleBaseline(Exception):
    """The capture's baseline was read from a version another capture has replaced since, and
    the page of the live version must be read again by the caller (`defer_reread`): then the
    capture is recorded once more, with `baseline_version = version_id`. Nothing was written."""

    def __init__(self, url: str, body: bytes, content_type: str | None):
        super().__init__(url)
        self.url, self.body, self.content_type = url, body, content_type
        self.version_id: int | None = None


def defer_reread(body: bytes, url: str, content_type: str | None) -> Article:
    """A `Reread` for a caller whose extractor must not run where the archive is written
    (the crawl's writer thread): it raises StaleBaseline for the caller to read the page."""
    raise StaleBaseline(url, body, content_type)


@dataclass
class RecordResult:
    # new_version | unchanged | returned | failed | removed | held; duplicate: the held
    # capture this one completes was completed by another crawl, nothing written
    outcome: str
    article_id: int | None = None
    version: int | None = None
    change: str | None = None
    updates: list[dict[str, Any]] | None = None
    capture_id: int | None = None


@dataclass
class Plan:
    """A story capture's decision and everything needed to write it."""

    article: dict[str, Any] | None
    identity: str
    decision: Decision
    current: Stored | None = None
    alias: bool = True  # the URL asked for is another address of the story
    updates: list[dict[str, Any]] = field(default_factory=list)  # of a new version
    seen_updates: list[dict[str, Any]] = field(default_factory=list)  # of a version seen again

    def still_holds(self, db: Database, capture: Capture) -> bool:
        """Is the story still in the state this plan was made from?"""
        if self.article is None:
            return find_article(db, capture)[0] is None
        row = db.execute("select current_version, latest_version, status from articles "
                         "where id = ?", [self.article["id"]]).fetchone()
        return row == (self.article["current_version"], self.article["latest_version"],
                       self.article["status"])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def record(db: Database, bodies: BodyStore, capture: Capture, reread: Reread | None = None
           ) -> RecordResult:
    """Store one capture: planned outside the write lock, written in one transaction."""
    packed = _pack_body(db, bodies, capture)
    plan = None
    if capture.article is not None and not capture.held and not capture.error \
            and capture.status != 304:
        with _snapshot(db):
            plan = _plan_story(db, bodies, capture, reread)
    with writing(db):
        if capture.completes:
            held = _held_state(db, capture)
            if held == "completed":
                return RecordResult("duplicate", capture_id=capture.completes)
            if held == "elsewhere":  # a held row of another archive (a worker's scratch one)
                capture.completes = None
        # A held page is an article page not read yet: as good a key frame as a story.
        if packed is not None and bodies.put(packed) and (capture.article is not None
                                                          or capture.held):
            bodies.site_page_stored(site_of(capture.final_url), packed, capture.body)
        if capture.held:
            return RecordResult("held", capture_id=_insert_capture(db, capture, "held", None,
                                                                   None))
        if capture.status == 304:
            return _record_not_modified(db, capture)
        if plan is None:
            return _record_failure(db, capture)
        if not plan.still_holds(db, capture):  # another crawl wrote this story meanwhile
            plan = _plan_story(db, bodies, capture, reread)
        return _record_story(db, capture, plan)


def _held_state(db: Database, capture: Capture) -> str:
    """The held row this capture completes: "held" (still waiting), "completed" (another
    crawl completed it), or "elsewhere" (no row of this archive holds this fetch)."""
    row = db.execute("select outcome, url, fetched_at from captures where id = ?",
                     [capture.completes]).fetchone()
    if row is None or (normalize_url(row[1]), row[2]) != (normalize_url(capture.url),
                                                           capture.fetched_at):
        return "elsewhere"
    return "held" if row[0] == "held" else "completed"


class _snapshot:
    """A read transaction: every read inside sees one state of the archive."""

    def __init__(self, db: Database):
        self.conn = db.conn

    def __enter__(self):
        self.conn.execute("BEGIN")

    def __exit__(self, *exc):
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")


def _pack_body(db: Database, bodies: BodyStore, capture: Capture) -> Packed | None:
    """The capture's raw body compressed against its closest stored relative, or None when
    there is no body or it is stored already."""
    body, sha = capture.body, capture.body_sha256
    if body is None or sha is None:
        return None
    with _snapshot(db):
        if bodies.has(sha):
            return None
        references = bodies.references(capture.url, site_of(capture.final_url))
    return pack(sha, body, references)


def _plan_story(db: Database, bodies: BodyStore, capture: Capture, reread: Reread | None
                ) -> Plan:
    story = capture.article
    article, identity = find_article(db, capture)
    current = current_version(db, article) if article else None
    baseline = capture.baseline
    if current is not None and capture.baseline_version not in (None, current.id):
        baseline = None  # read from a version that is no longer the current one
        if reread is not None and differs(current.article, story):
            baseline = _reread_current(db, bodies, current, reread)
    same = same_story(db, article["id"], capture.story_hash) if article else []
    decision = decide(story, capture.story_hash, capture.fetched_at, current, baseline, same)
    plan = Plan(article, identity, decision, current, is_alias(db, article, capture))
    if decision.version is not None:
        plan.seen_updates = [public_update(u) for u in updates_of(db, decision.version.id)]
    if decision.outcome == "new_version":
        aid = article["id"] if article else None
        number = (article["latest_version"] if article else 0) + 1
        plan.updates = plan_updates(db, aid, number, story, decision.comparison,
                                    current.id if current else None)
    return plan


def _reread_current(db: Database, bodies: BodyStore, current: Stored, reread: Reread
                    ) -> Article | None:
    page = version_page(db, bodies, current.id)
    if page is None:
        return None
    try:
        return reread(page[1], page[0], page[2])
    except StaleBaseline as stale:
        stale.version_id = current.id
        raise


def _insert_capture(db: Database, capture: Capture, outcome: str, article_id: int | None,
                    version_id: int | None) -> int:
    """The capture's row; a capture that `completes` a held row of the same fetch writes
    over it, so the held row becomes the full record."""
    return captures.write(db.conn, [{
        "id": capture.completes or None, "article_id": article_id, "version_id": version_id,
        "url": capture.url, "final_url": capture.final_url, "fetched_at": capture.fetched_at,
        "status": capture.status, "content_type": capture.content_type, "etag": capture.etag,
        "last_modified": capture.last_modified,
        "body_sha256": capture.body_sha256 if capture.body is not None else None,
        "source": capture.source, "outcome": outcome, "error": capture.error,
        "headers": getattr(capture, "headers", None)}])


def _event(db: Database, article_id: int, capture_id: int, at: str, kind: str,
           detail: Any) -> None:
    db.execute("insert into events (article_id, capture_id, at, kind, detail) "
               "values (?, ?, ?, ?, ?)", [article_id, capture_id, at, kind, _json(detail)])


def _set_status(db: Database, article_id: int, status: str) -> None:
    db.execute("update articles set status = ? where id = ?", [status, article_id])


def _record_failure(db: Database, capture: Capture) -> RecordResult:
    article = article_for(db, capture.url, capture.final_url, capture.identity)
    outcome = "removed" if article and is_removal(capture.status, capture.error) else "failed"
    article_id = article["id"] if article else None
    capture_id = _insert_capture(db, capture, outcome, article_id, None)
    if article and lifecycle_event(article["status"], outcome) == "removed":
        _event(db, article_id, capture_id, capture.fetched_at, "removed",
               {"status": capture.status, "final_url": capture.final_url,
                "reason": capture.error})
        _set_status(db, article_id, "removed")
    return RecordResult(outcome, article_id, capture_id=capture_id)


def _record_not_modified(db: Database, capture: Capture) -> RecordResult:
    """A 304 to a conditional revisit: the page is the one the live version came from."""
    article = article_for(db, capture.url, capture.final_url)
    if article is None or not article["current_version"]:
        capture.error = "HTTP 304 for a page the archive does not hold"
        return _record_failure(db, capture)
    version_id = db.execute("select id from versions where article_id = ? and version = ?",
                            [article["id"], article["current_version"]]).fetchone()[0]
    result = _seen_again(db, capture, article, version_id, article["current_version"],
                         "unchanged")
    _restore_if_removed(db, article, result, capture.fetched_at)
    return result


def _record_story(db: Database, capture: Capture, plan: Plan) -> RecordResult:
    decision = plan.decision
    if decision.outcome == "not_the_story":
        capture.error = "not the story: shares nothing with the archived version"
        return _record_failure(db, capture)
    article = ensure_article(db, capture, plan.article, plan.identity, plan.alias)
    if decision.outcome == "new_version":
        result = _new_version(db, capture, article, plan)
    else:
        seen = decision.version
        result = _seen_again(db, capture, article, seen.id, seen.number, decision.outcome,
                             plan.seen_updates)
        if decision.outcome == "returned":
            _event(db, article["id"], result.capture_id, capture.fetched_at,
                   "returned_to_version",
                   {"version": seen.number,
                    "from_version": plan.current.number if plan.current else None})
    _restore_if_removed(db, article, result, capture.fetched_at)
    return result


def _restore_if_removed(db: Database, article: dict[str, Any], result: RecordResult,
                        at: str) -> None:
    """A removed article seen again (a story, or a 304 for it) is back: say so, and when."""
    if lifecycle_event(article["status"], result.outcome) == "restored":
        _set_status(db, article["id"], "live")
        _event(db, article["id"], result.capture_id, at, "restored",
               {"version": result.version, "outcome": result.outcome})


def _seen_again(db: Database, capture: Capture, article: dict, version_id: int, number: int,
                outcome: str, updates: list[dict[str, Any]] | None = None) -> RecordResult:
    at = capture.fetched_at
    db.execute("update versions set last_seen = ? where id = ?", [at, version_id])
    db.execute("update articles set last_seen = ?, current_version = ? where id = ?",
               [at, number, article["id"]])
    capture_id = _insert_capture(db, capture, outcome, article["id"], version_id)
    if updates is None:
        updates = [public_update(u) for u in updates_of(db, version_id)]
    return RecordResult(outcome, article["id"], number, None, updates, capture_id)


def _new_version(db: Database, capture: Capture, article: dict, plan: Plan) -> RecordResult:
    story, at, aid = capture.article, capture.fetched_at, article["id"]
    comparison = plan.decision.comparison
    number = article["latest_version"] + 1
    conn: sqlite3.Connection = db.conn
    version_id = conn.execute(
        "insert into versions (article_id, version, first_seen, last_seen, story_hash, "
        "change, base_version, title, authors, published, modified, language, "
        "canonical_url, headlines) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [aid, number, at, at, capture.story_hash, comparison.kind,
         plan.current.number if plan.current else None, story.title, _json(story.authors),
         story.published, story.modified, story.language, story.canonical_url,
         _json(story.headlines)]).lastrowid
    store_version_text(conn, version_id, story.paragraphs)
    rows = [{**row, "article_id": aid} for row in plan.updates]
    insert_updates(conn, version_id, rows)
    conn.executemany(
        "insert into changes (article_id, version_id, version, seq, kind, paragraph, old, "
        "new, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(aid, version_id, number, i, c.kind, c.paragraph, c.old, c.new, _json(c.detail))
         for i, c in enumerate(comparison.changes)])
    known = stored_paragraphs(conn, {t for r in comparison.alignment if r.level == "paragraph"
                                     for t in (r.old_text, r.new_text) if t})
    conn.executemany(INSERT_DIFF, [diff_row(conn, version_id, i, r, known)
                                   for i, r in enumerate(comparison.alignment)])
    conn.execute("update articles set last_seen = ?, current_version = ?, latest_version = ? "
                 "where id = ?", [at, number, number, aid])
    capture_id = _insert_capture(db, capture, "new_version", aid, version_id)
    return RecordResult("new_version", aid, number, comparison.kind,
                        [public_update(r) for r in rows], capture_id)
