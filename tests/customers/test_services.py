"""Customer records: self-registration never takes over someone else's contact."""

import pytest
from django.contrib.auth.hashers import make_password

from gongdan.core.errors import Forbidden
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_create, customer_register
from gongdan.testing import World
from gongdan.tickets import selectors


def test_registering_with_a_known_address_does_not_take_over_the_contact(world: World) -> None:
    manager = contact_create(
        actor=world.supervisor,
        name="IT 经理",
        email="it@acme.example.cn",
        organization=world.acme,
        is_org_admin=True,
    )
    caller_ticket = world.ticket(by=world.agent, requester=manager)

    stranger = customer_register(
        name="陌生人", email="IT@acme.example.cn", password_hash=make_password("Stranger-2026-pw")
    )

    manager.refresh_from_db()
    assert manager.user is None
    assert Contact.objects.get(user=stranger).is_org_admin is False
    assert Contact.objects.get(user=stranger).organization is None
    assert list(selectors.ticket_list(user=stranger)) == []
    assert caller_ticket.requester == manager


def test_an_agent_cannot_appoint_an_organization_admin(world: World) -> None:
    with pytest.raises(Forbidden):
        contact_create(
            actor=world.agent,
            name="x",
            email="x@acme.example.cn",
            organization=world.acme,
            is_org_admin=True,
        )

    assert not Contact.objects.filter(email="x@acme.example.cn").exists()


def test_a_supervisor_can_appoint_an_organization_admin(world: World) -> None:
    contact = contact_create(
        actor=world.supervisor,
        name="y",
        email="y@acme.example.cn",
        organization=world.acme,
        is_org_admin=True,
    )

    assert contact.is_org_admin is True
