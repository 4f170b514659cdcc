"""What a policy (or explicit targets) would promise for a ticket opened at a given moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.sla import engine
from gongdan.sla.choices import SlaTarget
from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.sla.selectors import calendar_default, calendar_get, calendar_spec

MAX_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class DueTime:
    target: str
    minutes: int
    due_at: datetime


@dataclass(frozen=True)
class Preview:
    calendar: BusinessCalendar | None
    business_time: bool
    start: datetime
    dues: list[DueTime]


def require_staff(actor: User) -> None:
    """403 unless ``actor`` is service staff; entry points call it before looking up ids."""
    if not actor.is_staff_member:
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))


def sla_preview(
    *,
    actor: User,
    start: datetime,
    policy: SlaPolicy | None = None,
    targets: dict[str, int | None] | None = None,
    business_time: bool = True,
    calendar_code: str = "",
) -> Preview:
    """Due times for each target, from a policy or from explicit minutes. Staff only.

    A naive ``start`` is read in the calendar's time zone (Asia/Shanghai without a calendar).
    """
    require_staff(actor)
    if policy is not None:
        calendar = policy.calendar
        business_time = policy.counts_business_time
        minutes = {t: policy.minutes_for(t) for t in SlaTarget.values}
    else:
        if not targets or not any(v is not None for v in targets.values()):
            raise ValidationFailed(
                "sla.no_targets",
                _("Choose a policy or give at least one target in minutes."),
                fields={"targets": _("Give at least one target.")},
            )
        calendar = calendar_get(code=calendar_code) if calendar_code else calendar_default()
        minutes = {t: targets.get(t) for t in SlaTarget.values}
    problems = {
        t: _("Between 1 minute and one year.")
        for t, m in minutes.items()
        if m is not None and not 0 < m <= MAX_MINUTES
    }
    if problems:
        raise ValidationFailed(
            "sla.invalid_target", _("A target is out of range."), fields=problems
        )
    if business_time and calendar is None:
        raise ValidationFailed(
            "sla.no_calendar",
            _("Business time needs a calendar; none is chosen or marked as default."),
            fields={"calendar": _("Choose a calendar.")},
        )
    zone = ZoneInfo(calendar.time_zone if calendar else "Asia/Shanghai")
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    spec = calendar_spec(calendar) if business_time and calendar is not None else None
    dues = [
        DueTime(target, m, engine.add_time(spec, start, m * 60.0).astimezone(zone))
        for target, m in minutes.items()
        if m is not None
    ]
    return Preview(calendar=calendar, business_time=business_time, start=start, dues=dues)
