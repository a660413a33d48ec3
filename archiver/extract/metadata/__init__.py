"""Page metadata: title, authors, dates, language, canonical URL and every declared headline.

Sources are read in the order publishers make reliable: JSON-LD (schema.org Article), then
OpenGraph / article:* / Dublin Core meta tags, then visible markup (<h1>, <time>, rel=author).
It runs on the tree *before* boilerplate removal, so bylines and <head> are still present.
One module per concern: `jsonld`, `tags`, `titles`, `authors`, `dates`, `language`,
`canonical`; this one puts their answers together in a `Metadata`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver.extract.metadata.authors import authors, split_authors
from archiver.extract.metadata.canonical import canonical_url
from archiver.extract.metadata.dates import dates, normalize_date
from archiver.extract.metadata.jsonld import jsonld_article
from archiver.extract.metadata.language import declared_language, detect_language
from archiver.extract.metadata.tags import meta_tags
from archiver.extract.metadata.titles import choose_title, headlines, site_name, strip_site_suffix

__all__ = ["Metadata", "detect_language", "extract_metadata", "normalize_date", "split_authors",
           "strip_site_suffix"]


@dataclass
class Metadata:
    """Everything an `Article` holds besides its body, and two things the body reader uses:
    the site's name and the publisher's own copy of the story (JSON-LD articleBody)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    headlines: dict[str, str] = field(default_factory=dict)
    site_name: str | None = None
    jsonld_body: str | None = None


def extract_metadata(root, url: str | None) -> Metadata:
    """Read every metadata field of the page `root` (an lxml tree) fetched from `url`."""
    meta = meta_tags(root)
    ld = jsonld_article(root)
    variants, h1s = headlines(root, meta, ld)
    site = site_name(meta, ld)
    published, modified = dates(root, meta, ld)
    body = ld.get("articleBody")
    return Metadata(
        title=choose_title(variants, h1s, site),
        authors=authors(root, meta, ld),
        published=published,
        modified=modified,
        language=declared_language(root, meta, ld),
        canonical_url=canonical_url(root, meta, ld, url),
        headlines=variants,
        site_name=site,
        jsonld_body=body if isinstance(body, str) else None,
    )
