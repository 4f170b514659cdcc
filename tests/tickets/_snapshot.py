"""What a refused service call must leave alone, re-read from the database."""

from __future__ import annotations

from typing import Any

from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.tickets.models import Ticket, TicketLink


def snapshot(*tickets: Ticket) -> dict[str, Any]:
    rows = {}
    for ticket in tickets:
        fresh = Ticket.objects.get(pk=ticket.pk)
        rows[fresh.number] = {
            "version": fresh.version,
            "status": fresh.status,
            "assignee": fresh.assignee_id,
            "team": fresh.team_id,
            "category": fresh.category_id,
            "parent": fresh.parent_id,
            "merged_into": fresh.merged_into_id,
            "tags": sorted(fresh.tags.values_list("name", flat=True)),
            "comments": fresh.comments.count(),
            "attachments": fresh.attachments.count(),
            "timeline": fresh.timeline.count(),
            "watchers": sorted(fresh.watchers.values_list("user_id", "contact_id")),
            "children": sorted(fresh.children.values_list("pk", flat=True)),
        }
    return {
        "tickets": rows,
        "links": TicketLink.objects.count(),
        "audit": AuditEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }
