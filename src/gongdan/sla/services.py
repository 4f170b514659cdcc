"""Writes for business calendars: the one path for the admin, the API, imports and seeding.

Every write validates first and raises :class:`ValidationFailed` (messages in ``fields``), then
changes rows inside one transaction that also bumps the calendar's ``version`` (so cached specs
are rebuilt) and, when there is an actor, appends an audit event (``calendar.*``). Only
administrators may edit calendars; ``actor=None`` is for scripts and seeding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.sla import engine
from gongdan.sla.clock import Interval
from gongdan.sla.models import DEFAULT_TIME_ZONE, BusinessCalendar, SpecialDay, WorkingHours
from gongdan.sla.validation import (
    apply_breaks,
    format_interval,
    intervals_to_json,
    parse_intervals,
)

IntervalsIn = Sequence[Sequence[str | time]]


@dataclass(frozen=True)
class SpecialDayIn:
    """One special day as imports and seeding hand it to :func:`special_days_save`."""

    date: date
    kind: str
    name: str = ""
    intervals: tuple[Interval, ...] = ()


def _require_admin(actor: Any) -> None:
    if actor is not None and getattr(actor, "role", None) != Role.ADMIN:
        raise Forbidden("permission.admin_only", _("Only administrators may edit calendars."))


def _fail(code: str, exc: ValidationError, *, field: str = "__all__") -> NoReturn:
    if hasattr(exc, "error_dict"):
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
    else:
        fields = {field: " ".join(exc.messages)}
    raise ValidationFailed(code, next(iter(fields.values())), fields=fields) from exc


def _audit(actor: Any, action: str, calendar: BusinessCalendar, **data: Any) -> None:
    if actor is not None:
        audit_record(actor=actor, action=action, obj=calendar, data=data)


def _touch(calendar: BusinessCalendar) -> None:
    """Bump ``version`` in the database and on the instance (call inside the transaction)."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    calendar.refresh_from_db(fields=["version", "updated_at"])
    # Open tickets' due times follow the calendar: re-aimed in the background after commit.
    enqueue_on_commit(engine.recompute_calendar, calendar.pk)


def calendar_create(
    *,
    actor: Any = None,
    name: str,
    code: str,
    time_zone: str = DEFAULT_TIME_ZONE,
    is_24x7: bool = False,
    is_default: bool = False,
) -> BusinessCalendar:
    """Create a calendar without hours; ``is_default`` takes the default flag from any other."""
    _require_admin(actor)
    calendar = BusinessCalendar(
        name=name.strip(),
        code=code.strip(),
        time_zone=time_zone.strip(),
        is_24x7=is_24x7,
        is_default=is_default,
    )
    try:
        calendar.full_clean(exclude=["is_default"])
    except ValidationError as exc:
        _fail("calendar.invalid", exc)
    with transaction.atomic():
        if is_default:
            BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
        calendar.save()
        _audit(
            actor,
            "calendar.created",
            calendar,
            code=calendar.code,
            time_zone=calendar.time_zone,
            is_24x7=is_24x7,
        )
    return calendar


def calendar_update(
    *,
    actor: Any = None,
    calendar: BusinessCalendar,
    name: str | None = None,
    time_zone: str | None = None,
    is_24x7: bool | None = None,
    is_default: bool | None = None,
) -> BusinessCalendar:
    """Change a calendar's name, time zone, 24×7 or default flag; bumps ``version``.

    Making a calendar the default takes the flag from any other calendar (same transaction).
    """
    _require_admin(actor)
    changes = {
        key: value
        for key, value in {
            "name": name,
            "time_zone": time_zone,
            "is_24x7": is_24x7,
            "is_default": is_default,
        }.items()
        if value is not None
    }
    for key, value in changes.items():
        setattr(calendar, key, value.strip() if isinstance(value, str) else value)
    try:
        calendar.full_clean(exclude=["is_default"])
    except ValidationError as exc:
        calendar.refresh_from_db()
        _fail("calendar.invalid", exc)
    with transaction.atomic():
        if is_default:
            BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
                is_default=False
            )
        calendar.save(update_fields=[*changes, "updated_at"])
        _touch(calendar)
        _audit(actor, "calendar.updated", calendar, **changes)
    return calendar


