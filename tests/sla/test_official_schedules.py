"""Due times over China's real official schedules, read from the seeded database.

Each row was worked out by hand against ``chinesecalendar``'s data for that year (the comments
name the holiday dates and the 调休 make-up workdays); hours are 09:00–12:00 and 13:00–18:00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from gongdan.sla.clock import add_business_time, business_minutes_between
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.selectors import calendar_spec

from .conftest import sh

H = 60  # minutes per hour

DUE_TIMES = [
    # National Day 2024: holiday 10-01..10-07, make-up Sun 09-29 and Sat 10-12.
    (
        "2024 Friday before National Day, make-up Sunday counts",
        sh(2024, 9, 27, 9),
        16 * H,
        sh(2024, 9, 29, 18),
    ),
    (
        "2024 Monday before National Day spans the whole holiday",
        sh(2024, 9, 30, 9),
        16 * H,
        sh(2024, 10, 8, 18),
    ),
    # National Day + Mid-Autumn 2025: holiday 10-01..10-08, make-up Sun 09-28 and Sat 10-11.
    ("2025 Friday afternoon before National Day", sh(2025, 9, 26, 14), 16 * H, sh(2025, 9, 29, 14)),
    ("2025 eight-day Golden Week is skipped", sh(2025, 9, 30, 10), 16 * H, sh(2025, 10, 10, 10)),
    ("2025 make-up Saturday after Golden Week", sh(2025, 10, 10, 17), 2 * H, sh(2025, 10, 11, 10)),
    # National Day 2026: holiday 10-01..10-07, make-up Sun 09-20 and Sat 10-10.
    ("2026 last day before National Day", sh(2026, 9, 30, 9), 16 * H, sh(2026, 10, 8, 18)),
    # Spring Festival 2024: holiday 02-10..02-17, make-up Sun 02-04 and Sun 02-18.
    (
        "2024 Spring Festival then the make-up Sunday",
        sh(2024, 2, 9, 9),
        16 * H,
        sh(2024, 2, 18, 18),
    ),
    # Spring Festival 2025: holiday 01-28..02-04, make-up Sun 01-26 and Sat 02-08.
    (
        "2025 Spring Festival spanned from the Monday before",
        sh(2025, 1, 27, 15),
        8 * H,
        sh(2025, 2, 5, 15),
    ),
    (
        "2025 start on the make-up Sunday counts that Sunday",
        sh(2025, 1, 26, 9),
        8 * H,
        sh(2025, 1, 26, 18),
    ),
    # Spring Festival 2026: holiday 02-15..02-23, make-up Sat 02-14 and Sat 02-28.
    (
        "2026 Friday evening runs into the make-up Saturday",
        sh(2026, 2, 13, 17),
        2 * H,
        sh(2026, 2, 14, 10),
    ),
    (
        "2026 start on the make-up Saturday after the festival",
        sh(2026, 2, 28, 9),
        8 * H,
        sh(2026, 2, 28, 18),
    ),
    (
        "2026 start inside the make-up Saturday's lunch break",
        sh(2026, 2, 14, 12, 15),
        3 * H,
        sh(2026, 2, 14, 16),
    ),
    # Qingming 2024: holiday 04-04..04-06, make-up Sun 04-07.
    (
        "2024 start in the lunch break counts from 13:00",
        sh(2024, 4, 3, 12, 30),
        4 * H,
        sh(2024, 4, 3, 17),
    ),
    ("2024 Qingming skipped to the make-up Sunday", sh(2024, 4, 3, 16), 4 * H, sh(2024, 4, 7, 11)),
    # Labour Day 2025: holiday 05-01..05-05, make-up Sun 04-27.
    ("2025 Labour Day", sh(2025, 4, 30, 17), 2 * H, sh(2025, 5, 6, 10)),
    # Dragon Boat 2025: holiday Sat 05-31..Mon 06-02, no make-up day.
    ("2025 Dragon Boat long weekend", sh(2025, 5, 30, 17, 30), 1 * H, sh(2025, 6, 3, 9, 30)),
    # Mid-Autumn 2024: holiday 09-15..09-17, make-up Sat 09-14.
    (
        "2024 Mid-Autumn make-up Saturday, due at 12:00 sharp",
        sh(2024, 9, 13, 18),
        3 * H,
        sh(2024, 9, 14, 12),
    ),
    # Mid-Autumn 2026: holiday Fri 09-25..Sun 09-27.
    (
        "2026 Mid-Autumn, due at the lunch break not after it",
        sh(2026, 9, 24, 13),
        8 * H,
        sh(2026, 9, 28, 12),
    ),
]


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [row[1:] for row in DUE_TIMES],
    ids=[row[0] for row in DUE_TIMES],
)
def test_due_times_over_official_holidays(
    china: BusinessCalendar, start: datetime, minutes: int, due: datetime
) -> None:
    spec = calendar_spec(china)

    assert add_business_time(spec, start, minutes) == due
    assert business_minutes_between(spec, start, due) == minutes


def test_the_dates_in_the_table_are_the_official_ones() -> None:
    # Guards the hand-written table against a changed chinesecalendar release.
    holidays = [
        date(2024, 10, 1),
        date(2025, 10, 8),
        date(2026, 2, 23),
        date(2024, 4, 6),
        date(2025, 6, 2),
        date(2026, 9, 25),
        date(2025, 1, 28),
        date(2024, 9, 17),
    ]
    makeups = [
        date(2024, 9, 29),
        date(2024, 10, 12),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 9, 20),
        date(2026, 10, 10),
        date(2024, 2, 18),
        date(2025, 1, 26),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2024, 4, 7),
        date(2024, 9, 14),
    ]

    assert all(day in chinese_calendar.holidays for day in holidays)
    assert all(day in chinese_calendar.workdays for day in makeups)
    assert not chinese_calendar.is_workday(date(2026, 10, 8) - timedelta(days=1))


def test_business_time_across_golden_week_2024_counts_seven_days(
    china: BusinessCalendar,
) -> None:
    # 09-28 Sat off, 09-29 Sun make-up, 09-30 Mon, 10-01..07 off, 10-08..11, 10-12 Sat make-up.
    spec = calendar_spec(china)

    assert business_minutes_between(spec, sh(2024, 9, 28), sh(2024, 10, 13)) == 7 * 8 * H
    assert business_minutes_between(spec, sh(2025, 9, 30, 18), sh(2025, 10, 9, 9)) == 0


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_a_whole_year_has_eight_hours_per_official_workday(
    china: BusinessCalendar, year: int
) -> None:
    spec = calendar_spec(china)
    workdays = chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31))

    minutes = business_minutes_between(spec, sh(year, 1, 1), sh(year + 1, 1, 1))

    assert minutes == len(workdays) * 8 * H
