"""One date vocabulary: every reader of dates knows the same months, weekdays and zones."""

from __future__ import annotations

import pytest

from archiver.changes import parse_stated_time
from archiver.datewords import MONTHS, WEEKDAYS, ZONE_OFFSETS, ZONES
from archiver.extract.metadata import normalize_date
from archiver.normalize import is_dateline


@pytest.mark.parametrize("name", sorted(MONTHS))
def test_every_month_name_is_read_by_every_reader(name):
    month = MONTHS[name]
    assert normalize_date(f"3 {name} 2026") == f"2026-{month:02d}-03"
    assert parse_stated_time(f"3 {name} 2026") == f"2026-{month:02d}-03"
    assert is_dateline(f"Updated: 3 {name} 2026, 10:03")


@pytest.mark.parametrize("name", sorted(ZONE_OFFSETS))
def test_every_zone_has_one_offset_for_every_reader(name):
    minutes = ZONE_OFFSETS[name]
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    assert normalize_date(f"Nov 19, 2026 10:03 AM {name}") == f"2026-11-19T10:03:00{offset}"
    if name != "Z":  # a lone Z in prose is a letter, not a zone
        assert parse_stated_time(f"Nov. 19, 2026, 10:03 a.m. {name}") == \
            f"2026-11-19T10:03:00{offset}"
    assert is_dateline(f"Updated: Nov 19, 2026, 10:03 {name}")


def test_ist_is_india_everywhere():
    assert normalize_date("01:38:07 PM IST Nov 20, 2019") == "2019-11-20T13:38:07+05:30"
    assert parse_stated_time("7:02 p.m. IST", published="2019-11-20T09:00:00+05:30") == \
        "2019-11-20T19:02:00+05:30"


def test_regional_zones_follow_daylight_saving():
    assert normalize_date("Jan 19, 2026 10:00 AM ET") == "2026-01-19T10:00:00-05:00"
    assert normalize_date("Jul 19, 2026 10:00 AM PT") == "2026-07-19T10:00:00-07:00"
    assert parse_stated_time("July 19, 2026, 10 a.m. Eastern") == "2026-07-19T10:00:00-04:00"
    assert parse_stated_time("Jan. 19, 2026, 10 a.m. ET") == "2026-01-19T10:00:00-05:00"


def test_weekdays_and_zones_are_names_of_the_vocabulary():
    assert WEEKDAYS["montag"] == WEEKDAYS["lundi"] == WEEKDAYS["lunes"] == WEEKDAYS["mon"] == 0
    assert set(ZONE_OFFSETS) <= set(ZONES)
    assert normalize_date("Dienstag, 24. März 2026, 19:02 MEZ") == "2026-03-24T19:02:00+01:00"
