"""Seeding the default calendars from chinesecalendar: complete, idempotent, edits survive."""

from __future__ import annotations

from datetime import date, time
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import call_command

from gongdan.sla.models import BusinessCalendar
from gongdan.sla.seeding import (
    ALWAYS_CODE,
    CHINA_CODE,
    next_year_schedule_present,
    official_schedule_known,
    official_years,
    seed_calendars,
)
from gongdan.sla.services import special_day_set

pytestmark = pytest.mark.django_db


def test_every_official_holiday_and_make_up_workday_is_seeded() -> None:
    china, always = (result.calendar for result in seed_calendars())

    days = dict(china.special_days.values_list("date", "kind"))
    assert len(days) == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert {days[day] for day in chinese_calendar.holidays} == {"holiday"}
    assert {days[day] for day in chinese_calendar.workdays} == {"makeup_workday"}
    assert list(china.working_hours.filter(weekday=0).values_list("start", "end")) == [
        (time(9), time(12)),
        (time(13), time(18)),
    ]
    assert not china.working_hours.filter(weekday__gte=5).exists()
    assert (china.time_zone, china.is_default, always.is_24x7, always.code) == (
        "Asia/Shanghai",
        True,
        True,
        ALWAYS_CODE,
    )


def test_seeded_days_carry_chinese_names() -> None:
    china = seed_calendars()[0].calendar

    names = dict(china.special_days.values_list("date", "name"))
    assert (names[date(2026, 10, 1)], names[date(2026, 10, 10)], names[date(2025, 1, 28)]) == (
        "国庆节",
        "国庆节调休",
        "春节",
    )


def test_seeding_twice_adds_nothing_and_keeps_an_admin_edit() -> None:
    china = seed_calendars()[0].calendar
    special_day_set(
        calendar=china,
        date=date(2026, 10, 8),
        kind="half_day",
        name="内部安排",
        intervals=[("09:00", "12:00")],
    )
    count = china.special_days.count()

    again = seed_calendars()

    assert [(r.created, r.special_days_added) for r in again] == [(False, 0), (False, 0)]
    assert china.special_days.count() == count
    assert china.special_days.get(date=date(2026, 10, 8)).kind == "half_day"
    assert BusinessCalendar.objects.count() == 2


def test_the_package_covers_2024_to_2026_at_least() -> None:
    years = official_years()

    assert years.start <= 2004 and years.stop - 1 >= 2026
    assert official_schedule_known(2026) and not official_schedule_known(years.stop)


def test_next_year_is_present_when_its_holidays_are_in_the_calendar() -> None:
    seed_calendars()
    last = official_years().stop - 1

    assert next_year_schedule_present(today=date(last - 1, 12, 1)) is True
    assert next_year_schedule_present(today=date(last, 12, 1)) is False


def test_the_command_reports_coverage_and_warns_about_next_year() -> None:
    out = StringIO()

    call_command("seed_calendars", stdout=out)

    text = out.getvalue()
    assert (
        f"{CHINA_CODE}: created, {len(chinese_calendar.holidays) + len(chinese_calendar.workdays)}"
        in text
    )
    assert "chinesecalendar knows the official schedule of 2004–" in text
