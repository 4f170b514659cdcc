"""催办: a customer asks the service desk to hurry up with an open ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.core.errors import DomainError, ValidationFailed
from gongdan.tickets import changes
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Ticket, TimelineEntry
from gongdan.tickets.services._common import lock_ticket, require_visible, touch
from gongdan.tickets.workflow import OPEN_STATUSES

NOTE_MAX = 500


def hurry_interval() -> timedelta:
    """How long a ticket's requester side waits between two hurry requests (default 4 h)."""
    return timedelta(minutes=int(getattr(settings, "GONGDAN_HURRY_INTERVAL_MINUTES", 240)))


def next_hurry_at(ticket: Ticket) -> datetime | None:
    """When the ticket may be hurried again (None: now)."""
    last = (
        TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.HURRIED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None or last + hurry_interval() <= timezone.now():
        return None
    return last + hurry_interval()


def ticket_hurry(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """Record a 催办 on the timeline (public) and tell the assignee and the team lead.

    Customers who can see the ticket may ask, for open tickets, once per ``hurry_interval``
    (a second request in that time is refused with ``ticket.hurry_too_soon``, HTTP 429).
    """
    require_visible(actor, ticket)
    if actor.is_staff_member:
        raise DomainError(
            "permission.customers_only",
            _("Hurry requests come from customers; staff can add a note or escalate."),
            status=403,
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        message = _("At most %(n)d characters.") % {"n": NOTE_MAX}
        raise ValidationFailed("ticket.invalid", message, fields={"note": message})
    with transaction.atomic():
        ticket = lock_ticket(ticket)  # two requests at once: the second waits, then is refused
        if ticket.status not in OPEN_STATUSES:
            raise ValidationFailed(
                "ticket.not_open", _("Only an open ticket can be hurried."), fields={}
            )
        again = next_hurry_at(ticket)
        if again is not None:
            raise DomainError(
                "ticket.hurry_too_soon",
                _("You asked recently. You can ask again after %(time)s.")
                % {"time": timezone.localtime(again).strftime("%Y-%m-%d %H:%M")},
                status=429,
            )
        touch(ticket)
        changes.record(changes.hurried(ticket, actor=actor, note=note))
    return ticket
