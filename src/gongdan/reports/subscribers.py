"""Keeping the report facts in step: every event of a ticket → recompute that ticket's fact.

Delivered once per event after the change committed (``jobs.outbox``); the handler re-reads
the ticket, so a late or repeated event leaves the same fact (recomputing is idempotent).
"""

from __future__ import annotations

from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import subscriber
from gongdan.reports.facts import fact_refresh_numbers

#: Every event that can change a ticket's fact: its fields, status, assignee, team, public
#: replies (first response, FCR) and SLA clocks (met by replies and moves, breached by the sweep).
TICKET_EVENTS = (
    "ticket.created",
    "ticket.updated",
    "ticket.assigned",
    "ticket.status_changed",
    "ticket.merged",
    "ticket.child_created",
    "comment.created",
    "sla.breached",
    "sla.escalated",
)
TICKET_KEYS = ("ticket", "into", "child")


@subscriber(*TICKET_EVENTS, name="reports.facts")
def on_ticket(event: OutboxEvent) -> None:
    numbers = [n for n in (event.payload.get(k) for k in TICKET_KEYS) if isinstance(n, str)]
    if numbers:
        fact_refresh_numbers(numbers)
