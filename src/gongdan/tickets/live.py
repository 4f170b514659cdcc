"""Live hints for ticket changes: after a change commits, open pages are told "ticket N is now at
version V, changed by W (kind K)" through ``core.live``. The hint also carries who may see the
ticket (team, assignee, staff watchers) so that streams filter it without a query per viewer
(the same rule as ``policies.ticket_visibility`` for agents)."""

from __future__ import annotations

from typing import Any

from gongdan.accounts.models import User
from gongdan.core import live
from gongdan.tickets.models import Ticket, TicketWatcher


def ticket_hint(ticket: Ticket, *, actor: User | None, kind: str) -> dict[str, Any]:
    watchers = TicketWatcher.objects.filter(ticket_id=ticket.pk, user__isnull=False)
    return {
        "t": ticket.number,
        "v": ticket.version,
        "kind": kind,
        "by": actor.pk if actor is not None else None,
        "who": str(actor) if actor is not None else "",
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "watchers": sorted(watchers.values_list("user_id", flat=True)),
    }


def ticket_changed(ticket: Ticket, *, actor: User | None, kind: str) -> None:
    """Announce the change once the transaction commits (once per ticket and transaction)."""
    live.publish_on_commit(
        ("ticket", ticket.pk),
        lambda: ("ticket", ticket_hint(ticket, actor=actor, kind=kind)),
    )
