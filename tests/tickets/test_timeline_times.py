"""Defect 12: every timeline entry carries the moment of its change, never an earlier one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Priority, TimelineKind
from gongdan.tickets.models import TimelineEntry

CREATED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CHANGED = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


@pytest.fixture
def at_change_time(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The clock reads ``CHANGED`` for the rest of the test."""
    monkeypatch.setattr(timezone, "now", lambda: CHANGED)
    return CHANGED


def test_a_priority_change_is_stamped_with_its_own_time(world: World) -> None:
    # Given a ticket created (and last updated) at 01:00
    ticket = world.ticket(by=world.agent, created_at=CREATED)
    assert ticket.updated_at == CREATED

    # When an agent changes its priority at 07:30
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: CHANGED)
        ticket = services.ticket_update(actor=world.agent, ticket=ticket, priority=Priority.HIGH)

    # Then the priority entry says 07:30, the moment of the change, not the previous 01:00
    entry = TimelineEntry.objects.get(ticket=ticket, kind=TimelineKind.PRIORITY_CHANGED)
    assert entry.created_at == CHANGED
    assert ticket.updated_at == CHANGED


def test_the_creation_entry_keeps_the_creation_time(world: World, at_change_time: datetime) -> None:
    # Given/when a ticket entered later with its original creation time (an import)
    ticket = world.ticket(by=world.agent, created_at=CREATED)

    # Then its creation entry carries that time
    entry = TimelineEntry.objects.get(ticket=ticket, kind=TimelineKind.CREATED)
    assert entry.created_at == CREATED


def test_assignment_reply_and_status_entries_carry_their_time(world: World) -> None:
    ticket = world.ticket(by=world.agent, created_at=CREATED)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: CHANGED)
        ticket = services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)
        services.comment_create(actor=world.agent, ticket=ticket, body="已处理")

    kinds = {TimelineKind.ASSIGNED, TimelineKind.STATUS_CHANGED, TimelineKind.REPLY}
    times = set(
        TimelineEntry.objects.filter(ticket=ticket, kind__in=kinds).values_list(
            "created_at", flat=True
        )
    )
    assert times == {CHANGED}
