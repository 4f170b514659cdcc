"""Checks of calendar input with messages for people (models, services and imports share them).

Every function raises :class:`django.core.exceptions.ValidationError` with a translated message
and a stable ``code``; services turn it into :class:`gongdan.core.errors.ValidationFailed`.
Times are written ``HH:MM`` (or ``HH:MM:SS``); ``24:00`` is accepted as an end and stored as
``00:00``, which :mod:`gongdan.sla.clock` reads as midnight at the end of the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongdan.sla.clock import DayKind, Interval, time_to_seconds

MAX_INTERVALS_PER_DAY = 12


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}  # the scan reads tzdata: do it once


def validate_time_zone(name: str) -> None:
    """An IANA time zone name that zoneinfo knows (``Asia/Shanghai``, ``Europe/Berlin``)."""
    valid = name in _known_time_zones()
    if valid:
        try:
            ZoneInfo(name)
        except (ValueError, LookupError):
            valid = False
    if not valid:
        raise ValidationError(
            _("Unknown time zone “%(name)s”; use an IANA name such as Asia/Shanghai.")
            % {"name": name},
            code="unknown_time_zone",
        )


def parse_time(text: str, *, is_end: bool = False) -> time:
    """``"09:30"`` → ``time(9, 30)``; ``"24:00"`` only as an end, returned as ``time(0)``."""
    value = text.strip()
    if is_end and value in {"24:00", "24:00:00"}:
        return time(0)
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None or parsed.microsecond or len(value) < 5:
        raise ValidationError(
            _("“%(value)s” is not a time of day like 09:00.") % {"value": text},
            code="bad_time",
        )
    return parsed


def format_time(value: time, *, is_end: bool = False) -> str:
    """The inverse of :func:`parse_time`."""
    if is_end and value == time(0):
        return "24:00"
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def format_interval(interval: Interval) -> str:
    return f"{format_time(interval[0])}–{format_time(interval[1], is_end=True)}"


def _span(interval: Interval) -> tuple[int, int]:
    return time_to_seconds(interval[0], is_end=False), time_to_seconds(interval[1], is_end=True)


def check_intervals(intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    """Sorted intervals, each ending after it starts, none overlapping another."""
    if len(intervals) > MAX_INTERVALS_PER_DAY:
        raise ValidationError(
            _("A day can have at most %(count)d working intervals.")
            % {"count": MAX_INTERVALS_PER_DAY},
            code="too_many_intervals",
        )
    ordered = sorted(intervals, key=_span)
    for interval in ordered:
        start, end = _span(interval)
        if start >= end:
            raise ValidationError(
                _("The working hours %(interval)s end before they start.")
                % {"interval": format_interval(interval)},
                code="interval_reversed",
            )
    for before, after in pairwise(ordered):
        if _span(after)[0] < _span(before)[1]:
            raise ValidationError(
                _("The working hours %(first)s and %(second)s overlap.")
                % {"first": format_interval(before), "second": format_interval(after)},
                code="intervals_overlap",
            )
    return tuple(ordered)


def parse_intervals(value: object) -> tuple[Interval, ...]:
    """JSON-shaped intervals (``[["09:00", "12:00"], ...]``) → checked ``time`` pairs."""
    if not isinstance(value, list | tuple):
        raise ValidationError(
            _("Working hours must be a list of [start, end] pairs."), code="bad_intervals"
        )
    intervals: list[Interval] = []
    for item in value:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not all(isinstance(part, str | time) for part in item)
        ):
            raise ValidationError(
                _("Working hours must be a list of [start, end] pairs."), code="bad_intervals"
            )
        start, end = item
        intervals.append(
            (
                start if isinstance(start, time) else parse_time(start),
                end if isinstance(end, time) else parse_time(end, is_end=True),
            )
        )
    return check_intervals(intervals)


def intervals_to_json(intervals: Iterable[Interval]) -> list[list[str]]:
    return [[format_time(start), format_time(end, is_end=True)] for start, end in intervals]


def apply_breaks(intervals: Sequence[Interval], breaks: Sequence[Interval]) -> tuple[Interval, ...]:
    """Cut each break out of the working interval that contains it.

    A break must lie inside one working interval (``12:00–13:00`` inside ``09:00–18:00``);
    a break outside the hours, or across two intervals, is refused.
    """
    result = list(check_intervals(intervals))
    for pause in check_intervals(breaks):
        p_start, p_end = _span(pause)
        host = next(
            (iv for iv in result if _span(iv)[0] <= p_start and p_end <= _span(iv)[1]), None
        )
        if host is None:
            raise ValidationError(
                _("The break %(interval)s lies outside the working hours.")
                % {"interval": format_interval(pause)},
                code="break_outside_hours",
            )
        result.remove(host)
        result.extend(iv for iv in ((host[0], pause[0]), (pause[1], host[1])) if _has_length(iv))
    return check_intervals(result)


def _has_length(interval: Interval) -> bool:
    start, end = _span(interval)
    return start < end


def check_special_day(kind: str, day: date, intervals: Sequence[Interval] | None) -> None:
    """A make-up workday falls on a weekend; a half day has hours; a holiday has none."""
    if kind not in set(DayKind):
        raise ValidationError(
            _("“%(kind)s” is not a kind of special day (holiday, makeup_workday, half_day).")
            % {"kind": kind},
            code="bad_kind",
        )
    if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise ValidationError(
            _("A make-up workday must be a Saturday or a Sunday; %(date)s is a weekday.")
            % {"date": day.isoformat()},
            code="makeup_not_weekend",
        )
    if kind == DayKind.HALF_DAY and not intervals:
        raise ValidationError(
            _("A half day needs its working hours, e.g. 09:00–12:00."), code="half_day_hours"
        )
    if kind == DayKind.HOLIDAY and intervals:
        raise ValidationError(_("A holiday has no working hours."), code="holiday_hours")
