"""What the workspace shows of a ticket's SLA: its clocks, their state and time left.

Registered in ``SlaConfig.ready()`` as a context provider of the ticket page
(``tickets.hooks.detail_context``): the ticket app sits below this one and does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from gongdan.sla import engine
from gongdan.sla.choices import SlaTarget
from gongdan.sla.models import SlaClock


@dataclass(frozen=True)
class ClockView:
    """One SLA clock as the ticket page shows it."""

    target: str
    label: str
    state: str  # running, paused, met, breached, stopped
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    remaining_minutes: int | None  # on the clock's own (business) time; negative: overdue


def ticket_clocks(*, ticket: Any) -> list[ClockView]:
    """The ticket's SLA clocks (one query), in target order. Staff only: callers check."""
    order = {t: i for i, t in enumerate(SlaTarget.values)}
    now = timezone.now()
    views = []
    for clock in sorted(
        SlaClock.objects.filter(ticket=ticket).select_related("policy__calendar"),
        key=lambda c: order.get(c.target, 9),
    ):
        remaining = engine.remaining_seconds(clock, now)
        if clock.met_at is not None:
            state = "met"
        elif clock.breached_at is not None:
            state = "breached"
        elif clock.running_since is not None:
            state = "running"
        elif ticket.is_open:
            state = "paused"
        else:
            state = "stopped"
        views.append(
            ClockView(
                target=clock.target,
                label=str(SlaTarget(clock.target).label),
                state=state,
                due_at=clock.due_at,
                met_at=clock.met_at,
                breached_at=clock.breached_at,
                remaining_minutes=None if remaining is None else int(remaining // 60),
            )
        )
    return views


def detail_context(ticket: Any) -> dict[str, Any]:
    """The ticket page's ``sla_clocks`` (the page is staff only)."""
    return {"sla_clocks": ticket_clocks(ticket=ticket)}
