"""The story's canonical URL: <link rel=canonical>, og:url or JSON-LD url, made absolute."""

from __future__ import annotations

from urllib.parse import urljoin

from archiver.extract.metadata.jsonld import text_of

_WEB = ("http://", "https://")


def canonical_url(root, meta: dict[str, str], ld: dict, url: str | None) -> str | None:
    """The declared canonical URL resolved against `url`; else `url` itself when it is a web
    address. A declared value that is no web address (mailto:, javascript:) is ignored."""
    canonical = None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href").strip()
            break
    if not canonical:
        canonical = meta.get("og:url") or text_of(ld.get("url")) or text_of(ld.get("mainEntityOfPage"))
    if canonical:
        try:
            canonical = urljoin(url or "", canonical)
        except ValueError:
            canonical = None
    if canonical and not canonical.startswith(_WEB):
        canonical = None
    if not canonical and url and url.startswith(_WEB):
        canonical = url
    return canonical
