"""Normalization: the same story must hash the same however the page happened to be served.

Text: Unicode NFC, invisible characters dropped, whitespace collapsed, and paragraphs that
are only a relative time ("2 hours ago") or empty dropped, so that re-renders never make a
version. URLs: tracking parameters and fragments dropped, host lower-cased, so one story has
one identity.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime, tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archiver.article import Article

# Zero-width and formatting characters that render as nothing but change hashes.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACE = re.compile(r"\s+")
_RELATIVE_TIME = re.compile(
    r"^(updated\s+|posted\s+|published\s+)?(just now|a moment ago|an? (minute|hour|day|week)s? ago|"
    r"\d+\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)\s+ago|"
    r"yesterday|today)\.?$",
    re.IGNORECASE,
)
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"mkt_tok|ref_src|ref_url|cmpid|ocid|sr_share|smid|share_id|__twitter_impression)$",
    re.IGNORECASE,
)


def clean_text(text: str | None) -> str:
    """NFC, no invisible characters, single spaces, no surrounding whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).strip()


def is_relative_time(text: str) -> bool:
    return bool(_RELATIVE_TIME.match(text))


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    cleaned = (clean_text(p) for p in paragraphs)
    return [p for p in cleaned if p and not is_relative_time(p)]


def normalize_article(article: Article) -> Article:
    """A copy of `article` in canonical form; metadata is kept, text fields are cleaned."""
    return Article(
        title=clean_text(article.title) or None,
        paragraphs=clean_paragraphs(article.paragraphs),
        authors=[a for a in (clean_text(a) for a in article.authors) if a],
        published=article.published,
        modified=article.modified,
        language=article.language,
        canonical_url=normalize_url(article.canonical_url) if article.canonical_url else None,
        headlines={k: clean_text(v) for k, v in article.headlines.items() if clean_text(v)},
    )


def story_hash(article: Article) -> str:
    """Identity of the story itself: title and paragraphs, nothing else."""
    payload = json.dumps([article.title or "", article.paragraphs], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def normalize_url(url: str) -> str:
    """Drop tracking parameters and the fragment; lower-case scheme and host."""
    parts = urlsplit(url.strip())
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _TRACKING.match(k)]
    # Re-encode the query only when a parameter was dropped: servers can be picky about encoding.
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    netloc = parts.netloc.lower()
    if parts.scheme == "http" and netloc.endswith(":80"):
        netloc = netloc[:-3]
    elif parts.scheme == "https" and netloc.endswith(":443"):
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def site_of(url: str) -> str:
    """The site a URL belongs to: its host and port, without a leading www."""
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def identity_url(fetched_url: str, canonical_url: str | None) -> str:
    """The declared canonical URL when it is on the fetched page's site, else the fetched URL."""
    fetched = normalize_url(fetched_url)
    if canonical_url:
        canonical = normalize_url(canonical_url)
        # A story whose canonical is the home page has a broken template, not a new home.
        home = urlsplit(canonical).path in ("", "/") and urlsplit(fetched).path not in ("", "/")
        if site_of(canonical) == site_of(fetched) and not home:
            return canonical
    return fetched


def parse_instant(value: str | None, default_tz: tzinfo | None = None) -> datetime | None:
    """An ISO-8601 date or time as an aware datetime; a naive one gets `default_tz`, or is
    refused (None) when there is none. Anything unparseable is None."""
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=default_tz) if default_tz else None
    return moment
