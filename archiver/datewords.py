"""Month, weekday and time-zone names: the one date vocabulary of the whole archiver.

The metadata reader (dates in meta tags and <time>), the normalizer (datelines that are
page noise) and change detection (the time an update marker states) all read dates written
by people, in the languages whose update markers we know: English, German, French, Spanish.
They share these names, so a zone or a month one of them knows, all of them know.

Zone abbreviations are ambiguous; each takes its most common meaning in news: IST is India
(+05:30), CST and CDT are US Central, AST is Atlantic, BST is British Summer Time. Generic
names whose offset depends on the date (ET, PT, "Eastern") are resolved through zoneinfo.
"""

from __future__ import annotations

from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

_MONTH_NAMES = (  # every spelling, lower case, 1 to 12
    "january jan januar jänner janvier janv enero ene",
    "february feb februar février fevrier févr fevr febrero",
    "march mar märz maerz mär mrz mars marzo",
    "april apr avril avr abril abr",
    "may mai mayo",
    "june jun juni juin junio",
    "july jul juli juillet juil julio",
    "august aug août aout agosto ago",
    "september sep sept septembre septiembre setiembre",
    "october oct oktober okt octobre octubre",
    "november nov novembre noviembre",
    "december dec dezember dez décembre decembre déc diciembre dic",
)
_WEEKDAY_NAMES = (  # Monday first
    "monday mon montag mo lundi lunes",
    "tuesday tue tues dienstag di mardi martes",
    "wednesday wed mittwoch mi mercredi miércoles miercoles",
    "thursday thu thur thurs donnerstag do jeudi jueves",
    "friday fri freitag fr vendredi viernes",
    "saturday sat samstag sonnabend sa samedi sábado sabado",
    "sunday sun sonntag so dimanche domingo",
)
MONTHS: dict[str, int] = {name: number for number, names in enumerate(_MONTH_NAMES, 1)
                          for name in names.split()}
WEEKDAYS: dict[str, int] = {name: number for number, names in enumerate(_WEEKDAY_NAMES)
                            for name in names.split()}

# Abbreviations with one fixed offset, in minutes east of UTC.
ZONE_OFFSETS: dict[str, int] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "WEST": 60, "CET": 60, "MEZ": 60,
    "CEST": 120, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "SGT": 480,
    "HKT": 480, "AWST": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720,
    "NZDT": 780, "AST": -240, "ADT": -180, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}
# Names of a region's clock: standard or daylight time depending on the date.
REGIONAL_ZONES: dict[str, str] = {
    "ET": "America/New_York", "EASTERN": "America/New_York",
    "CT": "America/Chicago", "CENTRAL": "America/Chicago",
    "MT": "America/Denver", "MOUNTAIN": "America/Denver",
    "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles",
}
ZONES: dict[str, tzinfo] = {
    **{name: timezone(timedelta(minutes=minutes)) for name, minutes in ZONE_OFFSETS.items()},
    **{name: ZoneInfo(key) for name, key in REGIONAL_ZONES.items()},
}

# Words of the clock ("10 a.m.", "10 Uhr", "10 h", "noon").
CLOCK_WORDS = frozenset("am pm a p m uhr h hrs noon midnight mittag midi".split())
# Small words inside written dates: "on March 3 at 7 p.m.", "25 de noviembre de 2026",
# "le 24 avril à 19h", "am 24. April um 19 Uhr".
JOINERS = frozenset("on at of the um am vom à a le du de del el la las los en".split())
# Every word a written date or time may contain, lower case.
WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS) | {z.lower() for z in ZONES} | CLOCK_WORDS


def zone(name: str) -> tzinfo | None:
    """The zone an abbreviation or regional name stands for ("EST", "ET", "Eastern"), or None."""
    return ZONES.get(name.upper())


class DateWords(dateutil_parser.parserinfo):
    """dateutil's parser, taught this vocabulary: month and weekday names in every language
    above, and the joining words ("de", "à", "um", "Uhr") that it may skip."""

    MONTHS = [tuple(n for n, number in MONTHS.items() if number == m) for m in range(1, 13)]
    WEEKDAYS = [tuple(n for n, number in WEEKDAYS.items() if number == d) for d in range(7)]
    JUMP = [*dateutil_parser.parserinfo.JUMP, "(", ")", "uhr",
            *(w for w in JOINERS if w not in ("a", "am"))]  # "a", "am": dateutil's a.m.
