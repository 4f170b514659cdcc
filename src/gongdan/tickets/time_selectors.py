"""Reads of time entries, cost, timers and cost rates (staff only; customers never see them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_manager
from gongdan.core.errors import NotFound, ValidationFailed
from gongdan.tickets.models import CostEntry, CostRate, Ticket, TimeEntry, Timer
from gongdan.tickets.policies import ticket_visibility
from gongdan.tickets.services._common import require_staff, require_visible
from gongdan.tickets.services.time import require_rate_manager

LIST_MAX_DAYS = 366


@dataclass
class TimeSummary:
    """The time panel of a ticket: its entries, totals, cost and the reader's running timer."""

    entries: list[TimeEntry]
    minutes: int
    billable_minutes: int
    cost: Decimal
    billable_cost: Decimal
    timer_started_at: datetime | None


def _yuan(value: Decimal | None) -> Decimal:
    """A sum of amounts with its 2 decimals (SQLite's SUM drops them)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _entries() -> QuerySet[TimeEntry]:
    return TimeEntry.objects.select_related("user", "cost_entry", "ticket")


def ticket_time_entries(*, user: User, ticket: Ticket) -> list[TimeEntry]:
    """Every time entry on ``ticket``, newest first (staff who can see it)."""
    require_staff(user)
    return list(_entries().filter(ticket=ticket))


def ticket_time_summary(*, user: User, ticket: Ticket) -> TimeSummary:
    """Entries, minutes (all, billable), cost of every kind (all, billable) and ``user``'s timer."""
    entries = ticket_time_entries(user=user, ticket=ticket)
    costs = CostEntry.objects.filter(ticket=ticket).aggregate(
        total=Sum("amount"), billable=Sum("amount", filter=Q(billable=True))
    )
    timer = Timer.objects.filter(user=user, ticket=ticket).values_list("started_at", flat=True)
    return TimeSummary(
        entries=entries,
        minutes=sum(e.minutes for e in entries),
        billable_minutes=sum(e.minutes for e in entries if e.billable),
        cost=_yuan(costs["total"]),
        billable_cost=_yuan(costs["billable"]),
        timer_started_at=timer.first(),
    )


def time_entry_get(*, user: User, pk: int) -> TimeEntry:
    """One entry on a ticket ``user`` (staff) can see; 404 otherwise."""
    require_staff(user)
    entry = _entries().filter(pk=pk).first()
    if entry is None:
        raise NotFound("time.not_found", _("Time entry not found."))
    require_visible(user, entry.ticket)
    return entry


def time_entry_list(
    *,
    user: User,
    agent: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[TimeEntry]:
    """Time entries across the desk by work date, newest first: supervisors and admins see
    everyone's (``agent`` narrows to one), an agent only their own on tickets they can see.
    A range longer than a year, or ending before it starts, is 422."""
    require_staff(user)
    if start and end and end < start:
        message = _("The end date is before the start date.")
        raise ValidationFailed("period.end_before_start", message, fields={"end": message})
    if start and end and (end - start).days > LIST_MAX_DAYS:
        message = _("Choose at most a year.")
        raise ValidationFailed("period.too_long", message, fields={"end": message})
    rows = _entries()
    if is_manager(user):
        if agent is not None:
            rows = rows.filter(user_id=agent)
    else:
        visible = Ticket.objects.filter(ticket_visibility(user)).values("pk")
        rows = rows.filter(user=user, ticket__in=visible)
    if start:
        rows = rows.filter(work_date__gte=start)
    if end:
        rows = rows.filter(work_date__lte=end)
    return rows.order_by("-work_date", "-id")


def cost_rate_list(*, user: User) -> list[CostRate]:
    """Every hourly cost rate, agents' then teams', newest first (supervisors and admins)."""
    require_rate_manager(user)
    return list(
        CostRate.objects.select_related("user", "team").order_by(
            "team_id", "user_id", "-effective_from"
        )
    )
