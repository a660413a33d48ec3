"""Publication and modification dates, as ISO 8601 with the zone the page states.

ISO 8601 values (most of them) are read by the standard library; dates written for people
("Nov. 19, 2019 3:05 p.m. PST", "19.11.2019 14:30", "25. März 2026") by python-dateutil,
taught the project's vocabulary (`archiver.datewords`): month and weekday names in English,
German, French and Spanish, and zone names (EST, CET, IST, ET...).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from itertools import chain, islice

from dateutil import parser as dateutil_parser

from archiver.datewords import ZONES, DateWords
from archiver.extract.metadata.jsonld import text_of
from archiver.text import clean_text

# Meta tags that carry each date, in order of trust.
PUBLISHED_TAGS = (
    "article:published_time", "og:published_time", "published_time", "datepublished", "pubdate",
    "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
    "cxenseparse:recs:publishtime", "article_date_original", "original-publish-date",
    "article:published", "og:article:published_time", "date_published", "pdate", "displaydate",
    "dc.date.created")
MODIFIED_TAGS = ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified", "article.updated", "lastmod")

_HAS_OFFSET = re.compile(r"[+-]\d{2}:\d{2}$")
_YEAR = re.compile(r"(?<!\d)\d{4}")
# Numeric dates: "2019/11/19" opens with its year, "19.11.2019" is day first; "05/09/2024" is
# read both ways, and is no date when the two readings differ (WebMD means May 9, other
# English sites 5 September: the page's language does not tell).
_YEAR_FIRST, _DAY_FIRST, _MONTH_FIRST = (DateWords(yearfirst=True), DateWords(dayfirst=True),
                                         DateWords())
_DOTTED = re.compile(r"\d\.\d{1,2}\.")
# "GMT+3" is three hours east of Greenwich in news (dateutil reads it the POSIX way, west).
_GMT_PLUS = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
# "+0000 UTC" (Go's format): the numeric offset says it all.
_NAME_AFTER_OFFSET = re.compile(r"([+-]\d{2}:?\d{2})\s+\(?[A-Z]{1,5}\)?$")
# Two fillers that differ in every field: what a date does not state comes out different.
_FILL_A, _FILL_B = datetime(2000, 1, 1, 0, 0), datetime(2001, 2, 2, 1, 1)


def dates(root, meta: dict[str, str], ld: dict) -> tuple[str | None, str | None]:
    """(published, modified). Sources in order of trust; a later one only wins when it adds
    the time zone the earlier ones left out (JSON-LD "2019-11-19T10:00:00" vs meta
    "...-05:00"). The tree is only searched when the head gave no zoned date."""
    published = best_date(chain(
        (ld.get("datePublished"), ld.get("dateCreated")),
        (meta.get(k) for k in PUBLISHED_TAGS),
        (el.get("content") or el.get("datetime") for el in _first(
            root, '//@itemprop[.="datePublished"]/.. | //time[@datetime]', 3)),
        # Last resort: the visible text of the first <time> elements.
        (clean_text("".join(el.itertext()))[:80] for el in _first(root, "//time", 2))))
    modified = best_date(chain(
        (ld.get("dateModified"),), (meta.get(k) for k in MODIFIED_TAGS),
        (el.get("content") for el in _first(root, '//@itemprop[.="dateModified"]/..', 2))))
    return published, modified


def best_date(values) -> str | None:
    """The first plausible date that carries a time zone, else the first plausible date."""
    first = None
    for v in values:
        d = normalize_date(v)
        if not d or not _plausible(d):
            continue
        if _HAS_OFFSET.search(d):
            return d
        if first is None:
            first = d
    return first


def normalize_date(value) -> str | None:
    """ISO 8601: the offset the page declares is kept ('Z' and zone names such as GMT or EST
    become +00:00 / -05:00); a date-time without any zone stays naive rather than guessed;
    a bare date stays a date. Unix timestamps (s or ms) are UTC. Unparseable: None."""
    s = text_of(value)
    if not s:
        return None
    if s.isdigit() and len(s) in (10, 13):
        try:
            return datetime.fromtimestamp(int(s[:10]), tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s).isoformat()
    except ValueError:
        return _written(s)


def _written(s: str) -> str | None:
    """A date as people write it; None unless it states a year, a month and a day, and
    says them in one order only."""
    if not _YEAR.search(s):
        return None
    if s[:4].isdigit():
        readings = (_YEAR_FIRST,)
    elif _DOTTED.search(s):
        readings = (_DAY_FIRST,)
    else:
        readings = (_DAY_FIRST, _MONTH_FIRST)
    s = _NAME_AFTER_OFFSET.sub(r"\1", _GMT_PLUS.sub(_offset, s))
    try:
        a, b = (_parse(s, readings[0], fill) for fill in (_FILL_A, _FILL_B))
        if any(_parse(s, other, _FILL_A) != a for other in readings[1:]):
            return None  # 05/09/2024: May or September?
    except (ValueError, OverflowError):
        return None
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        return None  # "November 2019", "Dec 29 6:30 PM": not a whole date
    if (a.hour, a.minute) != (b.hour, b.minute):
        return a.date().isoformat()  # no time of day written
    return a.isoformat()


def _parse(s: str, info: DateWords, fill: datetime) -> datetime:
    return dateutil_parser.parse(s, parserinfo=info, default=fill, tzinfos=_zone)


def _offset(m: re.Match) -> str:
    return f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}"


def _zone(name: str | None, offset: int | None):
    """dateutil's zone lookup: the vocabulary's zones and written offsets; an unknown zone
    name makes the date unreadable rather than silently naive."""
    if name and name.upper() in ZONES:
        return ZONES[name.upper()]
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if not name:
        return None  # no zone written: naive
    raise ValueError(f"unknown time zone {name!r}")


def _plausible(d: str) -> bool:
    """CMS placeholders ("0001-01-01T00:00:00Z", epoch 0) are not dates."""
    try:
        year = int(d[:4])
    except ValueError:
        return False
    return 1991 <= year <= datetime.now(timezone.utc).year + 1


def _first(root, path: str, limit: int):
    """The first `limit` matches of `path`, searched only when a caller asks for them.
    (An element by its attribute is found as `//@name[.="value"]/..`: the same elements,
    in the same order, as `//*[@name="value"]`, in half of libxml2's time.)"""
    yield from islice(root.xpath(path), limit)
