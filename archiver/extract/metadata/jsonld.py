"""The schema.org Article a page declares in JSON-LD, and the text of its values.

Publishers fill JSON-LD for search engines, so it is the most careful statement of a page's
headline, authors and dates; it comes in many shapes (@graph, lists, nested mainEntity).
"""

from __future__ import annotations

import json
import re

from archiver.text import clean_text

_ARTICLE_TYPES = re.compile(r"(article|posting|report|story|review|blog)$", re.I)
_MAX_SCRIPT = 2_000_000  # characters; a bigger payload is not metadata


def jsonld_article(root) -> dict:
    """The first schema.org Article-like object the page declares, else {}."""
    best: dict = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text
        if not raw or len(raw) > _MAX_SCRIPT:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _objects(data):
            if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
                if "headline" in obj or "articleBody" in obj:
                    return obj
                best = best or obj
    return best


def text_of(value) -> str | None:
    """The text a JSON-LD (or meta) value stands for: a string, the first of a list, or the
    @value / name / @id / url of an object; cleaned, None when empty."""
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, list) and value:
        return text_of(value[0])
    if isinstance(value, dict):
        return text_of(value.get("@value") or value.get("name") or value.get("@id")
                       or value.get("url"))
    return None


def _objects(data):
    """Every dict in a JSON-LD payload (@graph, lists, nesting), breadth-bounded."""
    stack = [data]
    seen = 0
    while stack and seen < 2000:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            yield item
            for key in ("@graph", "mainEntity", "itemListElement"):
                sub = item.get(key)
                if isinstance(sub, (list, dict)):
                    stack.append(sub)
        elif isinstance(item, list):
            stack.extend(reversed(item[:200]))


def _types(obj) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []
