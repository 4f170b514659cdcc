"""Outbox subscribers of smart assignment: the team lead hears when nobody could take a ticket."""

from __future__ import annotations

from gongdan.accounts.models import User
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.notifications.choices import Kind
from gongdan.notifications.services import notify
from gongdan.tickets.models import Ticket


@subscriber("assignment.no_agent", name="assignment.no_agent")
def on_no_agent(event: OutboxEvent) -> None:
    payload = event.payload
    ticket = Ticket.objects.filter(number=payload.get("ticket")).first()
    lead = User.objects.filter(pk=payload.get("lead") or 0).first()
    if ticket is None or lead is None or ticket.assignee_id is not None:
        return  # someone took it meanwhile: nothing to tell
    notify(recipients=[lead], kind=Kind.NO_AGENT, ticket=ticket)
