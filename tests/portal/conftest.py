"""Helpers for portal tests: tickets in a given state, and the cache cleared between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket


@pytest.fixture(autouse=True)
def _clear_cache(db: None) -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def resolved_ticket(world: World, **kwargs: object) -> Ticket:
    ticket = world.ticket(**kwargs)  # type: ignore[arg-type]
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    return services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)
