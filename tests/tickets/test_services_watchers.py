"""Watchers: staff add and remove staff users or contacts; each change is audited and versioned."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.testing import World
from gongdan.tickets import policies, services
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Ticket, TicketWatcher
from gongdan.tickets.presenters import describe
from tests.tickets._snapshot import snapshot


def test_staff_add_another_teams_agent_who_may_then_see_the_ticket(world: World) -> None:
    ticket = world.ticket()

    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.other_agent)

    assert watcher is not None
    assert (watcher.user, watcher.contact) == (world.other_agent, None)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.version == 2
    entry = ticket.timeline.get(kind=TimelineKind.WATCHER_ADDED)
    assert (entry.is_internal, entry.data) == (True, {"who": "other_agent"})
    assert list(
        AuditEvent.objects.filter(action="ticket.watcher_added").values_list("object_id", "data")
    ) == [(str(ticket.pk), {"watcher": watcher.pk, "user": world.other_agent.pk, "contact": None})]
    assert policies.can_see(world.other_agent, ticket)


def test_staff_add_a_contact(world: World) -> None:
    ticket = world.ticket()
    org_admin = world.org_admin.contact

    watcher = services.watcher_add(actor=world.supervisor, ticket=ticket, contact=org_admin)

    assert watcher is not None
    assert (watcher.user, watcher.contact) == (None, org_admin)
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_adding_a_watcher_twice_changes_nothing(world: World) -> None:
    ticket = world.ticket()
    services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    before = snapshot(ticket)

    again = services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)

    assert again is None
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    ("who", "error"),
    [("customer", Forbidden), ("other_customer", NotFound), ("other_agent", NotFound)],
)
def test_customers_and_outsiders_may_not_add_watchers(
    world: World, who: str, error: type[Exception]
) -> None:
    ticket = world.ticket()
    before = snapshot(ticket)

    with pytest.raises(error):
        services.watcher_add(actor=getattr(world, who), ticket=ticket, user=world.supervisor)

    assert snapshot(ticket) == before


@pytest.mark.parametrize("kwargs", ["customer_user", "nobody", "both"])
def test_a_watcher_is_one_staff_user_or_one_contact(world: World, kwargs: str) -> None:
    ticket = world.ticket()
    before = snapshot(ticket)
    choices: dict[str, dict[str, Any]] = {
        "customer_user": {"user": world.customer},
        "nobody": {},
        "both": {"user": world.agent, "contact": world.customer_contact},
    }
    given = choices[kwargs]

    with pytest.raises(ValidationFailed) as error:
        services.watcher_add(actor=world.agent, ticket=ticket, **given)

    assert error.value.code == "watcher.invalid"
    assert snapshot(ticket) == before


def test_staff_remove_a_watcher(world: World) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.other_agent)
    assert watcher is not None

    services.watcher_remove(actor=world.supervisor, ticket=ticket, watcher_id=watcher.pk)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.version, TicketWatcher.objects.count()) == (3, 0)
    entry = ticket.timeline.order_by("-id").first()
    assert entry is not None
    assert (entry.kind, entry.is_internal, describe(entry)) == (
        TimelineKind.FIELD_CHANGED,
        True,
        "removed other_agent as a watcher",
    )
    assert AuditEvent.objects.get(action="ticket.watcher_removed").data == {
        "watcher": watcher.pk,
        "user": world.other_agent.pk,
        "contact": None,
    }
    assert not policies.can_see(world.other_agent, ticket)


def test_removing_a_watcher_of_another_ticket_is_not_found_and_changes_nothing(
    world: World,
) -> None:
    ticket, other = world.ticket(), world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=other, user=world.agent)
    assert watcher is not None
    before = snapshot(ticket, other)

    with pytest.raises(NotFound) as error:
        services.watcher_remove(actor=world.agent, ticket=ticket, watcher_id=watcher.pk)

    assert error.value.code == "watcher.not_found"
    assert snapshot(ticket, other) == before


def test_a_customer_may_not_remove_a_watcher(world: World) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    assert watcher is not None
    before = snapshot(ticket)

    with pytest.raises(Forbidden):
        services.watcher_remove(actor=world.customer, ticket=ticket, watcher_id=watcher.pk)

    assert snapshot(ticket) == before
