"""Business-time arithmetic over a business calendar: pure functions, no ORM, no Django.

A :class:`CalendarSpec` describes when work happens; the functions here add business time to a
moment and measure business time between two moments. Everything is computed day by day over the
calendar's *local* dates (so the cost is O(days spanned)), and each day's working intervals are
turned into UTC instants with :mod:`zoneinfo`.

Semantics (decided once, relied on by the SLA clocks and pinned by ``tests/sla``):

* A working interval is half-open, ``[start, end)``: at 09:00 in a 09:00–12:00 / 13:00–18:00 day
  the calendar is working, at 12:00 and at 18:00 it is not. Breaks are the gaps between intervals.
* ``add_business_time`` returns the **earliest** moment at which the target is reached. A target
  that uses up a day exactly is due at that day's end (18:00), not at 09:00 the next working day;
  a start outside working time (in the lunch break, on a holiday, at 18:00) starts counting at the
  next working moment. A zero target is due at ``start`` itself.
* Results are in the time zone of the ``start`` argument (``start.tzinfo``): give UTC, get UTC.
  Naive datetimes are refused.
* ``business_time_between(a, b)`` is the length of working time in ``[a, b)``; it is negative when
  ``b < a`` (``between(b, a) == -between(a, b)``), so ``between(s, add(s, t)) == t`` exactly.
* An interval end of ``00:00`` means midnight at the end of the day (24:00).
* Wall times are resolved by zoneinfo's default rule (``fold=0``); a working interval lasts its
  real elapsed time, so a 24×7 day in Europe/Berlin is 23 h or 25 h long on DST change days.
  Wall times in a DST gap can map out of order; each day's windows are clipped so that they never
  overlap or run backwards.
* Special days replace the weekly hours of their date: a holiday has no work, a make-up workday
  works its own intervals (default: the Monday hours; the whole day on a 24×7 calendar), a half
  day works its own intervals. Special days apply to 24×7 calendars too.
* Looking for working time gives up with :class:`NoWorkingTime` after ``MAX_IDLE_DAYS``
  consecutive days without any, so an all-holiday calendar cannot loop forever.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

MAX_IDLE_DAYS = 3660
MAX_CACHED_DAYS = 4096  # per calendar spec: about eleven years of dates
SECONDS_PER_DAY = 86_400

Interval = tuple[time, time]
_Span = tuple[int, int]  # seconds since local midnight, end may be 86_400
_Window = tuple[datetime, datetime]  # UTC instants, start < end


class CalendarError(ValueError):
    """A calendar that cannot be used as given (a programming error, not user input)."""


class NoWorkingTime(CalendarError):
    """No working time was found within ``MAX_IDLE_DAYS`` days."""


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"
    HALF_DAY = "half_day"


@dataclass(frozen=True, slots=True)
class SpecialDate:
    """What happens on one date instead of the weekly hours.

    ``intervals`` is ``None`` for "the default hours" (only meaningful for a make-up workday).
    """

    kind: DayKind
    intervals: tuple[Interval, ...] | None = None


def time_to_seconds(value: time, *, is_end: bool) -> int:
    """Seconds since midnight; an end of 00:00 is midnight at the end of the day (86 400)."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return SECONDS_PER_DAY if is_end and seconds == 0 else seconds