def _weekday(weekday: int) -> int:
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        message = _("The weekday must be 0 (Monday) to 6 (Sunday).")
        raise ValidationFailed("calendar.hours_invalid", message, fields={"weekday": message})
    return weekday


def working_hours_set(
    *,
    actor: Any = None,
    calendar: BusinessCalendar,
    weekday: int,
    intervals: IntervalsIn,
    breaks: IntervalsIn = (),
) -> list[WorkingHours]:
    """Replace the working intervals of one weekday (an empty list: no work that day).

    ``intervals`` like ``[("09:00", "12:00"), ("13:00", "18:00")]``, or one interval with
    ``breaks=[("12:00", "13:00")]``; each break must lie inside the hours. Overlapping intervals,
    reversed intervals and breaks outside the hours raise :class:`ValidationFailed`.
    """
    _require_admin(actor)
    _weekday(weekday)
    try:
        hours = parse_intervals(list(intervals))
    except ValidationError as exc:
        _fail("calendar.hours_invalid", exc, field="intervals")
    try:
        hours = apply_breaks(hours, parse_intervals(list(breaks)))
    except ValidationError as exc:
        _fail("calendar.hours_invalid", exc, field="breaks")
    with transaction.atomic():
        calendar.working_hours.filter(weekday=weekday).delete()
        rows = WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)
            for start, end in hours
        )
        _touch(calendar)
        _audit(
            actor,
            "calendar.hours_set",
            calendar,
            weekday=weekday,
            intervals=[format_interval(iv) for iv in hours],
        )
    return rows


def _week_hours(
    week: Mapping[int, IntervalsIn], breaks: Mapping[int, IntervalsIn]
) -> dict[int, tuple[Interval, ...]]:
    """Every weekday's checked intervals; all problems at once (``hours.<n>``, ``breaks.<n>``)."""
    parsed: dict[int, tuple[Interval, ...]] = {}
    fields: dict[str, str] = {}
    for weekday in sorted({*week, *breaks}):
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            fields[f"hours.{weekday}"] = _("The weekday must be 0 (Monday) to 6 (Sunday).")
            continue
        try:
            hours = parse_intervals(list(week.get(weekday, ())))
        except ValidationError as exc:
            fields[f"hours.{weekday}"] = " ".join(exc.messages)
            continue
        try:
            parsed[weekday] = apply_breaks(hours, parse_intervals(list(breaks.get(weekday, ()))))
        except ValidationError as exc:
            fields[f"breaks.{weekday}"] = " ".join(exc.messages)
    if fields:
        raise ValidationFailed("calendar.hours_invalid", next(iter(fields.values())), fields=fields)
    return parsed


def working_week_set(
    *,
    actor: Any = None,
    calendar: BusinessCalendar,
    week: Mapping[int, IntervalsIn],
    breaks: Mapping[int, IntervalsIn] | None = None,
) -> dict[int, tuple[Interval, ...]]:
    """Replace the hours of the weekdays in ``week`` (others keep theirs) in one change.

    ``week`` maps weekday (0 = Monday) to intervals, ``breaks`` weekday to breaks cut out of
    them (see :func:`working_hours_set`). Every weekday is checked before anything is written;
    problems raise :class:`ValidationFailed` with fields ``hours.<n>`` / ``breaks.<n>``. One
    version bump, one re-aim of open tickets, one audit event (``calendar.hours_set``).
    """
    _require_admin(actor)
    parsed = _week_hours(week, breaks or {})
    if not parsed:
        return parsed
    with transaction.atomic():
        calendar.working_hours.filter(weekday__in=list(parsed)).delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)
            for weekday, hours in parsed.items()
            for start, end in hours
        )
        _touch(calendar)
        _audit(
            actor,
            "calendar.hours_set",
            calendar,
            week={str(day): [format_interval(iv) for iv in ivs] for day, ivs in parsed.items()},
        )
    return parsed


