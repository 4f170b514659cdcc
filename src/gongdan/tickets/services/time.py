"""Time logged on tickets, its labour cost, the per-user timer and the hourly cost rates.

Every time entry writes one labour :class:`CostEntry` at the hourly rate in force on the entry's
work date (the agent's own rate, else their team's), kept as a snapshot: changing a rate later
never rewrites logged cost. Only staff who can see the ticket log time; customers never see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Membership, Team, User
from gongdan.accounts.policies import is_manager, is_staff_user
from gongdan.audit.changes import record as record_plain
from gongdan.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongdan.tickets import changes
from gongdan.tickets.choices import CostKind
from gongdan.tickets.models import (
    TIME_ENTRY_MAX_MINUTES,
    Comment,
    CostEntry,
    CostRate,
    Ticket,
    TimeEntry,
    Timer,
)
from gongdan.tickets.services._common import require_staff, require_visible
from gongdan.tickets.services.comments import comment_create

NOTE_MAX = 500
#: Time may be logged for work done up to a year ago (never in the future).
BACKDATE_DAYS = 366
HOURLY_COST_MAX = Decimal("100000")
CENT = Decimal("0.01")


def _invalid(code: str, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(code, message, fields={field: message})


def clean_minutes(value: Any) -> int:
    """1 … 1440 whole minutes (one day's work per entry), else 422 ``time.minutes_invalid``."""
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 9:
        minutes = int(value)
    else:
        minutes = 0
    if not 1 <= minutes <= TIME_ENTRY_MAX_MINUTES:
        raise _invalid(
            "time.minutes_invalid",
            "minutes",
            _("Enter whole minutes between 1 and %(max)d.") % {"max": TIME_ENTRY_MAX_MINUTES},
        )
    return minutes


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if "\x00" in note or len(note) > NOTE_MAX:
        raise _invalid(
            "time.note_invalid", "note", _("At most %(n)d characters.") % {"n": NOTE_MAX}
        )
    return note


def _clean_work_date(work_date: date | None, today: date) -> date:
    if work_date is None:
        return today
    if work_date > today:
        raise _invalid("time.date_in_future", "work_date", _("Time cannot be logged ahead."))
    if work_date < today - timedelta(days=BACKDATE_DAYS):
        raise _invalid("time.date_too_old", "work_date", _("Choose a date within the last year."))
    return work_date


def require_may_log(actor: User, ticket: Ticket) -> None:
    """Staff who can see the ticket (404 for a ticket they cannot see, 403 for customers)."""
    require_staff(actor)
    require_visible(actor, ticket)


def rate_in_force(user: User, ticket: Ticket, day: date) -> Decimal | None:
    """The hourly cost for ``user``'s work on ``day``: their own latest rate from on or before
    that day; else their team's — the ticket's team if they are in it, else their team with the
    lowest id that has a rate; ``None`` when no rate applies."""
    own = (
        CostRate.objects.filter(user=user, effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("hourly_cost", flat=True)
        .first()
    )
    if own is not None:
        return own
    teams = Membership.objects.filter(user=user).values("team_id")
    latest: dict[int, Decimal] = {}
    for team_id, cost in (
        CostRate.objects.filter(team_id__in=teams, effective_from__lte=day)
        .order_by("team_id", "-effective_from")
        .values_list("team_id", "hourly_cost")
    ):
        latest.setdefault(team_id, cost)
    if ticket.team_id in latest:
        return latest[ticket.team_id]
    return latest[min(latest)] if latest else None


def labour_amount(minutes: int, rate: Decimal | None) -> Decimal:
    """``rate`` × minutes / 60, in yuan rounded half up to the fen (0 without a rate)."""
    if rate is None:
        return Decimal("0.00")
    return (rate * minutes / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


def _occurred_at(work_date: date, started_at: datetime | None, now: datetime) -> datetime:
    """When a labour cost occurred: on its entry's work date (reports count both by that day) —
    the timer's start, else now for today's work, else noon of the (earlier) work date."""
    if started_at is not None:
        return started_at
    if work_date == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(work_date, time(12)))


def _write(
    *,
    actor: User,
    ticket: Ticket,
    minutes: int,
    billable: bool,
    note: str,
    comment: Comment | None,
    work_date: date,
    started_at: datetime | None,
) -> TimeEntry:
    now = timezone.now()
    entry = TimeEntry.objects.create(
        ticket=ticket,
        user=actor,
        minutes=minutes,
        billable=billable,
        note=note,
        comment=comment,
        work_date=work_date,
        started_at=started_at,
        created_at=now,
    )
    rate = rate_in_force(actor, ticket, work_date)
    cost = CostEntry.objects.create(
        ticket=ticket,
        kind=CostKind.LABOUR,
        amount=labour_amount(minutes, rate),
        billable=billable,
        user=actor,
        time_entry=entry,
        hourly_rate=rate,
        occurred_at=_occurred_at(work_date, started_at, now),
        created_at=now,
    )
    changes.record(changes.time_logged(entry, cost, actor=actor))
    return entry


def time_entry_create(
    *,
    actor: User,
    ticket: Ticket,
    minutes: Any,
    billable: bool = True,
    note: str = "",
    comment: Comment | None = None,
    work_date: date | None = None,
) -> TimeEntry:
    """Log ``minutes`` of ``actor``'s work on ``ticket`` with its labour cost, a staff-only
    timeline entry, an audit event and the ``time.logged`` outbox event.

    ``comment`` is the reply or note the time was logged with (same ticket). Call it inside the
    caller's transaction to log time together with a reply: if the reply fails, nothing is logged.
    """
    require_may_log(actor, ticket)
    minutes = clean_minutes(minutes)
    note = _clean_note(note)
    work_date = _clean_work_date(work_date, timezone.localdate())
    if comment is not None and comment.ticket_id != ticket.pk:
        raise _invalid("time.comment_invalid", "comment", _("The reply is on another ticket."))
    with transaction.atomic():
        return _write(
            actor=actor,
            ticket=ticket,
            minutes=minutes,
            billable=bool(billable),
            note=note,
            comment=comment,
            work_date=work_date,
            started_at=None,
        )


def comment_create_with_time(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    is_internal: bool,
    attachments: Sequence[UploadedFile] = (),
    minutes: int | None = None,
    billable: bool = True,
) -> Comment:
    """A reply or note (``comment_create``, the one write path for comments) and, with
    ``minutes``, the time logged with it — in one transaction: if either fails, neither is kept.
    The minutes are checked before anything is written."""
    if minutes is not None:
        require_may_log(actor, ticket)
        minutes = clean_minutes(minutes)
    with transaction.atomic():
        comment = comment_create(
            actor=actor, ticket=ticket, body=body, is_internal=is_internal, attachments=attachments
        )
        if minutes is not None:
            time_entry_create(
                actor=actor, ticket=ticket, minutes=minutes, billable=billable, comment=comment
            )
    return comment


def time_entry_delete(*, actor: User, entry: TimeEntry) -> None:
    """Delete a time entry and its labour cost: its author, or a supervisor/admin."""
    require_may_log(actor, entry.ticket)
    if entry.user_id != actor.pk and not is_manager(actor):
        raise Forbidden("time.not_yours", _("You may delete only your own time entries."))
    with transaction.atomic():
        deleted, _rows = TimeEntry.objects.filter(pk=entry.pk).delete()
        if not deleted:
            raise NotFound("time.not_found", _("Time entry not found."))
        changes.record(changes.time_deleted(entry, actor=actor))


# --- the timer ----------------------------------------------------------------------------------


def timer_start(*, actor: User, ticket: Ticket) -> Timer:
    """Start ``actor``'s timer on ``ticket`` (409 ``timer.running`` if it already runs)."""
    require_may_log(actor, ticket)
    try:
        with transaction.atomic():
            return Timer.objects.create(user=actor, ticket=ticket, started_at=timezone.now())
    except IntegrityError as exc:
        raise Conflict("timer.running", _("Your timer on this ticket is already running.")) from exc


def timer_elapsed_minutes(started_at: datetime, now: datetime) -> int:
    """Whole minutes since ``started_at``, rounded half up, at least 1 and at most a day."""
    seconds = max(0, int((now - started_at).total_seconds()))
    return min(TIME_ENTRY_MAX_MINUTES, max(1, (seconds + 30) // 60))


def timer_stop(*, actor: User, ticket: Ticket, billable: bool = True, note: str = "") -> TimeEntry:
    """Stop ``actor``'s timer on ``ticket`` and log the elapsed minutes (409 ``timer.not_running``
    without a running timer; a timer left running over a day logs 1440 minutes)."""
    require_may_log(actor, ticket)
    note = _clean_note(note)
    with transaction.atomic():
        timer = Timer.objects.select_for_update().filter(user=actor, ticket=ticket).first()
        if timer is None:
            raise Conflict("timer.not_running", _("Your timer on this ticket is not running."))
        timer.delete()
        now = timezone.now()
        return _write(
            actor=actor,
            ticket=ticket,
            minutes=timer_elapsed_minutes(timer.started_at, now),
            billable=bool(billable),
            note=note,
            comment=None,
            work_date=timezone.localdate(timer.started_at),
            started_at=timer.started_at,
        )


# --- hourly cost rates --------------------------------------------------------------------------


def require_rate_manager(actor: User) -> None:
    if not is_manager(actor):
        raise Forbidden(
            "permission.managers_only", _("Only supervisors and admins manage cost rates.")
        )


def _clean_cost(value: Any) -> Decimal:
    try:
        cost = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        cost = Decimal(-1)
    if not cost.is_finite() or not Decimal(0) <= cost <= HOURLY_COST_MAX:
        raise _invalid(
            "cost_rate.cost_invalid",
            "hourly_cost",
            _("Enter an hourly cost between 0 and %(max)s yuan.") % {"max": HOURLY_COST_MAX},
        )
    return cost


def cost_rate_set(
    *,
    actor: User,
    hourly_cost: Any,
    effective_from: date,
    user: User | None = None,
    team: Team | None = None,
) -> CostRate:
    """Set the hourly cost (yuan) of one agent or one team from ``effective_from`` on (managers).

    A second rate for the same agent or team and day replaces the first. Time already logged
    keeps the cost it was written with.
    """
    require_rate_manager(actor)
    if (user is None) == (team is None):
        raise _invalid("cost_rate.target_invalid", "user", _("Choose either an agent or a team."))
    if user is not None and not is_staff_user(user):
        raise _invalid("cost_rate.user_invalid", "user", _("Choose an active staff member."))
    cost = _clean_cost(hourly_cost)
    if effective_from is None:
        raise _invalid("cost_rate.date_required", "effective_from", _("Choose a date."))
    with transaction.atomic():
        rate, _created = CostRate.objects.select_for_update().update_or_create(
            user=user,
            team=team,
            effective_from=effective_from,
            defaults={"hourly_cost": cost, "created_by": actor, "created_at": timezone.now()},
        )
        record_plain(changes.cost_rate_set(rate, actor=actor))
    return rate
