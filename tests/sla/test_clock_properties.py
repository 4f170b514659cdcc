"""Property tests of business-time arithmetic over random calendars (hypothesis, no database).

Calendars are drawn on a 15-minute grid in DST-free and DST time zones, with random holidays,
make-up workdays and half days between December 2025 and December 2026 (both DST changes).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongdan.sla.clock import (
    CalendarSpec,
    DayKind,
    Interval,
    SpecialDate,
    add_business_duration,
    add_business_time,
    business_time_between,
    is_working_time,
    next_working_moment,
)

from .conftest import official_spec

TIME_ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"]
FIRST_DAY = date(2025, 12, 1)
LAST_DAY = date(2026, 12, 31)
START = datetime(2025, 12, 1, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
TINY = timedelta(microseconds=1)
OFFICIAL = official_spec()

settings.register_profile(
    "sla", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("sla")


def grid_time(quarter: int) -> time:
    """Quarter hours since midnight as a time; 96 is 24:00, written 00:00."""
    return time(0) if quarter == 96 else time(quarter // 4, quarter % 4 * 15)


@st.composite
def day_hours(draw: st.DrawFn, *, min_size: int = 0) -> tuple[Interval, ...]:
    points = sorted(draw(st.lists(st.integers(0, 96), min_size=min_size, max_size=6, unique=True)))
    points = points[: len(points) // 2 * 2]
    return tuple(
        (grid_time(a), grid_time(b)) for a, b in zip(points[::2], points[1::2], strict=True)
    )


@st.composite
def special_dates(draw: st.DrawFn) -> SpecialDate:
    kind = draw(st.sampled_from(list(DayKind)))
    if kind == DayKind.HOLIDAY:
        return SpecialDate(kind)
    if kind == DayKind.HALF_DAY:
        return SpecialDate(kind, draw(day_hours(min_size=2)))
    return SpecialDate(kind, draw(st.none() | day_hours()))


def weekly_minutes(spec: CalendarSpec) -> int:
    if spec.is_24x7:
        return 7 * 24 * 60
    days = (spec.spans_on(FIRST_DAY + timedelta(days=n)) for n in range(-400, -393))
    return sum(end - start for day in days for start, end in day) // 60


@st.composite
def specs(draw: st.DrawFn) -> CalendarSpec:
    special = draw(st.dictionaries(st.dates(FIRST_DAY, LAST_DAY), special_dates(), max_size=40))
    spec = CalendarSpec(
        tz_name=draw(st.sampled_from(TIME_ZONES)),
        weekly=tuple(draw(day_hours()) for _ in range(7)),
        is_24x7=draw(st.sampled_from([False, False, False, True])),
        special=special,
    )
    # Enough weekly hours that a 5,000-minute target stays within a few hundred days.
    assume(weekly_minutes(spec) >= 240)
    return spec


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    """Mostly on the quarter-hour grid (to hit interval boundaries), sometimes anywhere."""
    quarters = draw(st.integers(0, 380 * 96))
    jitter = draw(st.sampled_from([0, 0, 0, 1]) | st.integers(0, 899_999_999))
    moment = START + quarters * QUARTER + timedelta(microseconds=jitter)
    return moment.astimezone(ZoneInfo(draw(st.sampled_from(["UTC", *TIME_ZONES]))))


targets = st.integers(0, 5000)


def working_by_wall_clock(spec: CalendarSpec, at: datetime) -> bool:
    """An oracle that reads local wall time (valid where no DST change is near)."""
    local = at.astimezone(spec.zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return any(start <= seconds < end for start, end in spec.spans_on(local.date()))


@given(specs(), moments(), targets)
def test_measuring_from_start_to_due_gives_back_the_target(
    spec: CalendarSpec, start: datetime, minutes: int
) -> None:
    due = add_business_time(spec, start, minutes)

    assert business_time_between(spec, start, due) == timedelta(minutes=minutes)
    assert due >= start
    assert due.tzinfo is start.tzinfo


@given(specs(), moments(), moments())
def test_adding_the_measured_time_lands_on_the_end_when_the_end_closes_working_time(
    spec: CalendarSpec, one: datetime, other: datetime
) -> None:
    start, end = sorted([one, other])
    measured = business_time_between(spec, start, end)

    due = add_business_duration(spec, start, measured)

    assert due <= end
    assert business_time_between(spec, due, end) == timedelta(0)
    if measured and is_working_time(spec, end - TINY):
        assert due == end  # e.g. a target used up exactly at 12:00 is due at 12:00, not 13:00


@given(specs(), moments(), targets, targets)
def test_adding_a_then_b_is_adding_a_plus_b(
    spec: CalendarSpec, start: datetime, a: int, b: int
) -> None:
    assert add_business_time(spec, add_business_time(spec, start, a), b) == add_business_time(
        spec, start, a + b
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@given(specs(), moments(), moments(), targets, targets)
def test_due_times_are_monotonic_in_start_and_target(
    spec: CalendarSpec, one: datetime, other: datetime, a: int, b: int
) -> None:
    (early, late), (small, big) = sorted([one, other], key=_utc), sorted([a, b])

    assert add_business_time(spec, early, small) <= add_business_time(spec, early, big)
    assert add_business_time(spec, early, small) <= add_business_time(spec, late, small)


@given(specs(), moments(), st.integers(1, 5000))
def test_a_due_time_closes_working_time_never_a_break_or_holiday(
    spec: CalendarSpec, start: datetime, minutes: int
) -> None:
    due = add_business_time(spec, start, minutes)

    # The last instant counted is working time; the due moment is at most a window's end.
    assert is_working_time(spec, due - TINY)
    if spec.tz_name in {"Asia/Shanghai", "UTC"}:
        assert working_by_wall_clock(spec, due - TINY)


@given(specs(), moments(), moments(), moments())
def test_measuring_splits_and_reverses_exactly(
    spec: CalendarSpec, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted([a, b, c], key=_utc)  # by the instant (same-zone order is by wall clock)

    ab, bc = business_time_between(spec, a, b), business_time_between(spec, b, c)
    assert business_time_between(spec, a, c) == ab + bc
    assert business_time_between(spec, c, a) == -(ab + bc)
    # Elapsed time through UTC: Python subtracts two datetimes of the same zone by wall clock,
    # which is off by the DST shift between them.
    assert timedelta(0) <= ab <= b.astimezone(UTC) - a.astimezone(UTC)


@given(specs(), st.integers(0, 370 * 96), st.sampled_from([1, 2, 3]))
def test_measured_time_is_the_count_of_working_quarter_hours(
    spec: CalendarSpec, quarters: int, days: int
) -> None:
    start = START + quarters * QUARTER
    steps = [start + n * QUARTER for n in range(days * 96)]

    counted = sum(1 for step in steps if is_working_time(spec, step))

    assert business_time_between(spec, start, steps[-1] + QUARTER) == counted * QUARTER


@given(specs(), moments())
def test_next_working_moment_is_working_and_nothing_before_it_is(
    spec: CalendarSpec, at: datetime
) -> None:
    moment = next_working_moment(spec, at)

    assert moment >= at
    assert is_working_time(spec, moment)
    assert business_time_between(spec, at, moment) == timedelta(0)
    assert is_working_time(spec, at) == (moment == at)
    if spec.tz_name in {"Asia/Shanghai", "UTC"}:
        assert working_by_wall_clock(spec, at) == is_working_time(spec, at)


@given(specs(), moments(), targets, st.dates(FIRST_DAY, LAST_DAY), special_dates())
def test_recomputing_after_a_calendar_edit_is_consistent(
    spec: CalendarSpec, start: datetime, minutes: int, day: date, entry: SpecialDate
) -> None:
    before = add_business_time(spec, start, minutes)
    edited = replace(spec, special={**spec.special, day: entry})
    assume(weekly_minutes(edited) >= 240)

    after = add_business_time(edited, start, minutes)

    assert business_time_between(edited, start, after) == timedelta(minutes=minutes)
    first, last = start.astimezone(spec.zone).date(), before.astimezone(spec.zone).date()
    if not first - timedelta(days=1) <= day <= last + timedelta(days=1):
        assert after == before  # an edit outside the span changes nothing
    if entry.kind == DayKind.HOLIDAY:
        assert after >= before  # a holiday only takes working time away


@given(moments(), st.integers(0, 20 * 8 * 60))
def test_round_trip_on_the_official_china_calendar(start: datetime, minutes: int) -> None:
    spec = OFFICIAL
    due = add_business_time(spec, start, minutes)

    assert business_time_between(spec, start, due) == timedelta(minutes=minutes)
    if minutes:
        local = (due - TINY).astimezone(spec.zone)
        assert spec.special.get(local.date(), SpecialDate(DayKind.HALF_DAY)).kind != (
            DayKind.HOLIDAY
        )
        assert local.weekday() < 5 or local.date() in spec.special
