"""The SLA clocks' part in the ticket services (``tickets.hooks``), registered in ``ready()``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongdan.sla import engine, panels
from gongdan.tickets import hooks as ticket_hooks
from gongdan.tickets.hooks import TicketLifecycle
from gongdan.tickets.models import Ticket

# A change of these fields can change which policy applies, and so every target.
RETARGET_FIELDS = frozenset({"priority", "ticket_type", "category"})


class SlaLifecycle(TicketLifecycle):
    """Plans and starts the clocks of a new ticket, and moves them with replies and statuses."""

    def before_insert(self, ticket: Ticket, *, now: datetime) -> Any:
        return engine.plan_new(ticket, now)  # sets the due columns before the insert

    def after_insert(self, ticket: Ticket, planned: Any) -> None:
        engine.start_new(ticket, planned)

    def updated(self, ticket: Ticket, *, changed: list[str], now: datetime) -> None:
        if RETARGET_FIELDS & set(changed):
            engine.retarget(ticket, now=now)

    def status_changed(self, ticket: Ticket, *, old: str, new: str, now: datetime) -> None:
        engine.on_status(ticket, old=old, new=new, now=now)

    def replied(self, ticket: Ticket, *, by_staff: bool, now: datetime) -> None:
        engine.on_reply(ticket, by_staff=by_staff, now=now)


lifecycle = SlaLifecycle()


def install() -> None:
    """Join the ticket services and the ticket page (called by ``SlaConfig.ready()``)."""
    ticket_hooks.lifecycle.register(lifecycle)
    ticket_hooks.detail_context.register(panels.detail_context)
    ticket_hooks.sla_readers.register(panels.api_reader)
