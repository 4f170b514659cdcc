"""Outbox events → group robots of the ticket's team, and → outgoing webhook subscriptions.

Both only write rows and queue jobs here (inside the delivery transaction); the HTTP calls run
in background jobs after commit.
"""

from __future__ import annotations

from gongdan.channels.choices import RobotEvent, WebhookEvent
from gongdan.channels.robots import robots_enqueue
from gongdan.channels.webhooks.services import webhooks_dispatch
from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.tickets.models import Ticket

ROBOT_DATA_KEYS = ("target", "percent", "level")


@subscriber(*RobotEvent.values, name="channels.robots")
def on_team_event(event: OutboxEvent) -> None:
    payload = event.payload
    ticket = Ticket.objects.filter(number=payload.get("ticket")).first()
    if ticket is None:
        return
    data = {k: payload[k] for k in ROBOT_DATA_KEYS if k in payload}
    robots_enqueue(event_type=event.event_type, ticket=ticket, data=data)


@subscriber(*WebhookEvent.values, name="channels.webhooks")
def on_webhook_event(event: OutboxEvent) -> None:
    webhooks_dispatch(event)
