"""Read stored versions back: rows with their paragraphs, and Articles for comparison."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.changes.versioning import Stored
from archiver.storage.connection import rows
from archiver.storage.texts import version_paragraphs


def version_article(row: dict[str, Any]) -> Article:
    """A stored version (a row with its `paragraphs`, see `with_text`) as an Article."""
    return Article(
        title=row["title"], paragraphs=json.loads(row["paragraphs"] or "[]"),
        authors=json.loads(row["authors"] or "[]"), published=row["published"],
        modified=row["modified"], language=row["language"], canonical_url=row["canonical_url"],
        headlines=json.loads(row["headlines"] or "{}"),
    )


def with_text(db: Database, row: dict[str, Any]) -> dict[str, Any]:
    """The `versions` row with its `paragraphs` (JSON list) and `text`, as `version_texts`
    gives them."""
    paragraphs = version_paragraphs(db.conn, row["id"])
    return {**row, "paragraphs": json.dumps(paragraphs, ensure_ascii=False),
            "text": "\n\n".join(paragraphs)}


def version_row(db: Database, article_id: int, version: int) -> dict[str, Any] | None:
    found = rows(db, "select * from versions where article_id = ? and version = ?",
                 [article_id, version])
    return with_text(db, found[0]) if found else None


def versions_of(db: Database, article_id: int) -> list[dict[str, Any]]:
    """Every version of an article, oldest first, with its text."""
    return [with_text(db, row) for row in rows(
        db, "select * from versions where article_id = ? order by version", [article_id])]


def stored(row: dict[str, Any]) -> Stored:
    return Stored(row["id"], row["version"], row["story_hash"], version_article(row))


def current_version(db: Database, article: dict[str, Any]) -> Stored | None:
    if not article["current_version"]:
        return None
    return stored(version_row(db, article["id"], article["current_version"]))


def live_story(db: Database, article: dict[str, Any]) -> Article | None:
    current = current_version(db, article)
    return current.article if current else None


def same_story(db: Database, article_id: int, story_hash: str | None) -> list[Stored]:
    """The article's versions with this story hash (candidates for a return)."""
    return [stored(with_text(db, row)) for row in rows(
        db, "select * from versions where article_id = ? and story_hash = ?",
        [article_id, story_hash])]
