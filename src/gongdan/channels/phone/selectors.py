"""Who is calling: the contact for a number and their open tickets the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongdan.accounts.models import User
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_by_mobile
from gongdan.tickets import policies
from gongdan.tickets.choices import OPEN_STATUSES
from gongdan.tickets.models import Ticket

OPEN_TICKETS_SHOWN = 20


@dataclass
class Caller:
    contact: Contact | None
    tickets: list[Ticket] = field(default_factory=list)


def caller_get(*, user: User, number: str) -> Caller:
    """Staff only (others get nobody): the caller's contact and their newest open tickets."""
    if not policies.is_staff_user(user) or not number.strip():
        return Caller(contact=None)
    contact = contact_by_mobile(number)
    if contact is None:
        return Caller(contact=None)
    tickets = (
        Ticket.objects.filter(policies.ticket_visibility(user))
        .filter(requester=contact, status__in=OPEN_STATUSES)
        .order_by("-updated_at", "-id")[:OPEN_TICKETS_SHOWN]
    )
    return Caller(contact=contact, tickets=list(tickets))
