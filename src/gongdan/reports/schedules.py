"""Scheduled reports: validation, when each runs, what period it covers, and the writes.

Times are in the desk's time zone (``settings.TIME_ZONE``): a schedule "weekly on Monday at
08:00" runs at 08:00 Asia/Shanghai whatever the server's clock. A monthly day 29–31 runs on the
month's last day in shorter months. Supervisors and administrators own schedules; a supervisor
sees and edits only their own, an administrator every one. When a schedule runs is
:mod:`schedule_times`; the sending is :mod:`schedule_engine`. Everything else gets 403
(``permission.denied``) before a schedule is read, and another supervisor's schedule is 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.accounts.models import User
from gongdan.accounts.policies import is_admin, is_manager
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.core.events import enqueue_on_commit
from gongdan.reports import hooks
from gongdan.reports.filters import ReportFilters, check_choice
from gongdan.reports.schedule_models import (
    CoveredPeriod,
    FileFormat,
    Frequency,
    ReportRun,
    ReportSchedule,
    RunStatus,
)
from gongdan.reports.schedule_tasks import kick_run
from gongdan.reports.schedule_times import next_run_after, run_period
from gongdan.reports.selectors import REPORTS
from gongdan.tickets.choices import Channel, Priority

MAX_EMAILS = 50
MAX_USERS = 100
_INT_FILTERS = {"team", "assignee", "ticket_type", "category", "organization"}


# --- who may ----------------------------------------------------------------------------------
def require_manager(user: object) -> None:
    if not is_manager(user):
        raise Forbidden("permission.denied", _("Only supervisors and administrators may do this."))


def schedule_list(*, user: object) -> QuerySet[ReportSchedule]:
    """The schedules ``user`` may see: an admin every one, a supervisor their own."""
    require_manager(user)
    qs = ReportSchedule.objects.select_related("owner").order_by("name", "pk")
    return qs if is_admin(user) else qs.filter(owner_id=user.pk)  # type: ignore[attr-defined]


def schedule_get(*, user: object, pk: int) -> ReportSchedule:
    """One visible schedule; another supervisor's is 404 ``schedule.not_found``."""
    schedule = schedule_list(user=user).filter(pk=pk).first()
    if schedule is None:
        raise NotFound("schedule.not_found", _("There is no such scheduled report."))
    return schedule


def recent_runs(schedule: ReportSchedule, limit: int = 20) -> list[ReportRun]:
    return list(schedule.runs.order_by("-created_at", "-pk")[:limit])


