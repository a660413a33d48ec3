"""Turn the date/time written in a marker ("7:02PM ET", "24. April 2013, 19.02 Uhr") into ISO 8601.

A time without a date borrows the date from `published` (seen in the stated zone when both
have one), a date without a year borrows its year. No zone stated -> no offset, since guessing
the site's zone would be inventing data. Anything not understood -> None.

Months, weekdays and zones are the project's one vocabulary (`archiver.datewords`): generic
zone names (ET, PT, CT, MT) go through zoneinfo so the offset is right for the date; explicit
standard/daylight abbreviations (EST, EDT, PDT, CEST, BST, IST, ...) are taken literally.
dateutil is not used here: it reads a whole string as one date, while a marker's qualifier
holds pieces ("7:02 p.m. ET", "24. April") to find, then complete from the publication date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from archiver.datewords import MONTHS, REGIONAL_ZONES, ZONES, zone
from archiver.datewords import WORDS as DATE_WORDS

# every word a stated time may contain; markers.py uses it to vet qualifiers
WORDS = DATE_WORDS | {"today", "heute", "hoy"}

_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_RES = [
    ("iso", re.compile(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})")),
    ("mdy", re.compile(rf"\b(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", re.I)),
    ("dmy", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|o|\.)?\s+(?:de\s+)?(?P<mon>{_MON})\b\.?(?:,?\s+(?:de\s+)?(?P<y>\d{{4}}))?", re.I)),
    ("dotted", re.compile(r"\b(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4}|\d{2})?")),
    ("slash", re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b")),
]
_AMPM = r"(?P<ap>[ap])\.?\s?m\b\.?"
_TIME_RES = [
    re.compile(rf"\b(?P<h>\d{{1,2}})(?::|h\s?)(?P<mi>\d{{2}})(?!\d)(?:\s*{_AMPM})?", re.I),
    re.compile(rf"\b(?P<h>\d{{1,2}})\.(?P<mi>\d{{2}})\s*(?:{_AMPM}|uhr\b|h\b)", re.I),
    re.compile(rf"\b(?P<h>\d{{1,2}})\s*{_AMPM}", re.I),
    re.compile(r"\b(?P<h>\d{1,2})\s*(?:uhr|h)\b", re.I),
]
# case-sensitive on purpose: lower-case "et" is French for "and"
_ZONE_NAMES = sorted((z for z in ZONES if z != "Z"), key=len, reverse=True)
_ZONE_RE = re.compile(r"\b(" + "|".join(_ZONE_NAMES + [z.title() for z in REGIONAL_ZONES if len(z) > 2])
                      + r")\b")


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            return datetime.combine(date.fromisoformat(value.strip()[:10]), time())
        except ValueError:
            return None


def _year(y: str | None, ref: datetime | None) -> int | None:
    if y:
        v = int(y)
        return v + 2000 if v < 100 else v
    return ref.year if ref else None


def _find_date(text: str, language: str, ref: datetime | None):
    for name, rx in _DATE_RES:
        m = rx.search(text)
        if not m:
            continue
        g = m.groupdict()
        if name in ("mdy", "dmy"):
            month, day = MONTHS[g["mon"].lower()], int(g["d"])
        elif name == "slash":
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if language == "en" else (b, a)
        else:
            month, day = int(g["mo"]), int(g["d"])
        year = _year(g.get("y"), ref)
        if year is None:
            return None, m.span()
        try:
            return date(year, month, day), m.span()
        except ValueError:
            return None, m.span()
    return None, None


def _find_time(text: str):
    for rx in _TIME_RES:
        m = rx.search(text)
        if not m:
            continue
        h, mi = int(m.group("h")), int(m.groupdict().get("mi") or 0)
        ap = (m.groupdict().get("ap") or "").lower()
        if ap:
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if ap == "p" else 0)
        if h > 23 or mi > 59:
            continue
        return time(h, mi)
    return None


def _zone(text: str):
    m = _ZONE_RE.search(text)
    return zone(m.group(1)) if m else None


def parse_stated_time(text: str, *, language: str = "en", published: str | None = None) -> str | None:
    """ISO 8601 for the date/time in `text`: "2013-04-24", "2013-04-24T19:02:00-04:00", or None."""
    ref = _parse_iso(published)
    day, span = _find_date(text, language, ref)
    rest = text if span is None else text[: span[0]] + " " + text[span[1] :]
    if span is not None and day is None:
        return None  # a date we could not complete (no year known) -- do not guess
    clock = _find_time(rest)
    if clock is None:
        return day.isoformat() if day else None
    tz = _zone(rest)
    if day is None:
        if ref is None:
            return None
        if tz is not None and ref.tzinfo is not None:
            day = ref.astimezone(tz).date()
        else:
            day = ref.date()
    stamp = datetime.combine(day, clock)
    if tz is not None:
        stamp = stamp.replace(tzinfo=tz)
    return stamp.isoformat()
