"""Reads for the anonymous progress lookup, which has a verified ticket instead of a user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from gongdan.core.errors import NotFound
from gongdan.tickets import selectors
from gongdan.tickets.models import Ticket, TimelineEntry


def lookup_ticket_get(*, ticket_id: int) -> Ticket:
    """The ticket a lookup code was verified for (the caller holds that grant), or NotFound."""
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("ticket_type", "category").first()
    if ticket is None:
        raise NotFound("ticket.not_found", "Ticket not found.")
    return ticket


def lookup_timeline_list(*, ticket: Ticket) -> QuerySet[TimelineEntry]:
    """The public timeline: the same rows a customer sees (no internal entries or notes)."""
    return selectors.timeline_list(user=AnonymousUser(), ticket=ticket)  # type: ignore[arg-type]
