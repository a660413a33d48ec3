"""Turn the date/time written in a marker ("7:02PM ET", "24. April 2013, 19.02 Uhr") into ISO 8601.

Zones: generic names (ET, PT, CT, MT) go through zoneinfo so the offset is right for the date;
explicit standard/daylight abbreviations (EST, EDT, PDT, CEST, BST, ...) are taken literally.
A time without a date borrows the date from `published` (seen in the stated zone when both
have one), a date without a year borrows its year. No zone stated -> no offset, since guessing
the site's zone would be inventing data. Anything not understood -> None.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_MONTHS = {
    1: "january jan januar jänner janvier janv enero ene",
    2: "february feb februar février fevrier févr fevr febrero",
    3: "march mar märz maerz mars marzo",
    4: "april apr avril avr abril abr",
    5: "may mai mayo",
    6: "june jun juni juin junio",
    7: "july jul juli juillet juil julio",
    8: "august aug août aout agosto ago",
    9: "september sep sept septembre septiembre setiembre",
    10: "october oct oktober okt octobre octubre",
    11: "november nov novembre noviembre",
    12: "december dec dezember dez décembre decembre diciembre dic",
}
MONTH = {name: num for num, names in _MONTHS.items() for name in names.split()}

_ZONES_REGION = {
    "ET": "America/New_York", "EASTERN": "America/New_York",
    "CT": "America/Chicago", "CENTRAL": "America/Chicago",
    "MT": "America/Denver", "MOUNTAIN": "America/Denver",
    "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles",
}
_ZONES_FIXED = {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "GMT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "MEZ": 1,
    "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3,
}
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "lunes martes miércoles miercoles jueves viernes sábado sabado domingo"
)
# every word a stated time may contain; markers.py uses it to vet qualifiers
WORDS = (
    set(MONTH) | set(_WEEKDAYS.split()) | {z.lower() for z in _ZONES_REGION} | {z.lower() for z in _ZONES_FIXED}
    | {"am", "pm", "a", "p", "m", "uhr", "h", "noon", "midnight", "mittag", "midi", "today", "heute", "hoy"}
)

_MON = "|".join(sorted(MONTH, key=len, reverse=True))
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
_ZONE_RE = re.compile(
    r"\b(" + "|".join(sorted([z for z in list(_ZONES_REGION) + list(_ZONES_FIXED) if z != "Z"], key=len, reverse=True))
    + r"|Eastern|Pacific|Central|Mountain)\b"
)


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
            month, day = MONTH[g["mon"].lower()], int(g["d"])
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


def _zone(text: str, day: date):
    m = _ZONE_RE.search(text)
    if not m:
        return None
    name = m.group(1).upper()
    if name in _ZONES_FIXED:
        return timezone(timedelta(hours=_ZONES_FIXED[name]))
    return ZoneInfo(_ZONES_REGION[name])


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
    zone_probe = day or (ref.date() if ref else date(2000, 1, 15))
    tz = _zone(rest, zone_probe)
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
