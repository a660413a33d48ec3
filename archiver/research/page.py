"""A story's history as one self-contained HTML page: its timeline and a diff of two versions.

Archived text is hostile input (a page can put `<script>` in its headline): the page is
rendered by Jinja2 with autoescaping on, links are written only for http(s) URLs, and a
Content-Security-Policy that allows no script at all is the second lock on the door. It needs
no JavaScript: the version pickers are a plain GET form when the page is served.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from archiver.research.sites import SiteNames
from archiver.storage import Archive, queries


def history_page(archive: Archive, url: str, a: int | None = None, b: int | None = None,
                 *, form_action: str | None = None) -> str:
    """The page for the story behind `url` with the diff of versions A and B (defaults as in
    `archiver diff`). `form_action` (when served) adds the version pickers."""
    from archiver.changes import word_diff

    story = queries.history(archive, url)
    if story is None:
        raise LookupError(f"no article archived for {url}")
    pair = queries.diff(archive, story["url"], a, b)
    old = (pair["old"]["title"] or "") + "\n\n" + pair["old"]["text"]
    new = (pair["new"]["title"] or "") + "\n\n" + pair["new"]["text"]
    site = archive.article_for(story["url"])["site"]
    return _template().render(
        story=story, site=SiteNames(archive)[site], pair=pair,
        ops=word_diff(old, new) if pair["from"] != pair["to"] else [("equal", new)],
        timeline=timeline(story), form_action=form_action, web_url=web_url,
    )


def timeline(story: dict[str, Any]) -> list[dict[str, Any]]:
    """Versions, updates (when first seen) and events in time order."""
    entries = []
    first_seen = {v["version"]: v["first_seen"] for v in story["versions"]}
    for v in story["versions"]:
        entries.append({"at": v["first_seen"], "kind": "version", "item": v})
    for u in story["updates"]:
        entries.append({"at": first_seen.get(u["first_version"], ""), "kind": "update",
                        "item": u})
    for e in story["events"]:
        entries.append({"at": e["at"], "kind": "event", "item": e})
    order = {"version": 0, "update": 1, "event": 2}
    return sorted(entries, key=lambda e: (e["at"] or "", order[e["kind"]]))


def web_url(url: str | None) -> str | None:
    """`url` when it is an http(s) address, so a `javascript:` URL never becomes a link."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


@cache
def _template():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("archiver.research", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["when"] = when
    return env.get_template("history.html")


def when(value: str | None) -> str:
    """An archive time for reading: `2026-03-02 16:40 UTC` (the full ISO time stays in the
    `datetime` attribute)."""
    if not value:
        return ""
    return value.replace("T", " ")[:16] + (" UTC" if value.endswith("+00:00") else value[19:])
