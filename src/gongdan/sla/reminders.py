"""The December reminder: next year's official holidays must be in the calendar before January.

The State Council publishes the coming year's schedule (放假安排) in November or December, and a
``chinesecalendar`` release follows. From 1 December a daily job looks for official calendars
without next year; when the installed package knows that year it re-runs ``seed_calendars``
first (then there is usually nothing left to remind anyone of). Only then: it would otherwise
re-create, every December day, calendars and official days an administrator deleted on purpose.
Every active administrator is told once per calendar and year about the calendars still lacking
next year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.audit.models import AuditEvent
from gongdan.audit.services import audit_record
from gongdan.notifications.choices import Kind
from gongdan.notifications.services import notify
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.seeding import official_schedule_known, seed_calendars
from gongdan.sla.selectors import calendars_missing_next_year

REMINDED = "calendar.next_year_reminded"


@dataclass(frozen=True)
class ReminderResult:
    calendars: int  # official calendars still without next year
    notified: int  # administrators told now (each at most once per calendar and year)


def _already_told(calendar: BusinessCalendar, year: int) -> set[int]:
    events = AuditEvent.objects.filter(
        action=REMINDED, object_type=calendar._meta.label, object_id=str(calendar.pk)
    ).values_list("data", flat=True)
    return {data["recipient"] for data in events if data.get("year") == year}


def remind_next_year(*, today: date | None = None) -> ReminderResult:
    """Re-seed if that helps, then notify admins not told yet (``calendar.next_year_missing``).

    Outside December it does nothing. Each calendar's row is locked (``SELECT … FOR UPDATE``;
    SQLite's write lock serialises the whole transaction) while its recipients are read and
    recorded as audit events (``calendar.next_year_reminded``, one per administrator), so two
    runs never notify anyone twice.
    """
    today = today or timezone.localdate()
    if today.month != 12:
        return ReminderResult(calendars=0, notified=0)
    year = today.year + 1
    missing = calendars_missing_next_year(today=today)
    if missing and official_schedule_known(year):
        seed_calendars()  # a newer chinesecalendar knows next year: take it from there
        missing = calendars_missing_next_year(today=today)
    notified = 0
    for calendar in missing:
        with transaction.atomic():
            BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
            told = _already_told(calendar, year)
            admins = [
                admin
                for admin in User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id")
                if admin.pk not in told
            ]
            notify(
                recipients=admins,
                kind=Kind.CALENDAR_NEXT_YEAR,
                data={"year": year, "calendar": calendar.code, "calendar_name": calendar.name},
            )
            for admin in admins:
                audit_record(
                    actor=None,
                    action=REMINDED,
                    obj=calendar,
                    data={"year": year, "recipient": admin.pk},
                )
            notified += len(admins)
    return ReminderResult(calendars=len(missing), notified=notified)
