"""Default calendars: China mainland business days (from ``chinesecalendar``) and 24×7.

``chinesecalendar`` ships the State Council's official schedule (放假安排) for each year it
knows: every holiday date, including the weekend days inside a holiday, and every make-up
workday (调休上班, always a Saturday or Sunday). Seeding is idempotent: calendars are created
once, and special days are only added for dates that have none, so an administrator's edits
survive a re-run. New official years arrive with a new ``chinesecalendar`` release (re-run
``seed_calendars``) or are typed in by an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar
from django.db import transaction
from django.utils import timezone

# The calendar codes are defined in sla.choices (selectors read them too).
from gongdan.sla.choices import CHINA_CODE, SpecialDayKind
from gongdan.sla.choices import OFFICIAL_CODES as OFFICIAL_CODES
from gongdan.sla.models import BusinessCalendar, SpecialDay
from gongdan.sla.services import (
    SpecialDayIn,
    calendar_create,
    special_days_save,
    working_hours_set,
)

CHINA_NAME = "中国大陆工作日 (China mainland business days)"
CHINA_HOURS = [("09:00", "12:00"), ("13:00", "18:00")]
ALWAYS_CODE = "24x7"
ALWAYS_NAME = "全天候 24×7 (around the clock)"

_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


@dataclass(frozen=True)
class SeedResult:
    calendar: BusinessCalendar
    created: bool
    special_days_added: int


def official_years() -> range:
    """The years whose official schedule the installed ``chinesecalendar`` knows."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def official_schedule_known(year: int) -> bool:
    """Whether ``chinesecalendar`` has the official holidays of ``year``."""
    return year in official_years()


def next_year_schedule_present(
    *, calendar: BusinessCalendar | None = None, today: date | None = None
) -> bool:
    """Whether next year's holidays are in ``calendar`` (default: the China calendar).

    For the December warning: ``False`` means nobody has entered the coming year's official
    schedule yet, so SLA due times in January could run through a holiday.
    """
    today = today or timezone.localdate()
    calendar = calendar or BusinessCalendar.objects.filter(code=CHINA_CODE).first()
    if calendar is None:
        return False
    return calendar.special_days.filter(
        date__year=today.year + 1, kind=SpecialDayKind.HOLIDAY
    ).exists()


def official_special_days(years: range | None = None) -> list[SpecialDayIn]:
    """Holidays and make-up workdays from ``chinesecalendar``, named in Chinese."""
    years = years or official_years()
    entries = [
        SpecialDayIn(date=day, kind=SpecialDayKind.HOLIDAY, name=_CHINESE_NAMES.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year in years
    ]
    entries += [
        SpecialDayIn(
            date=day,
            kind=SpecialDayKind.MAKEUP_WORKDAY,
            name=f"{_CHINESE_NAMES.get(name, name)}调休",
        )
        for day, name in chinese_calendar.workdays.items()
        if day.year in years
    ]
    return sorted(entries, key=lambda entry: entry.date)


def seed_china_calendar() -> SeedResult:
    """Create (once) the China mainland calendar and add the official days it lacks."""
    with transaction.atomic():
        calendar = BusinessCalendar.objects.filter(code=CHINA_CODE).first()
        created = calendar is None
        if calendar is None:
            calendar = calendar_create(
                name=CHINA_NAME,
                code=CHINA_CODE,
                time_zone="Asia/Shanghai",
                is_default=not BusinessCalendar.objects.filter(is_default=True).exists(),
            )
            for weekday in range(5):
                working_hours_set(calendar=calendar, weekday=weekday, intervals=CHINA_HOURS)
        added, _updated = special_days_save(
            calendar=calendar, entries=official_special_days(), overwrite=False
        )
    return SeedResult(calendar=calendar, created=created, special_days_added=added)


def seed_24x7_calendar() -> SeedResult:
    """Create (once) the around-the-clock calendar, without special days."""
    with transaction.atomic():
        calendar = BusinessCalendar.objects.filter(code=ALWAYS_CODE).first()
        if calendar is not None:
            return SeedResult(calendar=calendar, created=False, special_days_added=0)
        calendar = calendar_create(
            name=ALWAYS_NAME, code=ALWAYS_CODE, time_zone="Asia/Shanghai", is_24x7=True
        )
    return SeedResult(calendar=calendar, created=True, special_days_added=0)


def seed_calendars() -> list[SeedResult]:
    """Both default calendars (idempotent)."""
    return [seed_china_calendar(), seed_24x7_calendar()]


def official_day_count(calendar: BusinessCalendar) -> int:
    """How many special days of ``calendar`` there are (for the command's report)."""
    return SpecialDay.objects.filter(calendar=calendar).count()
