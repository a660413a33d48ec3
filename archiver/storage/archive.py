"""The archive as one object: open it, record captures, read what crawls and queries need.

Each job lives in its own module; this class only binds them to one connection:
`connection` (open, upgrade, write lock), `identity` (which article a capture is),
`recording` (the versioning rules and the writes of one capture), `updates` (update
tracking), `sites` (templates, revisits, the live page for re-extraction).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.items import Capture
from archiver.storage import connection, identity, recording, sites, updates, versions
from archiver.storage.recording import RecordResult
from archiver.storage.versions import version_article

__all__ = ["Archive", "RecordResult", "version_article"]


class Archive:
    """The SQLite archive. Open it with `Archive.open(path)`; use it as a context manager."""

    def __init__(self, db: Database):
        self.db = db

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

    def record(self, capture: Capture) -> RecordResult:
        """Store one capture and whatever version, updates and events it implies."""
        with self.writing():
            return recording.record(self.db, capture)

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

    def current_page(self, capture: Capture) -> tuple[str, str, bytes, str | None] | None:
        return sites.current_page(self.db, capture)

    def revisit_rows(self) -> list[dict[str, Any]]:
        return sites.revisit_rows(self.db)

    def load_templates(self) -> dict[str, str]:
        return sites.load_templates(self.db)
