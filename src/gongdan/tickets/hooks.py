"""Where apps above ``tickets`` join the ticket services' work, registered at start-up.

The ticket services are the one write path for tickets; SLA clocks (``gongdan.sla``) and smart
assignment (``gongdan.assignment``) must change in the same transaction, yet both apps sit above
``tickets`` and import it. So the services call the named points below, and those apps register
their implementation in ``AppConfig.ready()`` (docs/decisions/0004-layers-and-hooks.md). With
neither app installed the services still work: tickets simply get no clocks and no automatic owner.

- :data:`lifecycle` — :class:`TicketLifecycle` participants, called inside the services'
  transaction with the ticket locked, in registration order (``INSTALLED_APPS`` order);
- :data:`timeline_sentences` — how an app's own timeline kinds read (``presenters``);
- :data:`detail_context` — what an app adds to the workspace's ticket page;
- :data:`bulk_actions` — actions an app adds to the list's bulk actions (macros).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Prefetch
from django.utils.functional import Promise

from gongdan.core.hooks import Hooks
from gongdan.tickets.models import Ticket


class TicketLifecycle:
    """One app's part in the ticket services. Override what the app needs; the rest does nothing.

    Every method runs inside the service's transaction, after its checks, with the ticket row
    locked; an exception rolls the whole change back.
    """

    def before_insert(self, ticket: Ticket, *, now: datetime) -> Any:
        """A new ticket, not yet saved: set columns it is inserted with. The return value is
        handed to :meth:`after_insert`."""
        return None

    def after_insert(self, ticket: Ticket, planned: Any) -> None:
        """The new ticket's row exists (before its timeline, audit event and outbox event)."""

    def created(self, ticket: Ticket) -> None:
        """``ticket_create`` has written everything else (last step of the transaction)."""

    def updated(self, ticket: Ticket, *, changed: list[str], now: datetime) -> None:
        """``ticket_update`` changed ``changed`` fields (before its audit and outbox event)."""

    def after_update(self, ticket: Ticket, *, changed: list[str]) -> None:
        """``ticket_update`` has written everything else (last step of the transaction)."""

    def status_changed(self, ticket: Ticket, *, old: str, new: str, now: datetime) -> None:
        """The status moved (a transition, or a customer's reply to a pending ticket)."""

    def after_transition(self, ticket: Ticket, *, old: str, new: str) -> None:
        """``ticket_transition`` has written everything else (last step of the transaction)."""

    def replied(self, ticket: Ticket, *, by_staff: bool, now: datetime) -> None:
        """A public reply (not an internal note) was added."""


lifecycle: Hooks[TicketLifecycle] = Hooks("tickets.lifecycle")

#: Timeline kind → sentence for the apps' own kinds (``presenters.entry_sentence``).
timeline_sentences: dict[str, Callable[[dict[str, Any]], str]] = {}

#: Extra context for the workspace's ticket page (staff only), e.g. the SLA clocks.
detail_context: Hooks[Callable[[Ticket], dict[str, Any]]] = Hooks("tickets.detail_context")


class SlaReader(Protocol):
    """What the API shows of a ticket's SLA (``TicketOut.sla``; staff only): the app that keeps
    the clocks (``gongdan.sla``) registers one."""

    def prefetch(self) -> Prefetch:
        """Prefetch for a page of tickets, so :meth:`read` adds no query per ticket."""
        ...

    def read(self, ticket: Ticket) -> dict[str, Any]:
        """The ticket's SLA in the shape of ``TicketSlaOut``."""
        ...


sla_readers: Hooks[SlaReader] = Hooks("tickets.sla_readers")


def sla_prefetches() -> list[Prefetch]:
    return [reader.prefetch() for reader in sla_readers]


def sla_of(ticket: Ticket) -> dict[str, Any] | None:
    """The ticket's SLA from the registered reader, or None when no app keeps clocks."""
    for reader in sla_readers:
        return reader.read(ticket)
    return None


# --- what the services call ----------------------------------------------------------------------
def before_insert(ticket: Ticket, *, now: datetime) -> list[tuple[TicketLifecycle, Any]]:
    return [(p, p.before_insert(ticket, now=now)) for p in lifecycle]


def after_insert(ticket: Ticket, planned: list[tuple[TicketLifecycle, Any]]) -> None:
    for participant, plan in planned:
        participant.after_insert(ticket, plan)


def created(ticket: Ticket) -> None:
    for participant in lifecycle:
        participant.created(ticket)


def updated(ticket: Ticket, *, changed: list[str], now: datetime) -> None:
    for participant in lifecycle:
        participant.updated(ticket, changed=changed, now=now)


def after_update(ticket: Ticket, *, changed: list[str]) -> None:
    for participant in lifecycle:
        participant.after_update(ticket, changed=changed)


def status_changed(ticket: Ticket, *, old: str, new: str, now: datetime) -> None:
    for participant in lifecycle:
        participant.status_changed(ticket, old=old, new=new, now=now)


def after_transition(ticket: Ticket, *, old: str, new: str) -> None:
    for participant in lifecycle:
        participant.after_transition(ticket, old=old, new=new)


def replied(ticket: Ticket, *, by_staff: bool, now: datetime) -> None:
    for participant in lifecycle:
        participant.replied(ticket, by_staff=by_staff, now=now)


def page_context(ticket: Ticket) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provide in detail_context:
        context.update(provide(ticket))
    return context


# --- bulk actions on the ticket list ------------------------------------------------------------
@dataclass(frozen=True)
class BulkAction:
    """One action the list's bulk bar and ``tickets_bulk`` offer (``services.bulk``).

    ``clean`` checks the parameters once for the whole selection (raise ``ValidationFailed``:
    the request is refused, nothing applied); ``apply`` changes one ticket through the ticket
    services (raise a ``DomainError``: that ticket is reported refused, the others go on). Each
    ticket runs in its own transaction. ``param_label`` names the one text parameter ``value``
    the workspace asks for (e.g. a macro's name), when the action needs one.
    """

    name: str
    label: str | Promise
    clean: Callable[[Any, dict[str, Any]], dict[str, Any]]
    apply: Callable[[Any, Ticket, dict[str, Any], int | None], object]
    param_label: str | Promise = ""


#: Actions added by apps above ``tickets`` (macros: "apply macro"), after the built-in ones.
bulk_actions: Hooks[BulkAction] = Hooks("tickets.bulk_actions")
