"""Links are recorded on both tickets and have no direction when ``related``; a child without a
team goes to its type's default team."""

from __future__ import annotations

import pytest

from gongdan.core.errors import ValidationFailed
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import LinkKind, TimelineKind
from gongdan.tickets.models import Ticket, TicketLink
from gongdan.tickets.presenters import describe
from tests.tickets._snapshot import snapshot


def test_a_link_is_recorded_on_both_tickets(world: World) -> None:
    a, b = world.ticket(title="A"), world.ticket(title="B")

    services.ticket_link(actor=world.agent, ticket=a, target=b, kind=LinkKind.DUPLICATE_OF)

    a, b = Ticket.objects.get(pk=a.pk), Ticket.objects.get(pk=b.pk)
    assert (a.version, b.version) == (2, 2)
    on_a = a.timeline.get(kind=TimelineKind.LINKED)
    on_b = b.timeline.get(kind=TimelineKind.LINKED)
    assert on_a.data == {"number": b.number, "title": "B", "kind": "duplicate_of"}
    assert on_b.data == {
        "number": a.number,
        "title": "A",
        "kind": "duplicate_of",
        "direction": "from",
    }
    assert describe(on_a) == f"marked this ticket as a duplicate of {b.number}"
    assert describe(on_b) == f"marked {a.number} as a duplicate of this ticket"


def test_the_reverse_of_a_related_link_is_refused_and_changes_nothing(world: World) -> None:
    a, b = world.ticket(), world.ticket()
    services.ticket_link(actor=world.agent, ticket=a, target=b, kind=LinkKind.RELATED)
    before = snapshot(a, b)

    with pytest.raises(ValidationFailed) as error:
        services.ticket_link(actor=world.agent, ticket=b, target=a, kind=LinkKind.RELATED)

    assert error.value.code == "link.exists"
    assert snapshot(a, b) == before
    assert list(TicketLink.objects.values_list("source", "target", "kind")) == [
        (a.pk, b.pk, "related")
    ]


def test_a_child_without_a_team_goes_to_its_types_default_team(world: World) -> None:
    parent = world.ticket()

    child = services.ticket_create_child(
        actor=world.agent, parent=parent, title="上门维修", ticket_type=world.repair, team=None
    )

    assert (child.team, child.ticket_type, child.parent) == (world.field_team, world.repair, parent)


def test_a_child_with_a_team_goes_to_that_team(world: World) -> None:
    parent = world.ticket()

    child = services.ticket_create_child(
        actor=world.agent, parent=parent, title="复查", team=world.field_team
    )

    assert (child.team, child.ticket_type) == (world.field_team, world.incident)
