"""The page's <meta> tags (OpenGraph, article:*, Dublin Core, Twitter, itemprop) as one dict."""

from __future__ import annotations


def meta_tags(root) -> dict[str, str]:
    """name/property/itemprop/http-equiv (lower-cased) -> first non-empty content.

    Read from <head> when it has children (a <meta> in the body is usually a widget's)."""
    out: dict[str, str] = {}
    head = root.find("head")
    scope = head if head is not None and len(head) else root
    for m in scope.iter("meta"):
        content = m.get("content")
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = m.get(attr)
            if key:
                key = key.strip().lower()
                out.setdefault(key, content.strip())
                if attr == "itemprop" and " " in key:  # itemprop="datePublished dateCreated"
                    for k in key.split():
                        out.setdefault(k, content.strip())
    return out
