"""Reads for reminders and supervisions (督办), each restricted to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import NotFound
from gongdan.tickets import policies
from gongdan.tickets.choices import ACTIVE_SUPERVISION
from gongdan.tickets.models import Reminder, Supervision, Ticket
from gongdan.tickets.services.followups import supervision_visibility

SUPERVISION_SCOPES = ("mine", "active", "closed")


def reminder_list(*, user: User, ticket: Ticket) -> list[Reminder]:
    """The pending reminders on ``ticket`` that ``user`` set or receives (all, for supervisors)."""
    if not policies.is_staff_user(user):
        return []
    qs = Reminder.objects.filter(ticket=ticket, fired_at__isnull=True).select_related(
        "recipient", "created_by"
    )
    if not user.sees_all_tickets:
        qs = qs.filter(recipient=user) | qs.filter(created_by=user)
    return list(qs.order_by("remind_at", "pk")[:50])


def reminder_get(*, user: User, pk: int) -> Reminder:
    reminder = (
        Reminder.objects.select_related("ticket").filter(pk=pk).first()
        if policies.is_staff_user(user)
        else None
    )
    if reminder is None or not (
        user.sees_all_tickets or user.pk in (reminder.recipient_id, reminder.created_by_id)
    ):
        raise NotFound("reminder.not_found", _("Reminder not found."))
    return reminder


def _supervisions(user: User) -> QuerySet[Supervision]:
    return Supervision.objects.filter(supervision_visibility(user)).select_related(
        "ticket__assignee",
        "ticket__team__lead",
        "team__lead",
        "created_by",
        "responded_by",
    )


def supervision_list(*, user: User, scope: str = "active", limit: int = 200) -> list[Supervision]:
    """``mine``: active ones I must answer or opened; ``active``; ``closed`` (latest first)."""
    qs = _supervisions(user)
    if scope == "closed":
        return list(qs.exclude(status__in=ACTIVE_SUPERVISION).order_by("-closed_at", "-pk")[:limit])
    qs = qs.filter(status__in=ACTIVE_SUPERVISION)
    if scope == "mine":
        qs = (
            qs.filter(ticket__assignee=user)
            | qs.filter(ticket__team__lead=user)
            | qs.filter(team__lead=user)
            | qs.filter(created_by=user)
        )
    return list(qs.order_by("deadline", "pk")[:limit])


def ticket_supervisions(*, user: User, ticket: Ticket) -> list[Supervision]:
    """Every supervision on ``ticket`` the user may see, active first."""
    if not policies.is_staff_user(user):
        return []
    rows = list(_supervisions(user).filter(ticket=ticket).order_by("-created_at", "-pk")[:20])
    return sorted(rows, key=lambda s: not s.is_active)


def supervision_get(*, user: User, pk: int) -> Supervision:
    supervision = _supervisions(user).filter(pk=pk).first()
    if supervision is None:
        raise NotFound("supervision.not_found", _("Supervision not found."))
    return supervision
