"""Read stored versions back as Articles."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archiver.article import Article


def version_article(row: dict[str, Any]) -> Article:
    """The stored version as an Article, for comparison and display."""
    return Article(
        title=row["title"], paragraphs=json.loads(row["paragraphs"] or "[]"),
        authors=json.loads(row["authors"] or "[]"), published=row["published"],
        modified=row["modified"], language=row["language"], canonical_url=row["canonical_url"],
        headlines=json.loads(row["headlines"] or "{}"),
    )


def version_row(db: Database, article_id: int, version: int) -> dict[str, Any] | None:
    rows = list(db.query(
        "select * from versions where article_id = ? and version = ?", [article_id, version]))
    return rows[0] if rows else None


def live_story(db: Database, article: dict[str, Any]) -> Article | None:
    if not article["current_version"]:
        return None
    return version_article(version_row(db, article["id"], article["current_version"]))