def user_choices() -> QuerySet[User]:
    """Who may receive a schedule as a user: active staff (each gets what they may see)."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("username")


# --- validation ------------------------------------------------------------------------------
@dataclass
class ScheduleInput:
    """What pages and the API hand to :func:`schedule_create` / :func:`schedule_update`."""

    name: str
    report: str
    period: str
    frequency: str
    time_of_day: time
    weekday: int | None = None
    day_of_month: int | None = None
    file_format: str = FileFormat.XLSX
    filters: dict[str, Any] = field(default_factory=dict)
    users: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    robots: list[int] = field(default_factory=list)
    is_active: bool = True


def clean_filters(raw: dict[str, Any]) -> dict[str, Any]:
    """Filters by their ``ReportFilters`` names (ids as integers); unknown: 422."""
    out: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        check_choice(
            key,
            tuple(f.name for f in fields(ReportFilters)),
            code="report.unknown_filter",
            field="filters",
        )
        if value in (None, ""):
            continue
        if key in _INT_FILTERS:
            try:
                out[key] = int(value)
            except (TypeError, ValueError):
                raise ValidationFailed(
                    "report.invalid_filter",
                    _("The filter “%(name)s” takes an id.") % {"name": key},
                    fields={"filters": _("The filter “%(name)s” takes an id.") % {"name": key}},
                ) from None
        else:
            allowed = tuple(Priority.values if key == "priority" else Channel.values)
            out[key] = check_choice(
                str(value), allowed, code="report.invalid_filter", field="filters"
            )
    return out


def _clean_when(data: ScheduleInput) -> tuple[int | None, int | None]:
    check_choice(
        data.period, tuple(CoveredPeriod.values), code="schedule.unknown_period", field="period"
    )
    check_choice(
        data.frequency,
        tuple(Frequency.values),
        code="schedule.unknown_frequency",
        field="frequency",
    )
    check_choice(
        data.file_format,
        tuple(FileFormat.values),
        code="schedule.unknown_format",
        field="file_format",
    )
    if data.frequency == Frequency.WEEKLY:
        if data.weekday is None or not 0 <= data.weekday <= 6:
            message = _("Choose a weekday from 0 (Monday) to 6 (Sunday).")
            raise ValidationFailed(
                "schedule.weekday_out_of_range", message, fields={"weekday": message}
            )
        return data.weekday, None
    if data.frequency == Frequency.MONTHLY:
        if data.day_of_month is None or not 1 <= data.day_of_month <= 31:
            message = _(
                "Choose a day of the month from 1 to 31 (29–31: the month's last day "
                "in shorter months)."
            )
            raise ValidationFailed(
                "schedule.day_out_of_range", message, fields={"day_of_month": message}
            )
        return None, data.day_of_month
    return None, None


def _clean_emails(emails: list[str]) -> list[str]:
    out: list[str] = []
    for raw in emails:
        address = str(raw).strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            message = _("“%(address)s” is not a valid email address.") % {"address": address[:80]}
            raise ValidationFailed(
                "schedule.invalid_email", message, fields={"emails": message}
            ) from None
        if address not in out:
            out.append(address)
    if len(out) > MAX_EMAILS:
        message = _("At most %(n)s addresses.") % {"n": MAX_EMAILS}
        raise ValidationFailed("schedule.too_many_emails", message, fields={"emails": message})
    return out


def _clean_recipients(
    actor: object, data: ScheduleInput
) -> tuple[list[User], list[str], list[int]]:
    emails = _clean_emails(data.emails)
    ids = list(dict.fromkeys(int(u) for u in data.users))
    users = list(user_choices().filter(pk__in=ids)) if ids else []
    if len(users) != len(ids) or len(ids) > MAX_USERS:
        message = _("Only active staff members can receive a scheduled report.")
        raise ValidationFailed("schedule.unknown_user", message, fields={"users": message})
    robots = list(dict.fromkeys(int(r) for r in data.robots))
    allowed = {pk for pk, _label in hooks.robot_choices(actor)}
    if any(r not in allowed for r in robots):
        message = _("Unknown or inaccessible group robot.")
        raise ValidationFailed("schedule.unknown_robot", message, fields={"robots": message})
    if not (users or emails or robots):
        message = _("Add at least one recipient: a user, an email address or a group robot.")
        raise ValidationFailed("schedule.no_recipients", message, fields={"users": message})
    return users, emails, robots


def _clean(actor: object, data: ScheduleInput) -> tuple[dict[str, Any], list[User]]:
    name = (data.name or "").strip()
    if not name:
        message = _("Give the schedule a name.")
        raise ValidationFailed("schedule.name_required", message, fields={"name": message})
    check_choice(data.report, REPORTS, code="report.unknown_report", field="report")
    filters = clean_filters(data.filters)
    weekday, day_of_month = _clean_when(data)
    users, emails, robots = _clean_recipients(actor, data)
    values = {
        "name": name[:100],
        "report": data.report,
        "filters": filters,
        "period": data.period,
        "frequency": data.frequency,
        "weekday": weekday,
        "day_of_month": day_of_month,
        "time_of_day": data.time_of_day.replace(second=0, microsecond=0, tzinfo=None),
        "file_format": data.file_format,
        "emails": emails,
        "robots": robots,
        "is_active": bool(data.is_active),
    }
    return values, users


def _audit_data(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "name": schedule.name,
        "report": schedule.report,
        "frequency": schedule.frequency,
        "emails": len(schedule.emails),
        "robots": len(schedule.robots),
    }


# --- writes ----------------------------------------------------------------------------------
@transaction.atomic
def schedule_create(*, actor: object, data: ScheduleInput) -> ReportSchedule:
    """A new schedule owned by ``actor`` (supervisor or admin); bad input: 422, nothing saved."""
    require_manager(actor)
    values, users = _clean(actor, data)
    schedule = ReportSchedule(owner=actor, **values)  # type: ignore[misc]
    schedule.next_run_at = next_run_after(schedule, timezone.now()) if schedule.is_active else None
    schedule.save()
    schedule.users.set(users)
    audit_record(
        actor=actor, action="report_schedule.created", obj=schedule, data=_audit_data(schedule)
    )
    return schedule


@transaction.atomic
def schedule_update(
    *, actor: object, schedule: ReportSchedule, data: ScheduleInput
) -> ReportSchedule:
    """Replace the schedule's settings; the next run is computed again from now."""
    require_manager(actor)
    values, users = _clean(actor, data)
    for key, value in values.items():
        setattr(schedule, key, value)
    schedule.next_run_at = next_run_after(schedule, timezone.now()) if schedule.is_active else None
    schedule.save()
    schedule.users.set(users)
    audit_record(
        actor=actor, action="report_schedule.updated", obj=schedule, data=_audit_data(schedule)
    )
    return schedule


