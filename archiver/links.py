"""Which links on a home or section page look like stories, and which like more listings.

Pure URL rules (no page access), shared by the spider and its tests. They hold across
sites: stories live at long, hyphenated slugs or dated paths; listings at short paths.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_DATED = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|-)")
_SLUG = re.compile(r"[a-z0-9\u00c0-\uffff]+(-[a-z0-9\u00c0-\uffff]+){2,}", re.IGNORECASE)
_ARTICLE_ID = re.compile(r"/(article|story|news|a|p)/[\w-]*\d{4,}", re.IGNORECASE)
_NOT_STORIES = re.compile(
    r"/(tag|tags|topic|topics|category|categories|author|authors|people|about|contact|privacy|"
    r"terms|legal|login|signin|signup|register|subscribe|newsletter|search|feed|rss|page|"
    r"advertise|careers|jobs|shop|cart|account|wp-admin|wp-login|cdn-cgi|static|assets)(/|$|\.)",
    re.IGNORECASE,
)
# Tag, author and utility pages multiply without end; sections and categories are followed.
_NOT_SECTIONS = re.compile(
    r"/(tag|tags|author|authors|people|about|contact|privacy|terms|legal|login|signin|signup|"
    r"register|subscribe|newsletter|account|advertise|careers|jobs|shop|cart|search|feed|rss|"
    r"page|wp-admin|wp-login|cdn-cgi|static|assets)(/|$|\.)",
    re.IGNORECASE,
)
_NOT_PAGES = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|json|xml|pdf|zip|gz|mp3|mp4|mov|avi|woff2?|ttf)$",
    re.IGNORECASE,
)


def looks_like_article(url: str) -> bool:
    path = urlsplit(url).path
    if _NOT_PAGES.search(path) or _NOT_STORIES.search(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?)$", "", last)
    return bool(_DATED.search(path) or _SLUG.fullmatch(last) or _ARTICLE_ID.search(path))


def looks_like_listing(url: str) -> bool:
    """Section pages worth following for more stories: short paths that are not assets."""
    path = urlsplit(url).path
    if _NOT_PAGES.search(path) or looks_like_article(url):
        return False
    if _NOT_SECTIONS.search(path):
        return False
    return path.count("/") <= 3
