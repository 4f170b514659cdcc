"""Customers in the workspace (/desk/customers/) and organizations_get/update, contacts_get/update:
staff see, supervisors and administrators edit, customers get 403 (pages) or only their own
(API); bad input is a translated 422 and nothing is saved; the lists cost fixed queries."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Contact, Organization
from gongdan.customers.services import contact_create, organization_create
from gongdan.testing import Api, World


def _counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), OutboxEvent.objects.count()


@pytest.mark.parametrize("persona", ["admin", "supervisor", "agent"])
def test_staff_see_organizations_and_contacts(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))

    orgs = client.get("/desk/customers/")
    contacts = client.get("/desk/customers/", {"tab": "contacts", "q": "customer"})
    org = client.get(f"/desk/customers/organizations/{world.acme.pk}/")
    contact = client.get(f"/desk/customers/contacts/{world.customer_contact.pk}/")

    assert {orgs.status_code, contacts.status_code, org.status_code, contact.status_code} == {200}
    assert 'data-organization="acme"' in orgs.content.decode()
    assert f'data-contact="{world.customer_contact.pk}"' in contacts.content.decode()
    editable = 'data-testid="organization-form"' in org.content.decode()
    assert editable == (persona != "agent")


@pytest.mark.parametrize(
    "path",
    [
        "/desk/customers/",
        "/desk/customers/organizations/{org}/",
        "/desk/customers/contacts/{contact}/",
    ],
)
@pytest.mark.parametrize("persona", ["customer", "org_admin"])
def test_customers_get_403(world: World, persona: str, path: str) -> None:
    url = path.format(org=world.globex.pk, contact=world.other_contact.pk)

    get = world.client_for(getattr(world, persona)).get(url)
    post = world.client_for(getattr(world, persona)).post(url, {"name": "劫持"})

    assert get.status_code == 403
    assert post.status_code == (405 if path == "/desk/customers/" else 403)
    assert Organization.objects.get(pk=world.globex.pk).name != "劫持"


def test_an_agent_cannot_edit(world: World) -> None:
    before = _counts()

    org = world.client_for(world.agent).post(
        f"/desk/customers/organizations/{world.acme.pk}/", {"name": "改掉", "is_active": "on"}
    )
    contact = world.client_for(world.agent).post(
        f"/desk/customers/contacts/{world.customer_contact.pk}/",
        {"name": "改掉", "email": "x@y.cn", "is_org_admin": "on"},
    )

    assert (org.status_code, contact.status_code) == (403, 403)
    assert _counts() == before
    assert world.customer_contact.name != "改掉"


def test_a_supervisor_edits_an_organization_audited(world: World) -> None:
    response = world.client_for(world.supervisor).post(
        f"/desk/customers/organizations/{world.acme.pk}/",
        {"name": "艾克米集团", "tier": "gold", "email_domains": "acme.cn", "is_active": "on"},
    )

    assert response.status_code == 302
    world.acme.refresh_from_db()
    assert (world.acme.name, world.acme.tier) == ("艾克米集团", "gold")
    event = AuditEvent.objects.get(action="organization.updated", object_id=str(world.acme.pk))
    assert event.data == {"fields": ["email_domains", "name", "tier"]}
    assert OutboxEvent.objects.filter(
        event_type="organization.updated", payload={"organization": world.acme.pk}
    ).exists()


def test_a_contact_moves_to_another_organization(world: World) -> None:
    contact = world.customer_contact

    response = world.client_for(world.admin).post(
        f"/desk/customers/contacts/{contact.pk}/",
        {"name": contact.name, "email": contact.email, "organization": world.globex.pk},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.organization_id == world.globex.pk


def test_a_contact_with_another_logins_address_is_refused(world: World) -> None:
    contact = world.customer_contact
    before = _counts()

    response = world.client_for(world.admin).post(
        f"/desk/customers/contacts/{contact.pk}/",
        {"name": "改名", "email": world.agent.email, "organization": world.acme.pk},
    )

    assert response.status_code == 422
    assert "A user with this email address already exists." in response.content.decode()
    contact.refresh_from_db()
    assert contact.name != "改名" and _counts() == before


def test_the_lists_cost_fixed_queries(world: World, django_assert_num_queries: Any) -> None:
    for i in range(10):
        org = organization_create(actor=None, code=f"org{i}", name=f"公司 {i}")
        contact_create(actor=None, name=f"联系人 {i}", email=f"c{i}@x.cn", organization=org)
    client = world.client_for(world.agent)
    client.get("/desk/customers/")

    # session + user, one page of rows (with contact counts / organizations joined)
    with django_assert_num_queries(3):
        orgs = client.get("/desk/customers/")
    with django_assert_num_queries(3):
        contacts = client.get("/desk/customers/", {"tab": "contacts"})

    assert orgs.content.decode().count("data-organization=") == 12
    assert contacts.content.decode().count("data-contact=") >= 10


# --- API -----------------------------------------------------------------------------------------
def test_organizations_get_for_staff_and_own_customer(world: World, api: Api) -> None:
    staff = api.as_(world.agent).get(f"/organizations/{world.globex.pk}")
    own = api.as_(world.customer).get(f"/organizations/{world.acme.pk}")
    other = api.as_(world.customer).get(f"/organizations/{world.globex.pk}")

    assert (staff.status_code, own.status_code, other.status_code) == (200, 200, 404)
    assert staff.json()["code"] == "globex" and "tier" in staff.json()


def test_contacts_get_respects_the_customer_scope(world: World, api: Api) -> None:
    own = api.as_(world.customer).get(f"/contacts/{world.customer_contact.pk}")
    other_org = api.as_(world.customer).get(f"/contacts/{world.other_contact.pk}")
    org_admin = api.as_(world.org_admin).get(f"/contacts/{world.customer_contact.pk}")

    assert (own.status_code, other_org.status_code, org_admin.status_code) == (200, 404, 200)


def test_organizations_update_by_a_supervisor(world: World, api: Api) -> None:
    response = api.as_(world.supervisor).patch(
        f"/organizations/{world.acme.pk}", {"phone": "021-12345678", "tier": "silver"}
    )

    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["tier"]) == ("021-12345678", "silver")


def test_contacts_update_leaves_an_organization_with_0(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch(
        f"/contacts/{world.customer_contact.pk}", {"organization": 0, "name": "张三"}
    )

    assert response.status_code == 200
    assert (response.json()["organization"], response.json()["name"]) == (None, "张三")


def test_contacts_update_without_any_address_is_a_422(world: World, api: Api) -> None:
    contact = Contact.objects.create(name="只有邮箱", email="only@x.cn")
    admin = api.as_(world.admin)
    before = _counts()

    response = admin.patch(f"/contacts/{contact.pk}", {"email": "", "name": "不应保存"})

    assert (response.status_code, response.json()["code"]) == (422, "contact.invalid")
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("只有邮箱", "only@x.cn") and _counts() == before


@pytest.mark.parametrize("persona", ["agent", "customer", "org_admin"])
def test_only_managers_update_customers(world: World, api: Api, persona: str) -> None:
    caller = api.as_(getattr(world, persona))
    before = _counts()

    org = caller.patch(f"/organizations/{world.acme.pk}", {"name": "劫持"})
    contact = caller.patch(f"/contacts/{world.customer_contact.pk}", {"is_org_admin": True})

    assert (org.status_code, contact.status_code) == (403, 403)
    assert _counts() == before
    assert not Contact.objects.get(pk=world.customer_contact.pk).is_org_admin