@transaction.atomic
def schedule_set_active(*, actor: object, schedule: ReportSchedule, active: bool) -> ReportSchedule:
    """Pause (no next run) or resume (next run from now)."""
    require_manager(actor)
    schedule.is_active = active
    schedule.next_run_at = next_run_after(schedule, timezone.now()) if active else None
    schedule.save(update_fields=["is_active", "next_run_at", "updated_at"])
    action = "report_schedule.resumed" if active else "report_schedule.paused"
    audit_record(actor=actor, action=action, obj=schedule, data={"name": schedule.name})
    return schedule


@transaction.atomic
def schedule_delete(*, actor: object, schedule: ReportSchedule) -> None:
    require_manager(actor)
    audit_record(
        actor=actor, action="report_schedule.deleted", obj=schedule, data=_audit_data(schedule)
    )
    schedule.delete()


@transaction.atomic
def schedule_run_now(*, actor: object, schedule: ReportSchedule) -> ReportRun:
    """Queue a run now (the engine's next tick sends it; its own schedule is unchanged)."""
    require_manager(actor)
    now = timezone.now()
    period = run_period(schedule, now)
    run = ReportRun.objects.create(
        schedule=schedule,
        due_at=now,
        manual=True,
        period_start=period.start,
        period_end=period.end,
        status=RunStatus.PENDING,
        next_attempt_at=now,
    )
    audit_record(
        actor=actor,
        action="report_schedule.run_now",
        obj=schedule,
        data={"name": schedule.name, "run": run.pk},
    )
    enqueue_on_commit(kick_run, run.pk)  # else the next tick sends it
    return run


def schedule_input(schedule: ReportSchedule) -> ScheduleInput:
    """The schedule's settings as input (a partial update starts from them)."""
    return ScheduleInput(
        name=schedule.name,
        report=schedule.report,
        period=schedule.period,
        frequency=schedule.frequency,
        time_of_day=schedule.time_of_day,
        weekday=schedule.weekday,
        day_of_month=schedule.day_of_month,
        file_format=schedule.file_format,
        filters=dict(schedule.filters or {}),
        users=list(schedule.users.values_list("pk", flat=True)),
        emails=list(schedule.emails),
        robots=list(schedule.robots),
        is_active=schedule.is_active,
    )
