"""contact_find_or_create: the one way an intake finds or makes the contact it acts for."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from gongdan.audit.models import AuditEvent
from gongdan.core.errors import ValidationFailed
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_create, contact_find_or_create
from gongdan.testing import World, make_world, run_together


def test_an_unknown_address_makes_a_contact_with_its_event_and_audit(world: World) -> None:
    contact, created = contact_find_or_create(
        actor=None, via="email", name="", email=" New.Person@Visitor.example.cn "
    )

    assert created is True
    assert (contact.name, contact.email, contact.mobile) == (
        "new.person",
        "new.person@visitor.example.cn",
        "",
    )
    assert OutboxEvent.objects.filter(
        event_type="contact.created", payload={"contact": contact.pk}
    ).exists()
    event = AuditEvent.objects.get(action="contact.created", object_id=str(contact.pk))
    assert (event.actor_id, event.data) == (None, {"via": "email"})


def test_an_address_is_found_by_email_before_mobile_and_nothing_is_written(world: World) -> None:
    by_mobile = contact_create(actor=world.agent, name="甲", mobile="13900001234")
    by_email = contact_create(actor=world.agent, name="乙", email="yi@visitor.example.cn")
    events = OutboxEvent.objects.count()

    email_hit = contact_find_or_create(
        actor=None, via="webform", email="YI@visitor.example.cn", mobile="13900001234"
    )
    mobile_hit = contact_find_or_create(actor=world.agent, via="phone", mobile="+86 139-0000-1234")

    assert email_hit == (by_email, False)
    assert mobile_hit == (by_mobile, False)
    assert OutboxEvent.objects.count() == events


def test_a_lookup_rule_can_be_plugged_in(world: World) -> None:
    """A stricter rule (e.g. never a contact whose login has not verified the address) is a
    ``match`` function; refusing the existing contact makes a new one."""
    contact_create(actor=world.agent, name="旧", email="shared@visitor.example.cn")

    contact, created = contact_find_or_create(
        actor=None,
        via="email",
        email="shared@visitor.example.cn",
        match=lambda *, email, mobile: None,
    )

    assert created is True
    assert Contact.objects.filter(email="shared@visitor.example.cn").count() == 2
    assert contact.name == "shared"


def test_no_address_is_refused_and_nothing_is_written(world: World) -> None:
    contacts = Contact.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        contact_find_or_create(actor=None, via="email", name="无名", email=" ", mobile="")

    assert refused.value.code == "contact.invalid"
    assert Contact.objects.count() == contacts


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_intakes_of_one_new_address_at_once_make_one_contact() -> None:
    assert connection.vendor == "postgresql"
    make_world()

    def intake(i: int) -> int:
        with transaction.atomic():
            contact, _created = contact_find_or_create(
                actor=None, via="email", email="race@visitor.example.cn"
            )
        return contact.pk

    results = run_together(8, intake)

    assert len(set(results)) == 1
    assert Contact.objects.filter(email="race@visitor.example.cn").count() == 1
    assert (
        OutboxEvent.objects.filter(
            event_type="contact.created", payload={"contact": results[0]}
        ).count()
        == 1
    )
