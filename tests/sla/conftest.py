"""Shared calendars for the SLA tests: pure specs (no database) and the seeded China calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from gongdan.sla.clock import CalendarSpec, DayKind, SpecialDate
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.seeding import official_special_days, seed_china_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE_DAY = ((time(9), time(12)), (time(13), time(18)))
OFFICE_WEEK = (OFFICE_DAY,) * 5 + ((), ())


def sh(*args: int) -> datetime:
    """A moment in Asia/Shanghai: ``sh(2026, 10, 1, 9)``."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def office_spec(
    special: dict[date, SpecialDate] | None = None, tz: str = "Asia/Shanghai"
) -> CalendarSpec:
    return CalendarSpec(tz_name=tz, weekly=OFFICE_WEEK, special=special or {})


def official_spec() -> CalendarSpec:
    """The China mainland calendar built straight from chinesecalendar, without the database."""
    special = {
        entry.date: SpecialDate(DayKind(entry.kind), entry.intervals or None)
        for entry in official_special_days()
    }
    return office_spec(special)


@pytest.fixture
def china(db: None) -> BusinessCalendar:
    return seed_china_calendar().calendar


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres_only") and "tests/sla" in str(item.fspath):
            item.add_marker(skip)
