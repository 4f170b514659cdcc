"""Reads of business calendars, and the calendar → :class:`CalendarSpec` bridge for the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.core.cache import LruCache
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.sla.choices import OFFICIAL_CODES, SpecialDayKind
from gongdan.sla.clock import CalendarSpec, DayKind, Interval, SpecialDate
from gongdan.sla.models import BusinessCalendar, SpecialDay
from gongdan.sla.policies import require_calendar_reader
from gongdan.sla.validation import parse_intervals

_CACHE_SIZE = 64
_specs: LruCache[tuple[int, int, datetime], CalendarSpec] = LruCache(_CACHE_SIZE)


def calendar_get(*, code: str, user: Any = None) -> BusinessCalendar:
    """The calendar with ``code``; raises :class:`NotFound`.

    With ``user``, only for supervisors and administrators (:class:`Forbidden` otherwise,
    checked before the lookup so outsiders learn nothing about which codes exist).
    """
    if user is not None:
        require_calendar_reader(user)
    calendar = BusinessCalendar.objects.filter(code=code).first()
    if calendar is None:
        raise NotFound(
            "calendar.not_found",
            _("No business calendar has the code “%(code)s”.") % {"code": code},
        )
    return calendar


def calendar_default() -> BusinessCalendar | None:
    """The default calendar, if one is marked."""
    return BusinessCalendar.objects.filter(is_default=True).first()


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The clock's view of ``calendar`` (two queries), cached per calendar version.

    Services bump ``version`` and ``updated_at`` on every edit, so a calendar instance loaded
    after an edit gets a fresh spec; an instance loaded before it still sees the old one (reload
    it to see edits). ``updated_at`` is part of the key because a rolled-back transaction can
    hand the same primary key and version to another calendar. The cache is per process and
    holds the last few dozen specs.
    """
    key = (calendar.pk, calendar.version, calendar.updated_at)
    return _specs.get(key, lambda: _build_spec(calendar))


def spec_cache_clear() -> None:
    """Forget every cached spec (tests: a rolled-back test can leave a key the next one reuses)."""
    _specs.clear()


def _build_spec(calendar: BusinessCalendar) -> CalendarSpec:
    weekly: list[list[Interval]] = [[] for _ in range(7)]
    for start, end, weekday in calendar.working_hours.values_list("start", "end", "weekday"):
        weekly[weekday].append((start, end))
    special: dict[date, SpecialDate] = {}
    for day, kind, intervals in calendar.special_days.values_list("date", "kind", "intervals"):
        parsed = parse_intervals(intervals or []) or None
        special[day] = SpecialDate(DayKind(kind), None if kind == DayKind.HOLIDAY else parsed)
    return CalendarSpec(
        tz_name=calendar.time_zone,
        weekly=tuple(tuple(sorted(day)) for day in weekly),
        is_24x7=calendar.is_24x7,
        special=special,
    )


# --- Administration pages and API ----------------------------------------------------------


@dataclass
class CalendarRow:
    """A calendar with its special days counted per year (for the list page and the API)."""

    calendar: BusinessCalendar
    years: list[tuple[int, int]] = field(default_factory=list)  # (year, special days)

    @property
    def first_year(self) -> int | None:
        return self.years[0][0] if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[-1][0] if self.years else None


def special_day_years(calendars: list[BusinessCalendar]) -> dict[int, list[tuple[int, int]]]:
    """Calendar id → ``[(year, special days)]`` in year order (one grouped query)."""
    counts: dict[int, list[tuple[int, int]]] = {cal.pk: [] for cal in calendars}
    if not counts:
        return counts
    rows = (
        SpecialDay.objects.filter(calendar_id__in=list(counts))
        .annotate(year=ExtractYear("date"))
        .values_list("calendar_id", "year")
        .annotate(n=Count("id"))
        .order_by("calendar_id", "year")
    )
    for calendar_id, year, n in rows:
        counts[calendar_id].append((year, n))
    return counts


def calendar_list(*, user: Any) -> list[CalendarRow]:
    """Every calendar by name, with special days per year (two queries); readers only."""
    require_calendar_reader(user)
    calendars = list(BusinessCalendar.objects.order_by("name", "id"))
    years = special_day_years(calendars)
    return [CalendarRow(calendar=cal, years=years[cal.pk]) for cal in calendars]


MIN_YEAR, MAX_YEAR = 1970, 2200


def checked_year(year: int | str | None) -> int:
    """A year to show (default: this one); outside 1970–2200 or not a number: 422."""
    if year in {None, ""}:
        return timezone.localdate().year
    try:
        value = int(str(year))
    except ValueError:
        value = 0
    if not MIN_YEAR <= value <= MAX_YEAR:
        message = _("Choose a year between %(first)d and %(last)d.") % {
            "first": MIN_YEAR,
            "last": MAX_YEAR,
        }
        raise ValidationFailed("calendar.bad_year", message, fields={"year": message})
    return value


def special_day_list(*, user: Any, calendar: BusinessCalendar, year: int) -> QuerySet[SpecialDay]:
    """The special days of ``calendar`` in ``year``, by date (a range scan of its unique index)."""
    require_calendar_reader(user)
    return SpecialDay.objects.filter(
        calendar=calendar, date__gte=date(year, 1, 1), date__lt=date(year + 1, 1, 1)
    ).order_by("date")


# Calendars whose special days come from the State Council's schedule (``seed_calendars``).
def _official_codes() -> tuple[str, ...]:
    return OFFICIAL_CODES


def calendars_missing_next_year(*, today: date | None = None) -> list[BusinessCalendar]:
    """Official-schedule calendars without a holiday next year, from 1 December on.

    ``today`` defaults to the local date (``TIME_ZONE``); outside December this answers at
    once, without a query. In December: one query (the calendar code is unique, the holiday
    check a range scan of the ``(calendar, date)`` index). The official calendars are in
    Asia/Shanghai, the default ``TIME_ZONE``.
    """
    today = today or timezone.localdate()
    if today.month != 12:
        return []
    next_year = today.year + 1
    holidays = SpecialDay.objects.filter(
        calendar=OuterRef("pk"),
        date__gte=date(next_year, 1, 1),
        date__lt=date(next_year + 1, 1, 1),
        kind=SpecialDayKind.HOLIDAY,
    )
    missing = BusinessCalendar.objects.filter(code__in=_official_codes()).filter(~Exists(holidays))
    return list(missing.order_by("name"))
