"""The ticket page's customer side panel: who asked, their organization and tier, and their
other open and recent tickets — only those the reader may see, a few of each.

Apps above ``tickets`` add sections (contracts, CSAT: issue 16) through :data:`panel_sections`,
registered in their ``AppConfig.ready()``: each provider gets the reader and the ticket and returns
a :class:`PanelSection` (a template and its context) or None. A provider must stay cheap: one
bounded query at most, as the panel is read on every ticket page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gongdan.accounts.models import User
from gongdan.core.hooks import Hooks
from gongdan.customers.models import Contact, Organization
from gongdan.tickets import policies
from gongdan.tickets.models import Ticket

PANEL_SIZE = 5


@dataclass(frozen=True)
class PanelSection:
    """One section an app adds to the panel: ``template`` rendered with ``context``."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


#: Providers of extra panel sections: ``provide(user, ticket) -> PanelSection | None``.
panel_sections: Hooks[Callable[[User, Ticket], PanelSection | None]] = Hooks(
    "tickets.customer_panel_sections"
)


@dataclass(frozen=True)
class CustomerPanel:
    requester: Contact | None
    organization: Organization | None
    tier: str
    open_tickets: list[Ticket]
    more_open: bool
    recent_tickets: list[Ticket]
    more_recent: bool
    sections: list[PanelSection]


def _others(user: User, ticket: Ticket, *, is_open: bool) -> tuple[list[Ticket], bool]:
    """Up to ``PANEL_SIZE`` of the requester's other tickets ``user`` may see (one query; the
    extra row tells whether there are more)."""
    rows = list(
        Ticket.objects.filter(
            policies.ticket_visibility(user), requester_id=ticket.requester_id, is_open=is_open
        )
        .exclude(pk=ticket.pk)
        .only("pk", "number", "title", "status", "priority", "updated_at", "requester_id")
        .order_by("-updated_at", "-id")[: PANEL_SIZE + 1]
    )
    return rows[:PANEL_SIZE], len(rows) > PANEL_SIZE


def customer_panel(*, user: User, ticket: Ticket) -> CustomerPanel:
    """The panel of ``ticket`` (already visible to ``user``, with requester and organization
    joined): two bounded queries, plus what the registered sections read."""
    requester = ticket.requester if ticket.requester_id else None
    organization = ticket.organization if ticket.organization_id else None
    if organization is None and requester is not None and requester.organization_id:
        organization = requester.organization
    if requester is not None:
        open_tickets, more_open = _others(user, ticket, is_open=True)
        recent, more_recent = _others(user, ticket, is_open=False)
    else:
        open_tickets, more_open, recent, more_recent = [], False, [], False
    sections = [s for s in (provide(user, ticket) for provide in panel_sections) if s]
    return CustomerPanel(
        requester=requester,
        organization=organization,
        tier=organization.tier if organization is not None else "",
        open_tickets=open_tickets,
        more_open=more_open,
        recent_tickets=recent,
        more_recent=more_recent,
        sections=sections,
    )
