"""The per-process ticket-type cache: fresh after a save here, bounded staleness elsewhere."""

from __future__ import annotations

import time

import pytest

from gongdan.testing import World
from gongdan.tickets import refdata
from gongdan.tickets.models import TicketType


def test_a_save_in_this_process_is_seen_at_once(world: World) -> None:
    cached = refdata.ticket_type_get(world.incident.pk)
    assert cached is not None and cached.is_active

    world.incident.is_active = False
    world.incident.save()

    fresh = refdata.ticket_type_get(world.incident.pk)
    assert fresh is not None and not fresh.is_active


def test_a_change_made_behind_the_cache_shows_after_the_ttl(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    refdata.ticket_type_get(world.incident.pk)
    # Another process's write: no signal reaches this process.
    TicketType.objects.filter(pk=world.incident.pk).update(name="已改名")

    assert refdata.ticket_type_get(world.incident.pk).name != "已改名"  # type: ignore[union-attr]
    clock = time.monotonic() + refdata.TTL + 1
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert refdata.ticket_type_get(world.incident.pk).name == "已改名"  # type: ignore[union-attr]


def test_the_default_type_is_the_first_active_one_in_admin_order(world: World) -> None:
    TicketType.objects.update(sort_order=5)
    first = TicketType.objects.order_by("id").first()
    assert first is not None
    TicketType.objects.filter(pk=first.pk).update(sort_order=1, is_active=False)
    refdata.invalidate()

    default = refdata.default_ticket_type()

    assert default is not None and default.is_active and default.pk != first.pk
