"""When a scheduled report runs and which days each run covers, in the desk's time zone.

``settings.TIME_ZONE`` (Asia/Shanghai by default) is the clock of every schedule: "weekly on
Monday at 08:00" is 08:00 there whatever the server's zone. A monthly day 29–31 runs on the
month's last day in shorter months (31 → 30 April, 28/29 February).
"""

from __future__ import annotations

import calendar
import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings

from gongdan.reports.periods import Period
from gongdan.reports.schedule_models import CoveredPeriod, Frequency, ReportSchedule


def desk_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def runs_on(schedule: ReportSchedule, day: date) -> bool:
    """Whether the schedule runs on local day ``day``."""
    if schedule.frequency == Frequency.WEEKLY:
        return day.weekday() == schedule.weekday
    if schedule.frequency == Frequency.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(int(schedule.day_of_month or 1), last)
    return True


def next_run_after(schedule: ReportSchedule, after: datetime) -> datetime:
    """The first time strictly after ``after`` the schedule runs (aware, in the desk's zone)."""
    zone = desk_zone()
    day = after.astimezone(zone).date()
    for offset in range(63):  # a monthly schedule runs at least once in any 62 days
        candidate_day = day + timedelta(days=offset)
        if not runs_on(schedule, candidate_day):
            continue
        candidate = datetime.combine(candidate_day, schedule.time_of_day, tzinfo=zone)
        if candidate > after:
            return candidate
    raise ValueError("the schedule never runs")  # unreachable for a validated schedule


def covered_period(name: str, run_day: date) -> Period:
    """The whole days a run on local day ``run_day`` reports on.

    yesterday; the last 7 days (yesterday and the 6 before); last week (Monday–Sunday before
    the run's week); last month; this month to date (the 1st up to and including the run day).
    """
    yesterday = run_day - timedelta(days=1)
    if name == CoveredPeriod.YESTERDAY:
        return Period(yesterday, yesterday)
    if name == CoveredPeriod.LAST_7_DAYS:
        return Period(run_day - timedelta(days=7), yesterday)
    if name == CoveredPeriod.LAST_WEEK:
        monday = run_day - timedelta(days=run_day.weekday() + 7)
        return Period(monday, monday + timedelta(days=6))
    if name == CoveredPeriod.LAST_MONTH:
        last = run_day.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    return Period(run_day.replace(day=1), run_day)


def run_period(schedule: ReportSchedule, due_at: datetime) -> Period:
    """The period of the run due at ``due_at`` (counted from its local day)."""
    return covered_period(schedule.period, due_at.astimezone(desk_zone()).date())
