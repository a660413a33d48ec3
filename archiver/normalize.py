"""Normalization: the same story must hash the same however the page happened to be served.

Text: cleaned by the one normalizer (`archiver.text.clean_text`: NFC, no control or invisible
characters, whitespace collapsed), and paragraphs that
are only page noise (a relative time "2 hours ago", a reading time "5 min read", counters
"1,234 views", a dateline "Updated: Nov 25, 2026, 10:03 AM ET") or empty dropped, so that
re-renders never make a version. URLs: tracking parameters and fragments dropped, host lower-cased, so one story has
one identity.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, tzinfo
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archiver.article import Article
from archiver.datewords import JOINERS, MONTHS
from archiver.datewords import WORDS as DATE_WORDS
from archiver.sites import site_of
from archiver.text import clean_text

_RELATIVE_TIME = re.compile(
    r"^(((last|first)\s+)?(updated|modified|edited|posted|published)\s*:?\s+)?"
    r"(just now|a moment ago|an? (minute|hour|day|week)s? ago|"
    r"\d+\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)\s+ago|"
    r"yesterday|today)\.?$",
    re.IGNORECASE,
)
# "5 min read", "3-minute read", "Reading time: 4 minutes", "Lesezeit: 4 Minuten",
# "Temps de lecture : 4 min", "4 min de lectura".
_MINUTES = r"(about\s+|approx\.?\s+|ca\.?\s+|~\s*)?\d+(\s*[-–]\s*\d+)?[\s-]*min(s|ute|utes|uten|utos)?\.?"
_READING_TIME = re.compile(
    rf"^((estimated\s+)?reading time|read time|lesezeit|lesedauer|temps de lecture|"
    rf"tiempo de lectura|lectura)\s*:?\s*{_MINUTES}$"
    rf"|^{_MINUTES}\s+(read|reading|to read|reading time|lesezeit|lesedauer|de lecture|"
    rf"de lectura)\.?$",
    re.IGNORECASE,
)
# "1,234 views", "12 comments · 3.4K shares": counters alone on a line.
_COUNT = (r"\d[\d.,]*\s*[km]?\+?\s+(views?|comments?|shares?|likes?|reads?|reactions?|replies|"
          r"reply|aufrufe|kommentare?|vues|commentaires?|vistas|comentarios?)")
_COUNTERS = re.compile(rf"^{_COUNT}(\s*[|·•,/]\s*{_COUNT})*\.?$", re.IGNORECASE)

# Datelines ("Updated: Nov 25, 2026, 10:03 AM ET", "Aktualisiert am 25.11.2026, 10:03 Uhr"):
# a paragraph made only of a label, date words, numbers and punctuation.
_DATE_LABELS = frozenset(
    ["updated", "modified", "edited", "posted", "published", "aktualisiert", "veröffentlicht", "geändert", "erstellt", "stand", "publié", "publiée", "modifié", "modifiée", "mis", "actualizado", "actualizada", "publicado", "publicada", "modificado"])
# Besides the vocabulary of dates (months, weekdays, zones, clock words, small joining words):
# the words a dateline adds, "last", "originally", "dernière".
_DATE_WORDS = _DATE_LABELS | DATE_WORDS | JOINERS | frozenset(
    "last first originally zuletzt dernière derniere última ultima jour".split())
_DATE_TOKEN = re.compile(r"[^\s,;|·•()\[\]]+")
_NUMERIC = re.compile(r"\d{1,4}([:./-]\d{1,4}){0,2}(st|nd|rd|th|er|º|h\d\d|h|am|pm)?"
                      r"|\d{4}-\d\d-\d\dt\d\d:\d\d(:\d\d(\.\d+)?)?(z|[+\-]\d\d:?\d\d)?")
_ZONE_OFFSET = re.compile(r"(utc|gmt)?[+\-−]\d{1,2}(:?\d\d)?")


def is_dateline(text: str) -> bool:
    """A paragraph that is only a publication label and a date/time, nothing else.

    Not an update marker that introduces the next paragraph ("Updated at 3:15 p.m. ET:",
    "[Updated March 3]"): those are the story's own record of a change."""
    text = text.strip()
    if text.endswith(":") or text[:1] in "[(*_":
        return False
    label = when = False
    for found in _DATE_TOKEN.finditer(text):  # (lazily: a story paragraph ends at its first word)
        token = found.group().lower().strip(":.-–—/")
        if not token:
            continue
        if _NUMERIC.fullmatch(token):
            when = when or any(c in token for c in ":./-h") or token.endswith("m")
            continue
        if _ZONE_OFFSET.fullmatch(token):
            continue
        word = token.replace(".", "")  # a.m., p.m., Nov.
        if word not in _DATE_WORDS:
            return False
        label = label or word in _DATE_LABELS
        when = when or word in MONTHS
    return label and when and any(c.isdigit() for c in text)


_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"mkt_tok|ref_src|ref_url|cmpid|ocid|sr_share|smid|share_id|__twitter_impression)$",
    re.IGNORECASE,
)


# What a relative time ends with (before an optional "." and the "\n" that `$` allows): the
# last word of every alternative of _RELATIVE_TIME. An alternative added there that ends
# with another word must add it here, or it will never match.
_RELATIVE_ENDS = ("ago", "now", "yesterday", "today")


def is_relative_time(text: str) -> bool:
    # (A look at the last letters first: the regex is tried on every paragraph of a crawl.)
    end = text[-12:].casefold().removesuffix("\n").removesuffix(".")
    return end.endswith(_RELATIVE_ENDS) and bool(_RELATIVE_TIME.match(text))


def is_page_noise(text: str) -> bool:
    """A paragraph that is only page furniture which changes between fetches: a relative time,
    a reading time, view/comment/share counters, or a dateline. Never a paragraph with story
    text in it ("He left 2 hours ago.", "Update, March 3: Lumora confirmed ...")."""
    return bool(is_relative_time(text) or _READING_TIME.match(text) or _COUNTERS.match(text)
                or is_dateline(text))


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    cleaned = (clean_text(p) for p in paragraphs)
    return [p for p in cleaned if p and not is_page_noise(p)]


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


@lru_cache(maxsize=4096)  # (about ten times for each page a crawl handles)
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
