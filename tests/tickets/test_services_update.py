"""ticket_update: unchanged tags are no change; a type change re-checks the category."""

from __future__ import annotations

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import ValidationFailed
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import Category
from tests.tickets._snapshot import snapshot


def test_setting_the_same_tags_changes_nothing(world: World) -> None:
    ticket = world.ticket(by=world.agent, tags=["打印机", "vip"])
    before = snapshot(ticket)

    ticket = services.ticket_update(actor=world.agent, ticket=ticket, tags=["vip", " 打印机 "])

    assert ticket.version == 1
    assert snapshot(ticket) == before
    assert not AuditEvent.objects.filter(action="ticket.updated").exists()


def test_changing_tags_is_one_audited_version_step(world: World) -> None:
    ticket = world.ticket(by=world.agent, tags=["vip"])

    ticket = services.ticket_update(actor=world.agent, ticket=ticket, tags=["vip", "网络"])

    assert ticket.version == 2
    assert list(
        AuditEvent.objects.filter(action="ticket.updated").values_list("data", flat=True)
    ) == [{"fields": ["tags"]}]


def test_changing_the_type_clears_a_category_of_the_old_type(world: World) -> None:
    network = Category.objects.create(name="网络", name_en="Network", ticket_type=world.incident)
    ticket = world.ticket(category=network)

    ticket = services.ticket_update(actor=world.agent, ticket=ticket, ticket_type=world.repair)

    assert (ticket.ticket_type, ticket.category, ticket.version) == (world.repair, None, 2)
    entry = ticket.timeline.get(kind=TimelineKind.CATEGORY_CHANGED)
    assert entry.data == {"old": network.pk, "new": None, "old_label": "Network", "new_label": None}
    assert AuditEvent.objects.get(action="ticket.updated").data == {
        "fields": ["ticket_type", "category"]
    }


def test_changing_the_type_keeps_a_category_for_every_type(world: World) -> None:
    ticket = world.ticket(category=world.printer)  # the printer category has no type

    ticket = services.ticket_update(actor=world.agent, ticket=ticket, ticket_type=world.repair)

    assert (ticket.ticket_type, ticket.category) == (world.repair, world.printer)
    assert not ticket.timeline.filter(kind=TimelineKind.CATEGORY_CHANGED).exists()


def test_changing_the_type_with_a_fitting_category_sets_that_category(world: World) -> None:
    network = Category.objects.create(name="网络", name_en="Network", ticket_type=world.incident)
    onsite = Category.objects.create(name="上门", name_en="On site", ticket_type=world.repair)
    ticket = world.ticket(category=network)

    ticket = services.ticket_update(
        actor=world.agent, ticket=ticket, ticket_type=world.repair, category=onsite
    )

    assert (ticket.ticket_type, ticket.category, ticket.version) == (world.repair, onsite, 2)
    assert ticket.timeline.get(kind=TimelineKind.CATEGORY_CHANGED).data["new"] == onsite.pk


def test_a_category_of_another_type_is_refused_and_changes_nothing(world: World) -> None:
    network = Category.objects.create(name="网络", name_en="Network", ticket_type=world.incident)
    ticket = world.ticket()
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed) as error:
        services.ticket_update(
            actor=world.agent, ticket=ticket, ticket_type=world.repair, category=network
        )

    assert (error.value.code, error.value.fields) == (
        "ticket.invalid",
        {"category": "This category does not belong to the chosen type."},
    )
    assert snapshot(ticket) == before
