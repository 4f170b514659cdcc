"""A per-process cache of ticket types: a few dozen rows that every ticket creation reads.

Each web process keeps the types (with their default teams) for ``TTL`` seconds. A save or delete
of a type or a team in this process drops the cache at once; other processes see the change
within ``TTL`` seconds. Creating a ticket with a type that an admin deactivated a moment ago in
another process is the worst that staleness can do.
"""

from __future__ import annotations

from typing import Any

from gongdan.accounts.models import Team
from gongdan.core.cache import ProcessCache
from gongdan.tickets.models import TicketType

TTL = 5.0


def _load() -> tuple[dict[int, TicketType], TicketType | None]:
    types = list(TicketType.objects.select_related("default_team").order_by("sort_order", "id"))
    default = next((t for t in types if t.is_active), None)
    return {t.pk: t for t in types}, default


_types = ProcessCache(_load, ttl=TTL)
# Imported by TicketsConfig.ready(): saves and deletes of types and teams drop the cache.
_types.invalidate_on(TicketType, Team, uid="refdata")


def ticket_type_get(pk: int) -> TicketType | None:
    """The type ``pk`` (active or not), with its default team; None when there is none."""
    return _types.get()[0].get(pk)


def default_ticket_type() -> TicketType | None:
    """The first active type in the admins' order: the type of a ticket that names none."""
    return _types.get()[1]


def invalidate(**_kwargs: Any) -> None:
    """Drop the cache (saves and deletes of types and teams do; used by tests)."""
    _types.invalidate()
