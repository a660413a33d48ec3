"""The headline: every variant the page declares, and the one the reader sees.

Variants are kept apart (`title_tag`, `og_title`, `twitter_title`, `h1`, `jsonld`) so that a
quietly rewritten SEO title is seen even when the visible headline stays. Each is capped at
MAX_HEADLINE characters: the longest real headline on the extraction benchmark's 1,269 pages
has 319, and a page must not make a megabyte <title> part of every version it stores.
"""

from __future__ import annotations

import re

from archiver.extract.metadata.jsonld import text_of
from archiver.extract.text import core
from archiver.text import clean_text

MAX_HEADLINE = 400
_MAX_H1S = 5
_SEPARATORS = re.compile(r"\s+(?:[-|–—·•:»«/]|::)\s+")


def headlines(root, meta: dict[str, str], ld: dict) -> tuple[dict[str, str], list[str]]:
    """(the declared headline variants, the page's first <h1> texts), each capped."""
    found: dict[str, str] = {}
    title_el = root.find(".//title")
    if title_el is not None:
        found["title_tag"] = capped(clean_text("".join(title_el.itertext())))
    found["og_title"] = capped(clean_text(meta.get("og:title")))
    found["twitter_title"] = capped(clean_text(meta.get("twitter:title")))
    h1s = []
    for h in root.iter("h1"):
        t = capped(clean_text("".join(h.itertext())))
        if t:
            h1s.append(t)
            if len(h1s) >= _MAX_H1S:
                break
    if h1s:
        found["h1"] = h1s[0]
    found["jsonld"] = capped(text_of(ld.get("headline")) or text_of(ld.get("name")) or "")
    return {k: v for k, v in found.items() if v}, h1s


def site_name(meta: dict[str, str], ld: dict) -> str | None:
    """The publication's name, as OpenGraph or the JSON-LD publisher declares it."""
    publisher = ld.get("publisher")
    return meta.get("og:site_name") or (text_of(publisher.get("name"))
                                        if isinstance(publisher, dict) else None)


def capped(text: str) -> str:
    """At most MAX_HEADLINE characters, cut at a space and ended with "…" when it was longer."""
    if len(text) <= MAX_HEADLINE:
        return text
    cut = text[:MAX_HEADLINE - 1]
    space = cut.rfind(" ")
    if space > MAX_HEADLINE // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def choose_title(headlines: dict[str, str], h1s: list[str], site: str | None) -> str | None:
    """The visible headline if some declared source agrees with it, else the best declared one."""
    declared = [headlines.get(k) for k in ("og_title", "jsonld", "twitter_title")]
    declared = [d for d in declared if d]
    tag = headlines.get("title_tag")
    stripped_tag = strip_site_suffix(tag, site) if tag else None
    keys = {core(d) for d in declared}
    if stripped_tag:
        keys.add(core(stripped_tag))
    if tag:
        keys.add(core(tag))
    for h in h1s:
        ch = core(h)
        if ch and (ch in keys or any(ch and ch in k for k in keys if len(ch) > 15)):
            return h
    for d in declared:
        s = strip_site_suffix(d, site)
        if s:
            return s
    if stripped_tag:
        return stripped_tag
    return h1s[0] if h1s else None


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """'Story - Site Name' -> 'Story': drop the segments that name the site, keep the headline.

    With the site name known, the site segment and whatever lies beyond it ("Story | Tech |
    Site", "Site: Story") go, and so do short section names left next to the headline
    ("Story | Tech"). The headline keeps its own separators ("Why X - and why not Y")."""
    seps = list(_SEPARATORS.finditer(title))
    if not seps:
        return title
    bounds = [0] + [x for m in seps for x in (m.start(), m.end())] + [len(title)]
    segs = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    texts = [title[a:b] for a, b in segs]
    if site:
        sc = core(site)
        hits = [i for i, t in enumerate(texts) if sc and core(t) == sc]
        if hits:
            others = [i for i in range(len(texts)) if i not in hits] or [0]
            longest = max(others, key=lambda i: len(texts[i]))
            after = [i for i in hits if i > longest]
            before = [i for i in hits if i < longest]
            lo = max(before) + 1 if before else 0
            hi = min(after) if after else len(texts)
            if lo < hi:
                # Section names next to the headline: short segments at the site's side.
                while hi - lo > 1 and after and len(texts[hi - 1]) * 2 < len(texts[lo]) \
                        and len(texts[hi - 1].split()) <= 2:
                    hi -= 1
                while hi - lo > 1 and before and len(texts[lo]) * 2 < len(texts[hi - 1]) \
                        and len(texts[lo].split()) <= 2:
                    lo += 1
                return title[segs[lo][0]: segs[hi - 1][1]].strip() or title
    # Otherwise the site name is the end with fewer words (a tie: the suffix, more common).
    first, last = texts[0].split(), texts[-1].split()
    if len(first) >= len(last):
        return title[: seps[-1].start()]
    return title[seps[0].end():]
