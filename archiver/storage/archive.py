"""The archive as one object: open it, record captures, read what crawls and queries need.

Each job lives in its own module; this class only binds them to one connection:
`connection` (open, upgrade, write lock), `identity` (which article a capture is),
`recording` (the versioning rules and the writes of one capture), `captures` (a capture's
compact row, read through the `captures` view), `updates` (update tracking), `sites`
(templates, revisits, the live page for re-extraction), `bodies` (raw bodies, zstd against
their closest stored relative), `texts` (distinct paragraphs).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes.versioning import Stored
from archiver.items import Capture
from archiver.storage import (
    bodies,
    connection,
    identity,
    recording,
    sites,
    texts,
    updates,
    versions,
)
from archiver.storage.recording import RecordResult
from archiver.storage.versions import version_article

__all__ = ["Archive", "RecordResult", "version_article"]


class Archive:
    """The SQLite archive. Open it with `Archive.open(path)`; use it as a context manager."""

    def __init__(self, db: Database):
        self.db = db
        self.bodies = bodies.BodyStore(db)

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        return cls(connection.connect(path))

    @classmethod
    def open_existing(cls, path: str | Path) -> Archive:
        """Open an archive that must already exist (for reading): a missing file, an empty
        or non-SQLite file, or another program's database is refused with ValueError, and
        nothing is written to it (an older archive is still upgraded in place)."""
        connection.check_existing(path)
        try:
            return cls.open(path)
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{path} cannot be read: {exc}") from exc

    def writing(self):
        """A write transaction that waits for the write lock (see `connection.writing`)."""
        return connection.writing(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Writes

    def record(self, capture: Capture, reread: recording.Reread | None = None) -> RecordResult:
        """Store one capture and whatever version, updates and events it implies, in one
        transaction. `reread(body, url, content_type)` reads a stored page with today's
        extractor: needed only when the capture's `baseline` was read from a version that
        another crawl has replaced since."""
        return recording.record(self.db, self.bodies, capture, reread)

    def save_templates(self, templates: dict[str, str]) -> None:
        from archiver.capture import now_iso

        with self.writing():
            sites.save_templates(self.db, templates, now_iso())

    # Reads

    def article_for(self, *urls: str | None) -> dict[str, Any] | None:
        return identity.article_for(self.db, *urls)

    def find_article(self, capture: Capture) -> tuple[dict[str, Any] | None, str]:
        return identity.find_article(self.db, capture)

    def live_story(self, article: dict[str, Any]) -> Article | None:
        return versions.live_story(self.db, article)

    def version_row(self, article_id: int, version: int) -> dict[str, Any] | None:
        return versions.version_row(self.db, article_id, version)

    def updates_of(self, version_id: int) -> list[dict[str, Any]]:
        return updates.updates_of(self.db, version_id)

    def body(self, sha256: str) -> bytes | None:
        """A stored raw body, byte for byte, whatever its compression."""
        return self.bodies.get(sha256)

    def version_paragraphs(self, version_id: int) -> list[str]:
        """The paragraphs of one version (by `versions.id`), in order."""
        return texts.version_paragraphs(self.db.conn, version_id)

    def held_captures(self) -> list[dict[str, Any]]:
        """Every capture still `held` for its site's template, oldest first (with `headers`
        as a list of [name, value]; the body through `body(sha256)`)."""
        return sites.held_captures(self.db)

    def held_capture(self, capture_id: int) -> dict[str, Any] | None:
        """The capture row `capture_id` if it is still held, else None."""
        rows = sites.held_captures(self.db, capture_id)
        return rows[0] if rows else None

    def live_page(self, capture: Capture) -> sites.LivePage | None:
        """The live version of the capture's article and the page it was last seen on."""
        return sites.live_page(self.db, self.bodies, capture)

    def story_of_body(self, url: str, body_sha256: str) -> Stored | None:
        """The stored version the URL's latest page was read as, if it is this very body."""
        return sites.story_of_body(self.db, url, body_sha256)

    def current_page(self, capture: Capture) -> tuple[str, str, bytes, str | None] | None:
        """(story hash, final URL, raw body, content type) of `live_page`."""
        page = self.live_page(capture)
        if page is None:
            return None
        return page.version.story_hash, page.url, page.body, page.content_type

    def revisit_rows(self) -> list[dict[str, Any]]:
        """What revisit planning reads for every article (see `revisits.revisit_rows`)."""
        from archiver.storage.revisits import revisit_rows

        return revisit_rows(self)

    def load_templates(self) -> dict[str, str]:
        return sites.load_templates(self.db)

    def load_template(self, site: str) -> str | None:
        return sites.load_template(self.db, site)