def _special_day(
    calendar: BusinessCalendar, entry: SpecialDayIn, existing: SpecialDay | None
) -> SpecialDay:
    """An unsaved (or changed existing) special day, validated; at most one per date."""
    day = existing or SpecialDay(calendar=calendar, date=entry.date)
    day.kind, day.name = entry.kind, entry.name.strip()
    day.intervals = intervals_to_json(entry.intervals)
    try:
        # The calendar is known to exist, and uniqueness is ours to keep (``existing`` is the
        # row of that date): skipping those checks saves two queries per day on bulk saves.
        day.full_clean(exclude=["calendar"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _fail("calendar.special_day_invalid", exc)
    return day


def special_day_set(
    *,
    actor: Any = None,
    calendar: BusinessCalendar,
    date: date,
    kind: str,
    name: str = "",
    intervals: IntervalsIn = (),
) -> SpecialDay:
    """Create or replace the special day of ``date`` (holiday, make-up workday or half day).

    A make-up workday must fall on a weekend and works ``intervals`` (default: the Monday
    hours); a half day needs ``intervals``; a holiday has none.
    """
    _require_admin(actor)
    try:
        parsed = parse_intervals(list(intervals))
    except ValidationError as exc:
        _fail("calendar.special_day_invalid", exc, field="intervals")
    entry = SpecialDayIn(date=date, kind=kind, name=name, intervals=parsed)
    day = _special_day(calendar, entry, calendar.special_days.filter(date=date).first())
    with transaction.atomic():
        day.save()
        _touch(calendar)
        _audit(
            actor,
            "calendar.special_day_set",
            calendar,
            date=date,
            kind=kind,
            name=day.name,
            intervals=day.intervals,
        )
    return day


def special_day_delete(*, actor: Any = None, calendar: BusinessCalendar, date: date) -> None:
    """Remove the special day of ``date`` (the weekly hours apply again); :class:`NotFound`."""
    _require_admin(actor)
    with transaction.atomic():
        deleted, _rows = calendar.special_days.filter(date=date).delete()
        if not deleted:
            raise NotFound(
                "calendar.special_day_not_found",
                _("There is no special day on %(date)s.") % {"date": date.isoformat()},
            )
        _touch(calendar)
        _audit(actor, "calendar.special_day_deleted", calendar, date=date)


def special_days_save(
    *,
    actor: Any = None,
    calendar: BusinessCalendar,
    entries: Iterable[SpecialDayIn],
    overwrite: bool = True,
    delete_others: bool = False,
) -> tuple[int, int]:
    """Save many special days at once (imports, seeding); returns ``(created, updated)``.

    With ``overwrite=False`` dates that already have a special day are left as they are (so
    seeding never undoes an administrator's edit); ``delete_others`` removes the special days
    of dates that are not in ``entries`` (a full replacement). All entries are validated
    before any is written; the first invalid one raises :class:`ValidationFailed` and nothing is
    saved.
    """
    _require_admin(actor)
    existing = {day.date: day for day in calendar.special_days.all()}
    wanted = {entry.date: entry for entry in entries}  # a later entry for a date wins
    days = [
        _special_day(calendar, entry, existing.get(entry.date))
        for entry in wanted.values()
        if overwrite or entry.date not in existing
    ]
    new = [day for day in days if day.pk is None]
    changed = [day for day in days if day.pk is not None]
    created = len(new)
    if not days and not delete_others:
        return 0, 0
    with transaction.atomic():
        if delete_others:
            calendar.special_days.exclude(date__in=list(wanted)).delete()
        SpecialDay.objects.bulk_create(new)
        SpecialDay.objects.bulk_update(changed, ["kind", "name", "intervals"], batch_size=200)
        _touch(calendar)
        _audit(
            actor,
            "calendar.special_days_saved",
            calendar,
            created=created,
            updated=len(days) - created,
        )
    return created, len(days) - created
