"""Page metadata: title, authors, dates, language, canonical URL and every declared headline.

Sources are read in the order publishers make reliable: JSON-LD (schema.org Article), then
OpenGraph / article:* / Dublin Core meta tags, then visible markup (<h1>, <time>, rel=author).
Everything here runs on the tree *before* boilerplate removal, so bylines and <head> are
still present.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from archiver.extract.text import collapse, core

_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—·•:»«/]|::)\s+")
_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af|de|från|przez|od)\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|&|\bi\b|\be\b)\s*", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                  r"\s*(?:Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$", re.I)
_DATE_META = {
    "published": ("article:published_time", "og:published_time", "published_time",
                  "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
                  "date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued",
                  "sailthru.date", "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime",
                  "article_date_original", "original-publish-date"),
    "modified": ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified", "article.updated", "lastmod"),
}
_ARTICLE_TYPES = re.compile(r"(article|posting|report|story|review|blog)$", re.I)


def _json_objects(data, depth=0):
    """Yield every dict in a JSON-LD payload (@graph, lists, nesting), breadth-bounded."""
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


def jsonld_article(root) -> dict:
    """The first schema.org Article-like object the page declares, else {}."""
    best: dict = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _json_objects(data):
            if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
                if "headline" in obj or "articleBody" in obj:
                    return obj
                best = best or obj
    return best


def meta_tags(root) -> dict[str, str]:
    """name/property/itemprop (lower-cased) -> first non-empty content."""
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
                out.setdefault(key.strip().lower(), content.strip())
    return out


def _str(v) -> str | None:
    if isinstance(v, str):
        return collapse(v) or None
    if isinstance(v, list) and v:
        return _str(v[0])
    if isinstance(v, dict):
        return _str(v.get("@value") or v.get("name") or v.get("@id") or v.get("url"))
    return None


def normalize_date(value) -> str | None:
    """ISO 8601 kept as the page declares it (offset kept, 'Z' -> +00:00); other formats parsed."""
    s = _str(value)
    if not s:
        return None
    s = s.strip()
    if _ISO.match(s):
        iso = s.replace(" ", "T", 1) if len(s) > 10 and s[10] == " " else s
        iso = re.sub(r"\s+", "", iso)
        try:
            dt = datetime.fromisoformat(iso.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            m = re.match(r"^(\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?([+-]\d{2})(\d{2})?$", iso)
            if not m:
                return iso[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", iso) else None
            try:
                dt = datetime.fromisoformat(f"{m.group(1)}{m.group(2)}:{m.group(3) or '00'}")
            except ValueError:
                return None
        if len(iso) == 10:
            return dt.date().isoformat()
        return dt.isoformat()
    try:
        dt = parsedate_to_datetime(s)
        return dt.isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y",
                "%Y%m%d", "%Y%m%dT%H%M%S%z"):
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return dt.isoformat() if dt.tzinfo or "%H" in fmt else dt.date().isoformat()
    return None


def _author_names(v) -> list[str]:
    out: list[str] = []
    items = v if isinstance(v, list) else [v]
    for item in items[:20]:
        if isinstance(item, dict):
            name = _str(item.get("name"))
        else:
            name = _str(item)
        if name:
            out.extend(split_authors(name))
    return out


def split_authors(s: str) -> list[str]:
    s = _BY.sub("", collapse(s))
    if not s or s.startswith(("http://", "https://", "www.")) or len(s) > 200:
        return []
    parts = [p.strip(" .·|") for p in _AUTHOR_SPLIT.split(s)] if len(s) > 3 else [s]
    return [p for p in parts if p and len(p) < 80 and not p.startswith("http")]


def _dedupe(names: list[str]) -> list[str]:
    seen, out = set(), []
    for n in names:
        k = n.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """'Story - Site Name' -> 'Story': drop the segments that name the site, keep the headline."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        sc = core(site)
        kept = [p for p in parts if core(p) != sc]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # Otherwise the headline is the longest segment; the site name is short.
    first, last = parts[0], parts[-1]
    if len(first) >= len(last):
        cut = list(_TITLE_SEPARATORS.finditer(title))[-1]
        return title[: cut.start()]
    return last


