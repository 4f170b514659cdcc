"""Keeping the report facts in step: every event of a ticket → recompute that ticket's fact.

A batch subscriber (``jobs.outbox``): a dispatch pass hands it all the ticket events of the
batch it claimed, after the changes committed; the tickets they name (each once) are
recomputed together (``facts.fact_refresh_numbers``: one read per table for the batch, one
upsert per rollup table). The handler re-reads the tickets, so a late or repeated event leaves
the same facts (recomputing is idempotent), and a batch gives what its events one by one give.
"""

from __future__ import annotations

from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import batch_subscriber
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


@batch_subscriber(*TICKET_EVENTS, name="reports.facts")
def on_tickets(events: list[OutboxEvent]) -> None:
    numbers = {
        n
        for event in events
        for n in (event.payload.get(k) for k in TICKET_KEYS)
        if isinstance(n, str)
    }
    if numbers:
        fact_refresh_numbers(numbers)
