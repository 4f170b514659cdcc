"""Reads of business calendars, and the calendar → :class:`CalendarSpec` bridge for the clock."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.sla.choices import SpecialDayKind
from gongdan.sla.clock import CalendarSpec, DayKind, Interval, SpecialDate
from gongdan.sla.models import BusinessCalendar, SpecialDay
from gongdan.sla.policies import require_calendar_reader
from gongdan.sla.validation import parse_intervals

_CACHE_SIZE = 64
_cache: OrderedDict[tuple[int, int, datetime], CalendarSpec] = OrderedDict()
_cache_lock = threading.Lock()


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
    with _cache_lock:
        spec = _cache.get(key)
        if spec is not None:
            _cache.move_to_end(key)
            return spec
    spec = _build_spec(calendar)
    with _cache_lock:
        _cache[key] = spec
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


def spec_cache_clear() -> None:
    """Forget every cached spec (tests: a rolled-back test can leave a key the next one reuses)."""
    with _cache_lock:
        _cache.clear()


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


@dataclass(frozen=True)
class ClockView:
    """One SLA clock as the ticket page and the API show it."""

    target: str
    label: str
    state: str  # running, paused, met, breached, stopped
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    remaining_minutes: int | None  # on the clock's own (business) time; negative: overdue
    target_minutes: int = 0
    business_time: bool = True


def sla_clocks_prefetch() -> Any:
    """Prefetch for a ticket queryset: every page's clocks with their policy and calendar in one
    query, so :func:`clock_views` adds no query per ticket."""
    from django.db.models import Prefetch

    from gongdan.sla.models import SlaClock

    return Prefetch("sla_clocks", queryset=SlaClock.objects.select_related("policy__calendar"))


def ticket_clocks(*, ticket: Any) -> list[ClockView]:
    """The ticket's SLA clocks (one query, none when prefetched with
    :func:`sla_clocks_prefetch`), in target order. Staff only: callers check."""
    from gongdan.sla.models import SlaClock

    if "sla_clocks" in getattr(ticket, "_prefetched_objects_cache", {}):
        clocks = list(ticket.sla_clocks.all())
    else:
        clocks = list(SlaClock.objects.filter(ticket=ticket).select_related("policy__calendar"))
    return clock_views(ticket=ticket, clocks=clocks)


def clock_views(*, ticket: Any, clocks: list[Any]) -> list[ClockView]:
    """``clocks`` of ``ticket`` as views, in target order, their remaining time as of now."""
    from gongdan.sla import engine
    from gongdan.sla.choices import SlaTarget

    order = {t: i for i, t in enumerate(SlaTarget.values)}
    now = timezone.now()
    views = []
    for clock in sorted(clocks, key=lambda c: order.get(c.target, 9)):
        remaining = engine.remaining_seconds(clock, now)
        views.append(
            ClockView(
                target=clock.target,
                label=str(SlaTarget(clock.target).label),
                state=_clock_state(clock, ticket),
                due_at=clock.due_at,
                met_at=clock.met_at,
                breached_at=clock.breached_at,
                remaining_minutes=None if remaining is None else int(remaining // 60),
                target_minutes=clock.target_minutes,
                business_time=clock.business_time,
            )
        )
    return views


def _clock_state(clock: Any, ticket: Any) -> str:
    if clock.met_at is not None:
        return "met"
    if clock.breached_at is not None:
        return "breached"
    if clock.running_since is not None:
        return "running"
    return "paused" if ticket.is_open else "stopped"


def ticket_sla(*, ticket: Any) -> dict[str, Any]:
    """The ticket's SLA as the API shows it: the next due time, when it first breached, and one
    entry per target (None where the ticket has no such clock). Staff only: callers check."""
    views = {view.target: view for view in ticket_clocks(ticket=ticket)}
    return {
        "due_at": ticket.sla_due_at,
        "breached_at": ticket.sla_breached_at,
        "first_response": views.get("first_response"),
        "next_response": views.get("next_response"),
        "resolution": views.get("resolution"),
    }


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
    from gongdan.sla.seeding import OFFICIAL_CODES

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
