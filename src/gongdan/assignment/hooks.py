"""Smart assignment's part in the ticket services (``tickets.hooks``), registered in ``ready()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gongdan.assignment import presenters, services
from gongdan.tickets import hooks as ticket_hooks
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.hooks import TicketLifecycle
from gongdan.tickets.models import Ticket


class AssignmentLifecycle(TicketLifecycle):
    """A team ticket without an owner goes to the best available agent (or the team's queue)."""

    def created(self, ticket: Ticket) -> None:
        if ticket.assignee_id is None and ticket.team_id is not None:
            services.assign_new_ticket(ticket)

    def after_update(self, ticket: Ticket, *, changed: list[str]) -> None:
        # Moved unowned into a team that assigns itself.
        if "team" in changed and ticket.assignee_id is None and ticket.team_id is not None:
            services.assign_new_ticket(ticket)

    def after_transition(self, ticket: Ticket, *, old: str, new: str) -> None:
        # A reopened ticket whose assignee is unavailable moves on.
        if new == Status.REOPENED and ticket.assignee_id is not None:
            services.reassign_if_unavailable(ticket)


lifecycle = AssignmentLifecycle()

#: How the ``ticket.auto_assigned`` timeline entry reads.
TIMELINE_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    TimelineKind.AUTO_ASSIGNED: presenters.explain,
}


def install() -> None:
    """Join the ticket services (called by ``AssignmentConfig.ready()``)."""
    ticket_hooks.lifecycle.register(lifecycle)
    ticket_hooks.timeline_sentences.update(TIMELINE_SENTENCES)
