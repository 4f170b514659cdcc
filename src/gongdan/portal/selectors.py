"""Reads for the anonymous progress lookup, which has a verified ticket instead of a user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from gongdan.core.errors import NotFound
from gongdan.tickets import selectors
from gongdan.tickets.models import Ticket, TimelineEntry


def lookup_ticket_get(*, ticket_id: int) -> Ticket:
    """The ticket a lookup code was verified for (the caller holds that grant), or NotFound."""
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("ticket_type", "category").first()
    if ticket is None:
        raise NotFound("ticket.not_found", "Ticket not found.")
    return ticket


def lookup_timeline_list(*, ticket: Ticket) -> list[TimelineEntry]:
    """The public timeline: the same rows a customer sees (no internal entries or notes).

    The lookup grants this one ticket only: other tickets it names stay unnamed.
    """
    nobody = AnonymousUser()
    entries = selectors.timeline_list(user=nobody, ticket=ticket)  # type: ignore[arg-type]
    return selectors.timeline_hide_others(user=nobody, entries=entries)  # type: ignore[arg-type]
