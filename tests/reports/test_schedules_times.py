"""When a scheduled report runs (daily, weekly, monthly with the month-end clamp) and what
each run covers, in the desk's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from gongdan.reports.periods import Period
from gongdan.reports.schedule_models import ReportSchedule
from gongdan.reports.schedule_times import covered_period, next_run_after

SH = ZoneInfo("Asia/Shanghai")


def _schedule(frequency: str, at: time, **kw: object) -> ReportSchedule:
    return ReportSchedule(frequency=frequency, time_of_day=at, **kw)


def test_daily_later_today_then_tomorrow(settings: object) -> None:
    daily = _schedule("daily", time(8, 0))
    assert next_run_after(daily, datetime(2026, 12, 7, 7, 59, tzinfo=SH)) == datetime(
        2026, 12, 7, 8, 0, tzinfo=SH
    )
    # exactly at the run time: the next one (strictly after)
    assert next_run_after(daily, datetime(2026, 12, 7, 8, 0, tzinfo=SH)) == datetime(
        2026, 12, 8, 8, 0, tzinfo=SH
    )


def test_time_of_day_is_the_desks_zone_not_utc() -> None:
    daily = _schedule("daily", time(8, 0))
    # 2026-12-07 01:00 UTC is 09:00 in Shanghai: today's 08:00 has passed there
    nxt = next_run_after(daily, datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    assert nxt == datetime(2026, 12, 8, 8, 0, tzinfo=SH)
    assert nxt.astimezone(UTC) == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


def test_other_desk_zone(settings: object) -> None:
    settings.TIME_ZONE = "Europe/Berlin"  # type: ignore[attr-defined]
    daily = _schedule("daily", time(8, 0))
    nxt = next_run_after(daily, datetime(2026, 12, 7, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    assert nxt.astimezone(UTC) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def test_weekly_on_a_weekday() -> None:
    monday = _schedule("weekly", time(9, 30), weekday=0)
    # Monday 2026-12-07 10:00: next Monday
    assert next_run_after(monday, datetime(2026, 12, 7, 10, 0, tzinfo=SH)) == datetime(
        2026, 12, 14, 9, 30, tzinfo=SH
    )
    friday = _schedule("weekly", time(17, 0), weekday=4)
    assert next_run_after(friday, datetime(2026, 12, 7, 10, 0, tzinfo=SH)) == datetime(
        2026, 12, 11, 17, 0, tzinfo=SH
    )


@pytest.mark.parametrize(
    ("day", "after", "expected"),
    [
        (15, date(2026, 12, 7), date(2026, 12, 15)),
        (5, date(2026, 12, 7), date(2027, 1, 5)),
        (31, date(2027, 2, 1), date(2027, 2, 28)),  # clamped to February's end
        (30, date(2028, 2, 1), date(2028, 2, 29)),  # leap year
        (31, date(2027, 4, 1), date(2027, 4, 30)),
        (31, date(2027, 3, 1), date(2027, 3, 31)),
        (29, date(2027, 2, 28), date(2027, 3, 29)),  # February's (clamped) run is past
    ],
)
def test_monthly_clamps_to_month_end(day: int, after: date, expected: date) -> None:
    monthly = _schedule("monthly", time(6, 0), day_of_month=day)
    start = datetime.combine(after, time(7, 0), tzinfo=SH)
    assert next_run_after(monthly, start) == datetime.combine(expected, time(6, 0), tzinfo=SH)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("yesterday", Period(date(2026, 12, 9), date(2026, 12, 9))),
        ("last_7_days", Period(date(2026, 12, 3), date(2026, 12, 9))),
        ("last_week", Period(date(2026, 11, 30), date(2026, 12, 6))),
        ("last_month", Period(date(2026, 11, 1), date(2026, 11, 30))),
        ("month_to_date", Period(date(2026, 12, 1), date(2026, 12, 10))),
    ],
)
def test_covered_period(name: str, expected: Period) -> None:
    assert covered_period(name, date(2026, 12, 10)) == expected  # a Thursday


def test_last_month_in_january() -> None:
    assert covered_period("last_month", date(2027, 1, 1)) == Period(
        date(2026, 12, 1), date(2026, 12, 31)
    )
