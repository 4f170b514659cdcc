"""The semantics chosen at interval boundaries, in DST time zones and at the edges of the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from gongdan.sla.clock import (
    MAX_IDLE_DAYS,
    CalendarError,
    CalendarSpec,
    DayKind,
    NoWorkingTime,
    SpecialDate,
    add_business_time,
    business_minutes_between,
    business_seconds_between,
    business_time_between,
    is_working_time,
    next_working_moment,
    working_spans_on,
)

from .conftest import BERLIN, OFFICE_DAY, office_spec, sh

SPEC = office_spec()  # Mon–Fri 09:00–12:00, 13:00–18:00, Asia/Shanghai
WED = (2026, 11, 25)


@pytest.mark.parametrize(
    ("hour", "minute", "working"),
    [
        (8, 59, False),
        (9, 0, True),
        (11, 59, True),
        (12, 0, False),
        (12, 59, False),
        (13, 0, True),
        (17, 59, True),
        (18, 0, False),
    ],
)
def test_intervals_include_their_start_and_exclude_their_end(
    hour: int, minute: int, working: bool
) -> None:
    assert is_working_time(SPEC, sh(*WED, hour, minute)) is working


def test_a_target_used_up_at_the_end_of_a_day_is_due_then_not_next_morning() -> None:
    assert add_business_time(SPEC, sh(*WED, 9), 8 * 60) == sh(*WED, 18)
    assert add_business_time(SPEC, sh(*WED, 11), 60) == sh(*WED, 12)


def test_a_start_inside_the_lunch_break_counts_from_13_00() -> None:
    assert add_business_time(SPEC, sh(*WED, 12, 30), 60) == sh(*WED, 14)
    assert next_working_moment(SPEC, sh(*WED, 12)) == sh(*WED, 13)


def test_a_start_at_the_end_of_friday_counts_from_monday_morning() -> None:
    assert add_business_time(SPEC, sh(2026, 11, 27, 18), 30) == sh(2026, 11, 30, 9, 30)
    assert next_working_moment(SPEC, sh(2026, 11, 28, 10)) == sh(2026, 11, 30, 9)


def test_a_zero_target_is_due_at_the_start_even_outside_working_time() -> None:
    assert add_business_time(SPEC, sh(*WED, 12, 30), 0) == sh(*WED, 12, 30)


def test_results_come_back_in_the_time_zone_of_the_start() -> None:
    start = sh(*WED, 9).astimezone(UTC)

    due = add_business_time(SPEC, start, 60)

    assert (due, due.tzinfo) == (datetime(2026, 11, 25, 2, tzinfo=UTC), UTC)


def test_measuring_backwards_is_negative_and_minutes_round_towards_zero() -> None:
    assert business_minutes_between(SPEC, sh(*WED, 10), sh(*WED, 9)) == -60
    assert business_minutes_between(SPEC, sh(*WED, 9), sh(*WED, 9, 0, 59)) == 0
    assert business_seconds_between(SPEC, sh(*WED, 11, 30), sh(*WED, 13, 30)) == 3600.0


def test_naive_datetimes_and_negative_targets_are_refused() -> None:
    with pytest.raises(CalendarError, match="aware"):
        add_business_time(SPEC, datetime(2026, 11, 25, 9), 60)
    with pytest.raises(CalendarError, match="negative"):
        add_business_time(SPEC, sh(*WED, 9), -1)


def test_a_calendar_without_working_time_gives_up_instead_of_looping() -> None:
    all_holiday = CalendarSpec(weekly=((),) * 7)

    with pytest.raises(NoWorkingTime, match=str(MAX_IDLE_DAYS)):
        add_business_time(all_holiday, sh(*WED, 9), 1)
    assert business_minutes_between(all_holiday, sh(2026, 1, 1), sh(2027, 1, 1)) == 0
    assert is_working_time(all_holiday, sh(*WED, 9)) is False


def test_special_days_replace_the_weekly_hours() -> None:
    spec = office_spec(
        {
            date(2026, 11, 25): SpecialDate(DayKind.HOLIDAY),
            date(2026, 11, 28): SpecialDate(DayKind.MAKEUP_WORKDAY),  # Saturday, Monday's hours
            date(2026, 11, 29): SpecialDate(DayKind.MAKEUP_WORKDAY, ((time(10), time(11)),)),
            date(2026, 11, 27): SpecialDate(DayKind.HALF_DAY, ((time(9), time(12)),)),
        }
    )

    assert working_spans_on(spec, date(2026, 11, 25)) == ()
    assert working_spans_on(spec, date(2026, 11, 28)) == OFFICE_DAY
    assert business_minutes_between(spec, sh(2026, 11, 27), sh(2026, 11, 30)) == (3 + 8 + 1) * 60


def test_an_interval_ending_at_midnight_runs_to_the_end_of_the_day() -> None:
    evening = CalendarSpec(weekly=(((time(20), time(0)),),) * 7)

    assert add_business_time(evening, sh(*WED, 23), 90) == sh(2026, 11, 26, 20, 30)
    assert working_spans_on(evening, date(*WED)) == ((time(20), time(0)),)


def test_24x7_days_are_23_and_25_hours_long_when_berlin_changes_the_clocks() -> None:
    always = CalendarSpec(tz_name="Europe/Berlin", is_24x7=True)
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)

    def day_length(day: date) -> timedelta:
        midnight = datetime.combine(day, time(), tzinfo=BERLIN)
        next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=BERLIN)
        return business_time_between(always, midnight, next_midnight)

    assert (day_length(spring), day_length(autumn)) == (timedelta(hours=23), timedelta(hours=25))
    assert add_business_time(always, datetime(2026, 3, 28, 12, tzinfo=BERLIN), 24 * 60) == (
        datetime(2026, 3, 29, 13, tzinfo=BERLIN)
    )


def test_wall_times_in_a_dst_gap_never_count_twice() -> None:
    # 02:00–03:00 does not exist on 2026-03-29 in Berlin; 02:30 resolves to 03:30 CEST (fold=0),
    # after 03:00, so the two intervals would overlap if the clock did not clip them.
    sunday = ((time(1), time(2, 30)), (time(3), time(4)))
    spec = CalendarSpec(tz_name="Europe/Berlin", weekly=((),) * 6 + (sunday,))
    day = datetime(2026, 3, 29, tzinfo=BERLIN)

    assert business_time_between(spec, day, day + timedelta(days=1)) == timedelta(hours=2)
    assert add_business_time(spec, day, 120) == datetime(2026, 3, 29, 4, tzinfo=BERLIN)


def test_working_hours_follow_local_time_in_berlin_across_dst() -> None:
    spec = office_spec(tz="Europe/Berlin")
    friday = datetime(2026, 3, 27, 17, tzinfo=BERLIN)  # CET; Monday is CEST

    due = add_business_time(spec, friday, 120)

    assert due == datetime(2026, 3, 30, 10, tzinfo=BERLIN)
    assert due.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "bad",
    [
        {"tz_name": "Mars/Olympus_Mons"},
        {"weekly": ((),) * 6},
        {"weekly": (((time(9), time(12)), (time(11), time(13))),) + ((),) * 6},
        {"weekly": (((time(12), time(9)),),) + ((),) * 6},
        {"special": {date(2026, 1, 1): SpecialDate(DayKind.HALF_DAY)}},
        {"special": {date(2026, 1, 1): SpecialDate(DayKind.HOLIDAY, OFFICE_DAY)}},
    ],
)
def test_an_inconsistent_spec_cannot_be_built(bad: dict[str, object]) -> None:
    with pytest.raises(CalendarError):
        CalendarSpec(**bad)  # type: ignore[arg-type]