def extract_metadata(root, url: str | None) -> dict:
    """All metadata fields of Article except the body."""
    meta = meta_tags(root)
    ld = jsonld_article(root)

    # Headlines as declared.
    headlines: dict[str, str] = {}
    title_el = root.find(".//title")
    if title_el is not None:
        t = collapse("".join(title_el.itertext()))
        if t:
            headlines["title_tag"] = t
    if meta.get("og:title"):
        headlines["og_title"] = collapse(meta["og:title"])
    if meta.get("twitter:title"):
        headlines["twitter_title"] = collapse(meta["twitter:title"])
    h1s = []
    for h in root.iter("h1"):
        t = collapse("".join(h.itertext()))
        if t:
            h1s.append(t)
        if len(h1s) >= 5:
            break
    if h1s:
        headlines["h1"] = h1s[0]
    ld_head = _str(ld.get("headline")) or _str(ld.get("name"))
    if ld_head:
        headlines["jsonld"] = ld_head

    site = meta.get("og:site_name") or _str((ld.get("publisher") or {}).get("name")
                                            if isinstance(ld.get("publisher"), dict) else None)
    title = choose_title(headlines, h1s, site)

    # Authors.
    authors = _author_names(ld.get("author")) if ld.get("author") else []
    if not authors:
        for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
                    "byl", "dcterms.creator", "twitter:creator"):
            if meta.get(key):
                authors = split_authors(meta[key])
                if key == "twitter:creator":
                    authors = [a for a in authors if not a.startswith("@")]
                if authors:
                    break
    if not authors:
        for el in root.xpath('//*[@itemprop="author"] | //*[@rel="author"]')[:5]:
            name = el.get("content") or (el.xpath('string(.//*[@itemprop="name"])') or "").strip() \
                or "".join(el.itertext())
            authors.extend(split_authors(name))
    authors = _dedupe(authors)[:10]

    published = normalize_date(ld.get("datePublished")) or normalize_date(ld.get("dateCreated"))
    if not published:
        for key in _DATE_META["published"]:
            if meta.get(key):
                published = normalize_date(meta[key])
                if published:
                    break
    if not published:
        for el in root.xpath('//*[@itemprop="datePublished"] | //time[@datetime]')[:3]:
            published = normalize_date(el.get("content") or el.get("datetime"))
            if published:
                break
    modified = normalize_date(ld.get("dateModified"))
    if not modified:
        for key in _DATE_META["modified"]:
            if meta.get(key):
                modified = normalize_date(meta[key])
                if modified:
                    break

    # Language.
    lang = root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        lang = meta.get("content-language") or meta.get("og:locale") or _str(ld.get("inLanguage"))
    language = None
    if lang:
        m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s|$)", lang)
        if m:
            language = m.group(1).lower()

    # Canonical URL.
    canonical = None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href").strip()
            break
    if not canonical:
        canonical = meta.get("og:url") or _str(ld.get("url")) or _str(ld.get("mainEntityOfPage"))
    if canonical:
        try:
            canonical = urljoin(url or "", canonical)
        except ValueError:
            canonical = None
    if canonical and not canonical.startswith(("http://", "https://")):
        canonical = url if url and url.startswith(("http://", "https://")) else None
    if not canonical and url and url.startswith(("http://", "https://")):
        canonical = url

    body = ld.get("articleBody")
    return {
        "title": title,
        "authors": authors,
        "published": published,
        "modified": modified,
        "language": language,
        "canonical_url": canonical,
        "headlines": headlines,
        "jsonld_body": body if isinstance(body, str) else None,
        "site_name": site,
    }


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
