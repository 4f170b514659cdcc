"""Who owns an address (customers.ownership): a login that signed itself up and never proved its
address captures nothing from any channel; proven logins, staff-made ones and channel logins do;
the data migration marks only the old unchecked sign-ups."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.hashers import make_password

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.services import user_create
from gongdan.audit.services import audit_record
from gongdan.channels.models import WebForm
from gongdan.channels.webform.services import Submission, webform_submit
from gongdan.customers.models import Contact
from gongdan.customers.ownership import address_owner, contact_for_intake_address
from gongdan.customers.services import contact_create
from gongdan.testing import PASSWORD, World

ADDRESS = "victim@huaxin.example.cn"
MOBILE = "13912345678"


def _squatter(*, proven: bool = False) -> tuple[User, Contact]:
    """A login that signed itself up with someone else's address and mobile number."""
    user = user_create(
        actor=None,
        username=ADDRESS,
        role=Role.CUSTOMER,
        password=PASSWORD,
        email=ADDRESS,
        mobile=MOBILE,
    )
    User.objects.filter(pk=user.pk).update(address_proven=proven)
    user.refresh_from_db()
    contact = contact_create(actor=None, name="陌生人", email=ADDRESS, mobile=MOBILE, user=user)
    return user, contact


def test_an_unproven_login_owns_nothing_and_its_contact_captures_nothing(world: World) -> None:
    _squatter()

    assert address_owner(ADDRESS) is None
    assert contact_for_intake_address(ADDRESS.upper()) is None
    assert contact_for_intake_address("+86 139-1234-5678") is None


def test_a_proven_login_owns_its_address_and_mobile(world: World) -> None:
    user, contact = _squatter(proven=True)

    assert address_owner(ADDRESS) == user
    assert contact_for_intake_address(ADDRESS) == contact
    assert contact_for_intake_address(f"0086{MOBILE}") == contact


def test_a_contact_without_login_is_still_found_beside_an_unproven_one(world: World) -> None:
    _squatter()
    made_by_staff = contact_create(actor=world.agent, name="张伟", email=ADDRESS)

    assert contact_for_intake_address(ADDRESS) == made_by_staff


def test_the_owners_contact_comes_before_an_older_one_without_login(world: World) -> None:
    older = contact_create(actor=world.agent, name="电话来的", email=world.customer.email)

    found = contact_for_intake_address(world.customer.email)

    assert found == world.customer_contact and found != older


def test_staff_and_channel_logins_own_their_address(world: World) -> None:
    channel = User.objects.create(
        username=f"mail:{ADDRESS}", email=ADDRESS, password=make_password(None)
    )

    assert address_owner(world.agent.email) == world.agent
    assert address_owner(ADDRESS) == channel


def test_the_web_form_does_not_file_under_an_unproven_login(world: World) -> None:
    squatter, own = _squatter()
    form = WebForm.objects.create(key="site", name="Site", ticket_type=world.incident)

    by_mail = webform_submit(
        form=form, data=Submission(name="张伟", email=ADDRESS, title="打印机坏了")
    )
    by_mobile = webform_submit(
        form=form, data=Submission(name="张伟", mobile=MOBILE, title="网络断了")
    )

    assert by_mail.requester != own and by_mobile.requester != own
    assert by_mail.requester.user != squatter and by_mobile.requester.user != squatter
    squatter.refresh_from_db()
    assert squatter.email == ""  # released to the login made for the real sender


def test_the_data_migration_marks_only_unchecked_self_sign_ups(world: World) -> None:
    signed_up = user_create(
        actor=None,
        username="a@x.example",
        role=Role.CUSTOMER,
        password=PASSWORD,
        email="a@x.example",
    )
    by_mobile = user_create(
        actor=None,
        username="13700000001",
        role=Role.CUSTOMER,
        password=PASSWORD,
        mobile="13700000001",
    )
    staff_made = user_create(
        actor=None,
        username="b@x.example",
        role=Role.CUSTOMER,
        password=PASSWORD,
        email="b@x.example",
    )
    audit_record(actor=world.admin, action="user.created", obj=staff_made)
    channel = User.objects.create(
        username="mail:c@x.example", email="c@x.example", password=make_password(None)
    )
    seeded = user_create(
        actor=None,
        username="d@x.example",
        role=Role.CUSTOMER,
        password=PASSWORD,
        email="d@x.example",
    )
    contact_create(actor=None, name="d", email="d@x.example", organization=world.acme, user=seeded)
    migration = importlib.import_module(
        "gongdan.accounts.migrations.0004_unproven_self_registrations"
    )

    migration.mark_unproven(apps, None)

    unproven = set(User.objects.filter(address_proven=False).values_list("pk", flat=True))
    assert unproven == {signed_up.pk, by_mobile.pk}
    assert {staff_made.pk, channel.pk, seeded.pk, world.customer.pk, world.agent.pk}.isdisjoint(
        unproven
    )