def to_spans(intervals: tuple[Interval, ...]) -> tuple[_Span, ...]:
    """Intervals as sorted ``(start, end)`` seconds; raises :class:`CalendarError` if invalid."""
    spans = sorted(
        (time_to_seconds(s, is_end=False), time_to_seconds(e, is_end=True)) for s, e in intervals
    )
    previous_end = 0
    for start, end in spans:
        if start >= end:
            raise CalendarError(f"interval {start}s–{end}s does not end after it starts")
        if start < previous_end:
            raise CalendarError("intervals overlap")
        previous_end = end
    return tuple(spans)


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """An immutable business calendar: time zone, weekly hours and special dates.

    ``weekly`` has seven entries, Monday first; each is a tuple of ``(start, end)`` intervals.
    Construction validates intervals and the time zone and raises :class:`CalendarError`.
    """

    tz_name: str = "Asia/Shanghai"
    weekly: tuple[tuple[Interval, ...], ...] = ((),) * 7
    is_24x7: bool = False
    special: Mapping[date, SpecialDate] = field(default_factory=dict)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _weekly_spans: tuple[tuple[_Span, ...], ...] = field(init=False, repr=False, compare=False)
    _special_spans: Mapping[date, tuple[_Span, ...]] = field(init=False, repr=False, compare=False)
    # Each local date's working intervals as UTC instants, filled as dates are asked for (the
    # SLA clocks of a list page ask for the same few days again and again).
    _instants: dict[date, tuple[_Window, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise CalendarError("weekly hours need exactly seven days, Monday first")
        try:
            zone = ZoneInfo(self.tz_name)
        except (ValueError, LookupError) as exc:  # ZoneInfoNotFoundError is a KeyError
            raise CalendarError(f"unknown time zone {self.tz_name!r}") from exc
        weekly_spans = tuple(to_spans(day) for day in self.weekly)
        default_makeup = ((0, SECONDS_PER_DAY),) if self.is_24x7 else weekly_spans[0]
        special_spans = {
            day: _special_spans(entry, default_makeup) for day, entry in self.special.items()
        }
        object.__setattr__(self, "special", MappingProxyType(dict(self.special)))
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_weekly_spans", weekly_spans)
        object.__setattr__(self, "_special_spans", MappingProxyType(special_spans))
        object.__setattr__(self, "_instants", {})

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def spans_on(self, day: date) -> tuple[_Span, ...]:
        """Working spans (seconds since local midnight) of one local date."""
        special = self._special_spans.get(day)
        if special is not None:
            return special
        if self.is_24x7:
            return ((0, SECONDS_PER_DAY),)
        return self._weekly_spans[day.weekday()]

    def instants_on(self, day: date) -> tuple[_Window, ...]:
        """:meth:`spans_on` as UTC instants ``(start, end)``, unclipped (an interval in a DST gap
        can end before it starts): computed once per date and kept (a bounded cache)."""
        cached = self._instants.get(day)
        if cached is None:
            zone = self._zone
            cached = tuple(
                (_instant(zone, day, start), _instant(zone, day, end))
                for start, end in self.spans_on(day)
            )
            if len(self._instants) >= MAX_CACHED_DAYS:
                self._instants.clear()
            self._instants[day] = cached
        return cached


def _special_spans(entry: SpecialDate, default_makeup: tuple[_Span, ...]) -> tuple[_Span, ...]:
    if entry.kind == DayKind.HOLIDAY:
        if entry.intervals:
            raise CalendarError("a holiday has no working intervals")
        return ()
    if entry.intervals is None:
        if entry.kind == DayKind.HALF_DAY:
            raise CalendarError("a half day needs its working intervals")
        return default_makeup
    return to_spans(entry.intervals)


# --- Windows --------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} must be an aware datetime")


def _instant(zone: ZoneInfo, day: date, seconds: int) -> datetime:
    local = datetime.combine(day, time()) + timedelta(seconds=seconds)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _windows(
    spec: CalendarSpec, since: datetime, until: datetime | None = None
) -> Iterator[_Window]:
    """Working windows that end after ``since``, in order, as UTC instants.

    The first window is clipped to start no earlier than ``since``. With ``until`` the walk stops
    after the local date of ``until``; without it, it raises :class:`NoWorkingTime` after
    ``MAX_IDLE_DAYS`` days in a row without working time.
    """
    zone = spec.zone
    # Instants in UTC: arithmetic on an aware datetime of a zone with DST is by wall clock, so a
    # window starting at a caller's New York ``since`` plus 14 hours would be an hour off across
    # the autumn change.
    since = since.astimezone(UTC)
    # Start a day early: DST resolution can move a window of the previous date past midnight.
    day = since.astimezone(zone).date() - timedelta(days=1)
    last_day = until.astimezone(zone).date() + timedelta(days=1) if until is not None else None
    last_end = datetime.min.replace(tzinfo=UTC)
    idle_days = 0
    while last_day is None or day <= last_day:
        found = False
        for day_start, end in spec.instants_on(day):
            start = max(day_start, last_end)
            if end <= start:
                continue
            last_end = end
            if end > since:
                found = True
                yield max(start, since), end
        idle_days = 0 if found else idle_days + 1
        if last_day is None and idle_days > MAX_IDLE_DAYS:
            raise NoWorkingTime(f"no working time in {MAX_IDLE_DAYS} days after {since}")
        day += timedelta(days=1)


# --- Public arithmetic ----------------------------------------------------------------------


def add_business_duration(spec: CalendarSpec, start: datetime, duration: timedelta) -> datetime:
    """The earliest moment at which ``duration`` of business time has passed since ``start``.

    Returned in ``start``'s time zone. Raises :class:`CalendarError` for a naive ``start`` or a
    negative duration, :class:`NoWorkingTime` if the calendar runs out of working time.
    """
    _require_aware(start, "start")
    if duration < timedelta(0):
        raise CalendarError("business time to add must not be negative")
    if not duration:
        return start
    remaining = duration
    for window_start, window_end in _windows(spec, start):
        length = window_end - window_start
        if remaining <= length:
            return (window_start + remaining).astimezone(start.tzinfo)
        remaining -= length
    raise AssertionError("unreachable: _windows without 'until' never ends")  # pragma: no cover


def add_business_time(spec: CalendarSpec, start: datetime, minutes: int) -> datetime:
    """``add_business_duration`` with a whole number of minutes (SLA targets are in minutes)."""
    return add_business_duration(spec, start, timedelta(minutes=minutes))


def business_time_between(spec: CalendarSpec, start: datetime, end: datetime) -> timedelta:
    """Business time in ``[start, end)``; negative when ``end`` is before ``start``."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        return -business_time_between(spec, end, start)
    total = timedelta(0)
    for window_start, window_end in _windows(spec, start, until=end):
        if window_start >= end:
            break
        total += min(window_end, end) - window_start
    return total


def business_seconds_between(spec: CalendarSpec, start: datetime, end: datetime) -> float:
    """``business_time_between`` in seconds."""
    return business_time_between(spec, start, end).total_seconds()


def business_minutes_between(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    """``business_time_between`` in whole minutes, rounded towards zero."""
    delta = business_time_between(spec, start, end)
    whole = abs(delta) // timedelta(minutes=1)
    return whole if delta >= timedelta(0) else -whole


def next_working_moment(spec: CalendarSpec, at: datetime) -> datetime:
    """``at`` itself if the calendar is working then, else the start of the next working interval.

    Returned in ``at``'s time zone; raises :class:`NoWorkingTime` like ``add_business_time``.
    """
    _require_aware(at, "at")
    window_start, _ = next(_windows(spec, at))
    return window_start.astimezone(at.tzinfo)


def is_working_time(spec: CalendarSpec, at: datetime) -> bool:
    """Whether ``at`` falls inside a working interval (start included, end excluded)."""
    _require_aware(at, "at")
    first = next(_windows(spec, at, until=at), None)
    return first is not None and first[0] == at


def working_spans_on(spec: CalendarSpec, day: date) -> tuple[Interval, ...]:
    """The working intervals of one local date as ``time`` pairs (an end of 24:00 is 00:00)."""

    def as_time(seconds: int) -> time:
        seconds %= SECONDS_PER_DAY
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)

    return tuple((as_time(s), as_time(e)) for s, e in spec.spans_on(day))
