"""What the workspace and the API show of a ticket's SLA: its clocks, their state and time left.

Registered in ``SlaConfig.ready()`` as a context provider of the ticket page
(``tickets.hooks.detail_context``) and as the API's SLA reader (``tickets.hooks.sla_readers``):
the ticket app sits below this one and does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from gongdan.sla import engine
from gongdan.sla.choices import SlaTarget
from gongdan.sla.models import SlaClock


@dataclass(frozen=True)
class ClockView:
    """One SLA clock as the ticket page and the API show it."""

    target: str
    label: str
    state: str  # running, paused, met, breached, stopped
    due_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    remaining_minutes: int | None  # on the clock's own (business) time; negative: overdue
    target_minutes: int = 0
    business_time: bool = True


def sla_clocks_prefetch() -> Prefetch:
    """Prefetch for a ticket queryset: every page's clocks in one query, so
    :func:`ticket_clocks` adds no query per ticket.

    Without a join to their policy and calendar: building a policy and a calendar for each
    clock of a page cost more than the rest of its SLA; :func:`ticket_clocks` takes them from the
    engine's per-process cache of active policies.
    """
    return Prefetch("sla_clocks", queryset=SlaClock.objects.all())


def ticket_clocks(*, ticket: Any) -> list[ClockView]:
    """The ticket's SLA clocks (one query, none when prefetched with
    :func:`sla_clocks_prefetch`), in target order. Staff only: callers check."""
    if "sla_clocks" in getattr(ticket, "_prefetched_objects_cache", {}):
        clocks = list(ticket.sla_clocks.all())
        engine.attach_policies(clocks)
    else:
        clocks = list(SlaClock.objects.filter(ticket=ticket).select_related("policy__calendar"))
    return clock_views(ticket=ticket, clocks=clocks)


def clock_views(*, ticket: Any, clocks: list[Any]) -> list[ClockView]:
    """``clocks`` of ``ticket`` as views, in target order, their remaining time as of now."""
    order = {t: i for i, t in enumerate(SlaTarget.values)}
    now = timezone.now()
    views = []
    for clock in sorted(clocks, key=lambda c: order.get(c.target, 9)):
        remaining = engine.remaining_seconds(clock, now)
        views.append(
            ClockView(
                target=clock.target,
                label=str(SlaTarget(clock.target).label),
                state=_clock_state(clock, ticket),
                due_at=clock.due_at,
                met_at=clock.met_at,
                breached_at=clock.breached_at,
                remaining_minutes=None if remaining is None else int(remaining // 60),
                target_minutes=clock.target_minutes,
                business_time=clock.business_time,
            )
        )
    return views


def _clock_state(clock: Any, ticket: Any) -> str:
    if clock.met_at is not None:
        return "met"
    if clock.breached_at is not None:
        return "breached"
    if clock.running_since is not None:
        return "running"
    return "paused" if ticket.is_open else "stopped"


def ticket_sla(ticket: Any) -> dict[str, Any]:
    """The ticket's SLA as the API shows it: the next due time, when it first breached, and one
    entry per target (None where the ticket has no such clock). Staff only: callers check."""
    views = {view.target: view for view in ticket_clocks(ticket=ticket)}
    return {
        "due_at": ticket.sla_due_at,
        "breached_at": ticket.sla_breached_at,
        "first_response": views.get("first_response"),
        "next_response": views.get("next_response"),
        "resolution": views.get("resolution"),
    }


def detail_context(ticket: Any) -> dict[str, Any]:
    """The ticket page's ``sla_clocks`` (the page is staff only)."""
    return {"sla_clocks": ticket_clocks(ticket=ticket)}


class ApiReader:
    """The API's view of a ticket's SLA (``tickets.hooks.SlaReader``)."""

    def prefetch(self) -> Prefetch:
        return sla_clocks_prefetch()

    def read(self, ticket: Any) -> dict[str, Any]:
        return ticket_sla(ticket)


api_reader = ApiReader()
