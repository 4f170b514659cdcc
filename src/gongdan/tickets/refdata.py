"""A per-process cache of ticket types: a few dozen rows that every ticket creation reads.

Each web process keeps the types (with their default teams) for ``TTL`` seconds. A save or delete
of a type or a team in this process drops the cache at once; other processes see the change
within ``TTL`` seconds. Creating a ticket with a type that an admin deactivated a moment ago in
another process is the worst that staleness can do.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gongdan.tickets.models import TicketType

TTL = 5.0

_lock = threading.Lock()
_state: tuple[float, dict[int, TicketType], TicketType | None] | None = None


def _load() -> tuple[float, dict[int, TicketType], TicketType | None]:
    global _state
    state = _state
    if state is not None and time.monotonic() < state[0]:
        return state
    with _lock:
        types = list(TicketType.objects.select_related("default_team").order_by("sort_order", "id"))
        default = next((t for t in types if t.is_active), None)
        _state = (time.monotonic() + TTL, {t.pk: t for t in types}, default)
        return _state


def ticket_type_get(pk: int) -> TicketType | None:
    """The type ``pk`` (active or not), with its default team; None when there is none."""
    return _load()[1].get(pk)


def default_ticket_type() -> TicketType | None:
    """The first active type in the admins' order: the type of a ticket that names none."""
    return _load()[2]


def invalidate(**_kwargs: Any) -> None:
    """Drop the cache (connected to saves and deletes of types and teams; used by tests)."""
    global _state
    _state = None
