"""Which article a capture belongs to, and the URLs an article is known by."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archiver.article import Article
from archiver.items import Capture
from archiver.normalize import normalize_url, site_of
from archiver.storage.connection import rows
from archiver.storage.versions import live_story


def article_for(db: Database, *urls: str | None) -> dict[str, Any] | None:
    for url in urls:
        if not url:
            continue
        for candidate in {url, normalize_url(url)}:
            found = rows(db, "select a.* from article_urls u join articles a "
                         "on a.id = u.article_id where u.url = ?", [candidate])
            if found:
                return found[0]
    return None


def find_article(db: Database, capture: Capture) -> tuple[dict[str, Any] | None, str]:
    """(the article a story capture belongs to or None if new, its identity URL).

    The page that was actually served decides: its own URL first (after a redirect, the
    URL it landed on). A canonical URL, or the URL asked for before a redirect, joins the
    capture to an article only when the texts mostly match, so a template that gives
    every page the same canonical, a multi-page story, or a redirect to another story
    never merges two stories.
    """
    identity = capture.identity or normalize_url(capture.final_url)
    redirected = normalize_url(capture.url) != normalize_url(capture.final_url)
    article = article_for(db, capture.final_url if redirected else capture.url)
    if article is None:
        article = article_for(db, identity)
        if article is not None and not _similar(db, article, capture.article):
            article, identity = None, normalize_url(capture.final_url)
    if article is None and redirected:
        moved = article_for(db, capture.url)
        if moved is not None and _similar(db, moved, capture.article):
            article = moved  # the story moved to a new address
    return article, identity


def is_alias(db: Database, article: dict[str, Any] | None, capture: Capture) -> bool:
    """Is the URL the capture asked for another address of `article`? Not when it
    redirected to another story."""
    return article is None or _similar(db, article, capture.article)


def _similar(db: Database, article: dict[str, Any], story: Article) -> bool:
    """At least half of the shorter text's paragraphs are shared (or no text to compare)."""
    live = live_story(db, article)
    if live is None or not live.paragraphs or not story.paragraphs:
        return True
    shared = len(set(live.paragraphs) & set(story.paragraphs))
    return shared * 2 >= min(len(live.paragraphs), len(story.paragraphs))


def ensure_article(db: Database, capture: Capture, article: dict[str, Any] | None,
                   identity: str, alias: bool) -> dict[str, Any]:
    """The article `find_article` gave, created if new, with the capture's URLs (the URL
    asked for too when `alias`: see `is_alias`)."""
    if article is None:
        at = capture.fetched_at
        article_id = db.execute(
            "insert into articles (url, canonical_url, site, first_seen, last_seen, "
            "current_version, latest_version, status) values (?, ?, ?, ?, ?, null, 0, 'live')",
            [identity, capture.article.canonical_url, site_of(identity), at, at]).lastrowid
        article = rows(db, "select * from articles where id = ?", [article_id])[0]
    urls = {identity, normalize_url(capture.final_url)}
    if alias:
        urls.add(normalize_url(capture.url))
    for url in urls:
        db.execute("insert or ignore into article_urls (url, article_id) values (?, ?)",
                   [url, article["id"]])
    return article
