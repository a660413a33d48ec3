"""Write captures into the archive: one transaction per capture, nothing ever deleted.

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
import sqlite3
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes import compare, link_updates, version_updates
from archiver.items import Capture
from archiver.normalize import normalize_url, parse_instant, site_of
from archiver.storage.schema import migrations

REMOVED_STATUSES = (404, 410)
BUSY_TIMEOUT_MS = 30_000


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


def version_article(row: dict[str, Any]) -> Article:
    """The stored version as an Article, for comparison and display."""
    return Article(
        title=row["title"], paragraphs=json.loads(row["paragraphs"] or "[]"),
        authors=json.loads(row["authors"] or "[]"), published=row["published"],
        modified=row["modified"], language=row["language"], canonical_url=row["canonical_url"],
        headlines=json.loads(row["headlines"] or "{}"),
    )


class Archive:
    """The SQLite archive. Open it with `Archive.open(path)`; use it as a context manager."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: another crawl may write
        _while_locked(db.enable_wal)  # switching journal mode ignores the busy timeout
        db.execute("PRAGMA foreign_keys = ON")
        archive = cls(db)
        if migrations.pending(db):
            with archive.writing():
                migrations.apply(db)
        return archive

    @classmethod
    def open_existing(cls, path: str | Path) -> Archive:
        """Open an archive that must already exist (for reading): a missing file, an empty
        or non-SQLite file, or another program's database is refused with ValueError, and
        nothing is written to it (an older archive is still upgraded in place)."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"no archive at {path} (crawl first, or pass --db)")
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise ValueError(f"{path} is not an SQLite file")
        try:
            probe = Database(path)
            try:
                tables = set(probe.table_names())
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{path} cannot be read: {exc}") from exc
        if not {"articles", "versions", "captures"} <= tables:
            raise ValueError(f"{path} is an SQLite file but not an archive")
        try:
            return cls.open(path)
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{path} cannot be read: {exc}") from exc

    @contextmanager
    def writing(self):
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

        A deferred transaction that reads first cannot upgrade to a write while another
        process writes (WAL gives it SQLITE_BUSY at once, whatever the busy timeout), so a
        second crawl on the same archive would lose captures; this one waits its turn.
        """
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Lookups ----------------------------------------------------------------------------

    def article_for(self, *urls: str | None) -> dict[str, Any] | None:
        for url in urls:
            if not url:
                continue
            for candidate in {url, normalize_url(url)}:
                rows = list(self.db.query(
                    "select a.* from article_urls u join articles a on a.id = u.article_id "
                    "where u.url = ?", [candidate]))
                if rows:
                    return rows[0]
        return None

    def find_article(self, capture: Capture) -> tuple[dict[str, Any] | None, str]:
        """(the article a story capture belongs to or None if new, its identity URL).

        The page that was actually served decides: its own URL first (after a redirect, the
        URL it landed on). A canonical URL, or the URL asked for before a redirect, joins the
        capture to an article only when the texts mostly match, so a template that gives
        every page the same canonical, a multi-page story, or a redirect to another story
        never merges two stories.
        """
        identity = capture.identity or normalize_url(capture.final_url)
        redirected = normalize_url(capture.url) != normalize_url(capture.final_url)
        article = self.article_for(capture.final_url if redirected else capture.url)
        if article is None:
            article = self.article_for(identity)
            if article is not None and not self._similar(article, capture.article):
                article, identity = None, normalize_url(capture.final_url)
        if article is None and redirected:
            moved = self.article_for(capture.url)
            if moved is not None and self._similar(moved, capture.article):
                article = moved  # the story moved to a new address
        return article, identity

    def _similar(self, article: dict[str, Any], story: Article) -> bool:
        """At least half of the shorter text's paragraphs are shared (or no text to compare)."""
        live = self.live_story(article)
        if live is None or not live.paragraphs or not story.paragraphs:
            return True
        shared = len(set(live.paragraphs) & set(story.paragraphs))
        return shared * 2 >= min(len(live.paragraphs), len(story.paragraphs))

    def live_story(self, article: dict[str, Any]) -> Article | None:
        if not article["current_version"]:
            return None
        return version_article(self.version_row(article["id"], article["current_version"]))

    def current_page(self, capture: Capture) -> tuple[str, str, bytes, str | None] | None:
        """(story hash, final URL, raw body, content type) of the live version of the
        capture's article, from the latest capture that saw it: what a re-extraction
        starts from."""
        article, _ = self.find_article(capture)
        if article is None or not article["current_version"]:
            return None
        rows = list(self.db.query(
            "select v.story_hash, c.final_url, c.content_type, b.data from versions v "
            "join captures c on c.version_id = v.id join bodies b on b.sha256 = c.body_sha256 "
            "where v.article_id = ? and v.version = ? order by c.id desc limit 1",
            [article["id"], article["current_version"]]))
        if not rows:
            return None
        row = rows[0]
        return (row["story_hash"], row["final_url"], zlib.decompress(row["data"]),
                row["content_type"])

    def revisit_rows(self) -> list[dict[str, Any]]:
        """Every article with the address that last served its live version (not the declared
        canonical, which may not answer), when it was last fetched and last changed (a new
        version, or a return to an old one), and that capture's validators (ETag,
        Last-Modified). Removed articles are included: a 404 can be passing, and a story that
        comes back must be seen."""
        return list(self.db.query(
            "select coalesce(c.final_url, a.url) as url, a.site, a.status, "
            "a.last_seen as last_fetch, coalesce((select max(fetched_at) from captures "
            "  where article_id = a.id and outcome in ('new_version', 'returned')), "
            "  v.first_seen) as last_change, c.etag, c.last_modified "
            "from articles a "
            "join versions v on v.article_id = a.id and v.version = a.current_version "
            "left join captures c on c.id = (select max(id) from captures "
            "  where version_id = v.id and status between 200 and 299) "
            "order by a.id"))

    def version_row(self, article_id: int, version: int) -> dict[str, Any] | None:
        rows = list(self.db.query(
            "select * from versions where article_id = ? and version = ?", [article_id, version]))
        return rows[0] if rows else None

    # Writes -----------------------------------------------------------------------------

    def record(self, capture: Capture) -> RecordResult:
        """Store one capture and whatever version, updates and events it implies."""
        with self.writing():
            self._store_body(capture.body, capture.body_sha256)
            if capture.held:
                return RecordResult("held", capture_id=self._insert_capture(capture, "held",
                                                                            None, None))
            if capture.status == 304:
                return self._record_not_modified(capture)
            if capture.error or capture.article is None:
                return self._record_failure(capture)
            return self._record_story(capture)

    def _store_body(self, body: bytes | None, sha256: str | None) -> None:
        if body is None or sha256 is None:
            return
        self.db.execute(
            "insert or ignore into bodies (sha256, size, data) values (?, ?, ?)",
            [sha256, len(body), zlib.compress(body, 6)],
        )

    def _insert_capture(self, capture: Capture, outcome: str, article_id: int | None,
                        version_id: int | None) -> int:
        table = self.db["captures"]
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

    def _event(self, article_id: int, capture_id: int, at: str, kind: str, detail: Any) -> None:
        self.db["events"].insert({"article_id": article_id, "capture_id": capture_id, "at": at,
                                  "kind": kind, "detail": _json(detail)})

    def _record_failure(self, capture: Capture) -> RecordResult:
        article = self.article_for(capture.url, capture.final_url, capture.identity)
        gone = capture.status in REMOVED_STATUSES or (capture.error or "").startswith(
            ("redirected to the home page", "redirected to another site"))
        outcome = "removed" if article and gone else "failed"
        article_id = article["id"] if article else None
        capture_id = self._insert_capture(capture, outcome, article_id, None)
        result = RecordResult(outcome, article_id, capture_id=capture_id)
        if outcome == "removed" and article["status"] != "removed":
            self._event(article_id, capture_id, capture.fetched_at, "removed",
                        {"status": capture.status, "final_url": capture.final_url,
                         "reason": capture.error})
            self.db["articles"].update(article_id, {"status": "removed"})
        return result

    def _record_not_modified(self, capture: Capture) -> RecordResult:
        """A 304 to a conditional revisit: the page is the one the live version came from."""
        article = self.article_for(capture.url, capture.final_url)
        if article is None or not article["current_version"]:
            capture.error = "HTTP 304 for a page the archive does not hold"
            return self._record_failure(capture)
        current = self.version_row(article["id"], article["current_version"])
        result = self._seen_again(capture, article, current, "unchanged")
        self._restore_if_removed(article, result, capture.fetched_at)
        return result

    def _ensure_article(self, capture: Capture, article: dict[str, Any] | None,
                        identity: str) -> dict[str, Any]:
        """The article `find_article` gave, created if new, with the capture's URLs."""
        if article is None:
            articles = self.db["articles"]
            articles.insert({
                "url": identity, "canonical_url": capture.article.canonical_url,
                "site": site_of(identity), "first_seen": capture.fetched_at,
                "last_seen": capture.fetched_at, "current_version": None,
                "latest_version": 0, "status": "live",
            })
            article = articles.get(articles.last_pk)
        urls = {identity, normalize_url(capture.final_url)}
        if self._similar(article, capture.article):  # a redirect from elsewhere is no alias
            urls.add(normalize_url(capture.url))
        for url in urls:
            self.db.execute("insert or ignore into article_urls (url, article_id) values (?, ?)",
                            [url, article["id"]])
        return article

    def _record_story(self, capture: Capture) -> RecordResult:
        article, identity = self.find_article(capture)
        live = self.live_story(article) if article else None
        if live is not None and _not_the_story(live, capture.article):
            capture.error = "not the story: shares nothing with the archived version"
            return self._record_failure(capture)
        article = self._ensure_article(capture, article, identity)
        aid, at = article["id"], capture.fetched_at
        current = (self.version_row(aid, article["current_version"])
                   if article["current_version"] else None)
        result = self._story_outcome(capture, article, current)
        self._restore_if_removed(article, result, at)
        return result

    def _restore_if_removed(self, article: dict[str, Any], result: RecordResult, at: str) -> None:
        """A removed article seen again (a story, or a 304 for it) is back: say so, and when."""
        if article["status"] == "removed":
            self.db["articles"].update(article["id"], {"status": "live"})
            self._event(article["id"], result.capture_id, at, "restored",
                        {"version": result.version, "outcome": result.outcome})

    def _story_outcome(self, capture: Capture, article: dict, current: dict | None
                       ) -> RecordResult:
        aid, at, story = article["id"], capture.fetched_at, capture.article
        comparison = compare(version_article(current) if current else None, story)
        if current and comparison.kind != "unchanged" and capture.baseline is not None:
            comparison = compare(capture.baseline, story)
        if current and (comparison.kind == "unchanged" or _stamped_now(comparison, capture)):
            return self._seen_again(capture, article, current, "unchanged")
        earlier = self._earlier(aid, capture, current)
        if earlier:
            result = self._seen_again(capture, article, earlier, "returned")
            self._event(aid, result.capture_id, at, "returned_to_version",
                        {"version": earlier["version"],
                         "from_version": current["version"] if current else None})
            return result
        return self._new_version(capture, article, current, comparison)

    def _earlier(self, aid: int, capture: Capture, current: dict | None
                 ) -> dict[str, Any] | None:
        """The older version this capture returns to, if any (a flip-flop or a rollback).

        A story (title and paragraphs) equal to an older version's returns to it, preferring
        one whose byline, dates and headline variants match too. When the story equals the
        current version's and only that metadata differs, only such a full match is a return;
        otherwise the capture is a new version (redated, byline_change, title_change).
        """
        rows = [r for r in self.db.query(
            "select * from versions where article_id = ? and story_hash = ? "
            "order by version desc", [aid, capture.story_hash])
            if not current or r["id"] != current["id"]]
        for row in rows:
            if compare(version_article(row), capture.article).kind == "unchanged":
                return row
        if rows and not (current and current["story_hash"] == capture.story_hash):
            return rows[0]
        return None

    def _seen_again(self, capture: Capture, article: dict, version: dict, outcome: str
                    ) -> RecordResult:
        at = capture.fetched_at
        self.db["versions"].update(version["id"], {"last_seen": at})
        self.db["articles"].update(article["id"], {"last_seen": at,
                                                   "current_version": version["version"]})
        capture_id = self._insert_capture(capture, outcome, article["id"], version["id"])
        updates = [_public_update(u) for u in self.updates_of(version["id"])]
        return RecordResult(outcome, article["id"], version["version"], None, updates,
                            capture_id)

    def _new_version(self, capture: Capture, article: dict, current: dict | None,
                     comparison) -> RecordResult:
        story, at, aid = capture.article, capture.fetched_at, article["id"]
        number = article["latest_version"] + 1
        versions = self.db["versions"]
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
        updates = self._store_updates(aid, version_id, number, story, comparison, current)
        self.db["changes"].insert_all(
            {"article_id": aid, "version_id": version_id, "version": number, "seq": i,
             "kind": c.kind, "paragraph": c.paragraph, "old": c.old, "new": c.new,
             "detail": _json(c.detail)}
            for i, c in enumerate(comparison.changes))
        self.db["diffs"].insert_all(
            {"version_id": version_id, "seq": i, "level": row.level, "op": row.op,
             "old_index": row.old_index, "new_index": row.new_index,
             "old_text": row.old_text, "new_text": row.new_text}
            for i, row in enumerate(comparison.alignment))
        self.db["articles"].update(aid, {"last_seen": at, "current_version": number,
                                         "latest_version": number})
        capture_id = self._insert_capture(capture, "new_version", aid, version_id)
        return RecordResult("new_version", aid, number, comparison.kind, updates, capture_id)

    def _store_updates(self, aid: int, version_id: int, number: int, story: Article,
                       comparison, current: dict | None) -> list[dict[str, Any]]:
        """The updates present in this version, each keeping its identity across versions."""
        previous = self.updates_of(current["id"]) if current else []
        before = [_as_update(u) for u in previous]
        found = version_updates(story.paragraphs, comparison, before, published=story.published)
        older = self._older_updates(aid, previous)
        links = {j: (previous if side == "live" else older)[i]
                 for j, (side, i) in link_updates(before, [_as_update(r) for r in older],
                                                  found).items()}
        next_key = self._next_update_key(aid)
        rows = []
        for i, update in enumerate(found):
            old = links.get(i)
            key, first = (old["update_key"], old["first_version"]) if old else (next_key, number)
            if not old:
                next_key += 1
            rows.append({
                "article_id": aid, "version_id": version_id, "version": number, "seq": i,
                "update_key": key, "first_version": first, "kind": update.kind,
                "position": update.position, "marker": update.marker or None,
                "text": update.text, "stated_time": update.stated_time,
                "start": update.start, "end": update.end,
            })
        self.db["updates"].insert_all(rows)
        return [_public_update(r) for r in rows]

    def _older_updates(self, aid: int, previous: list[dict]) -> list[dict[str, Any]]:
        """The latest row of every update of the article that the live version lacks."""
        live = {u["update_key"] for u in previous}
        return [r for r in self.db.query(
            "select * from updates where article_id = ? and id in (select max(id) from updates "
            "where article_id = ? group by update_key) order by update_key", [aid, aid])
            if r["update_key"] not in live]

    def _next_update_key(self, aid: int) -> int:
        row = next(self.db.query(
            "select coalesce(max(update_key), 0) + 1 as k from updates where article_id = ?",
            [aid]))
        return row["k"]

    def updates_of(self, version_id: int) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select * from updates where version_id = ? order by seq", [version_id]))

    # Site templates ---------------------------------------------------------------------

    def load_templates(self) -> dict[str, str]:
        return {r["site"]: r["template"] for r in self.db["site_templates"].rows}

    def save_templates(self, templates: dict[str, str]) -> None:
        from archiver.capture import now_iso

        with self.writing():
            self.db["site_templates"].upsert_all(
                ({"site": site, "template": data, "updated_at": now_iso()}
                 for site, data in templates.items()), pk="site")


def _as_update(row: dict[str, Any]):
    from archiver.changes import Update

    return Update(kind=row["kind"], position=row["position"], text=row["text"],
                  stated_time=row.get("stated_time"), start=row["start"], end=row["end"],
                  marker=row.get("marker") or "")


def _public_update(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("kind", "position", "text", "stated_time", "first_version")
    return {k: row[k] for k in keys}


STAMP_WINDOW = timedelta(hours=1)  # render time, or a cache of it


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


def _while_locked(action, seconds: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Run `action`, trying again while another process holds the database locked."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
