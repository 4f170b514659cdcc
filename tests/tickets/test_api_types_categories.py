"""ticket_types_* and categories_*: everyone lists what they may use, administrators create and
change them through the services; nobody else can, and a refused write changes nothing."""

from __future__ import annotations

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.testing import Api, World
from gongdan.tickets.models import Category, TicketType


def _types(caller: object) -> list[str]:
    return [t["code"] for t in caller.get("/ticket-types").json()]  # type: ignore[attr-defined]


# --- lists ---------------------------------------------------------------------------------------
def test_staff_list_every_type_customers_the_active_ones(world: World, api: Api) -> None:
    TicketType.objects.create(code="old", name="旧类型", is_active=False, sort_order=9)

    staff = api.as_(world.agent).get("/ticket-types")
    customer = api.as_(world.customer).get("/ticket-types")

    assert staff.status_code == customer.status_code == 200
    assert [t["code"] for t in staff.json()] == ["incident", "repair", "old"]
    assert [t["code"] for t in customer.json()] == ["incident", "repair"]
    assert staff.json()[0] == {
        "id": world.incident.pk,
        "code": "incident",
        "name": "故障",
        "name_en": "Incident",
        "label": "Incident",
        "description": "",
        "is_onsite": False,
        "is_active": True,
        "sort_order": 1,
        "default_team": {"id": world.it_team.pk, "code": "it", "name": "IT 运维 IT Ops"},
    }
    assert customer.json()[0]["default_team"] is None  # the desk's routing is internal


def test_categories_list_fits_a_type_and_hides_inactive_ones_from_customers(
    world: World, api: Api
) -> None:
    onsite = Category.objects.create(name="上门", name_en="On site", ticket_type=world.repair)
    Category.objects.create(name="停用", is_active=False)

    staff = api.as_(world.agent).get("/categories")
    customer = api.as_(world.customer).get("/categories")
    for_incident = api.as_(world.customer).get(f"/categories?ticket_type={world.incident.pk}")

    assert [c["name"] for c in staff.json()] == ["打印机", "上门", "停用"]
    assert [c["name"] for c in customer.json()] == ["打印机", "上门"]
    assert [c["name"] for c in for_incident.json()] == ["打印机"]
    assert customer.json()[1] == {
        "id": onsite.pk,
        "name": "上门",
        "name_en": "On site",
        "label": "On site",
        "parent": None,
        "ticket_type": world.repair.pk,
        "is_active": True,
        "sort_order": 0,
    }


# --- ticket types: admins write ----------------------------------------------------------------
def test_an_admin_creates_a_type_a_customer_can_then_use(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/ticket-types",
        {"code": "question", "name": " 咨询 ", "name_en": "Question", "default_team": None},
    )
    ticket = api.as_(world.customer).post(
        "/tickets", {"title": "怎么申请 VPN？", "ticket_type": response.json()["id"]}
    )

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["default_team"]) == ("咨询", None)
    assert ticket.status_code == 201
    assert ticket.json()["ticket_type"]["code"] == "question"
    assert AuditEvent.objects.filter(action="ticket_type.created").count() == 1


def test_a_duplicate_type_code_is_a_422_and_nothing_is_written(world: World, api: Api) -> None:
    created = api.as_(world.admin).post("/ticket-types", {"code": "incident", "name": "又一个"})
    renamed = api.as_(world.admin).patch(f"/ticket-types/{world.repair.pk}", {"code": "incident"})

    assert (created.status_code, created.json()["code"]) == (422, "ticket_type.exists")
    assert created.json()["fields"] == {"code": "A ticket type with this code already exists."}
    assert (renamed.status_code, renamed.json()["code"]) == (422, "ticket_type.exists")
    assert TicketType.objects.count() == 2
    assert TicketType.objects.get(pk=world.repair.pk).code == "repair"


def test_an_admin_updates_a_type_and_deactivates_it(world: World, api: Api) -> None:
    response = api.as_(world.admin).patch(
        f"/ticket-types/{world.repair.pk}",
        {"name_en": "On-site repair", "default_team": world.it_team.pk, "is_active": False},
    )

    assert response.status_code == 200
    fresh = TicketType.objects.get(pk=world.repair.pk)
    assert (fresh.name_en, fresh.default_team_id, fresh.is_active) == (
        "On-site repair",
        world.it_team.pk,
        False,
    )
    assert _types(api.as_(world.customer)) == ["incident"]


def test_type_writes_refuse_null_and_unknown_references(world: World, api: Api) -> None:
    null = api.as_(world.admin).patch(f"/ticket-types/{world.repair.pk}", {"name": None})
    team = api.as_(world.admin).post(
        "/ticket-types", {"code": "x", "name": "X", "default_team": 999999}
    )
    missing = api.as_(world.admin).patch("/ticket-types/999999", {"name": "X"})

    assert (null.status_code, null.json()["fields"]) == (
        422,
        {"name": "This field may not be null."},
    )
    assert (team.status_code, team.json()["code"]) == (422, "invalid_reference")
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_type.not_found")


@pytest.mark.parametrize("persona", ["customer", "agent", "supervisor"])
def test_only_admins_create_or_change_types(world: World, api: Api, persona: str) -> None:
    caller = api.as_(getattr(world, persona))

    created = caller.post("/ticket-types", {"code": "sneaky", "name": "偷偷"})
    changed = caller.patch(f"/ticket-types/{world.incident.pk}", {"name": "改了"})
    probe = caller.post("/ticket-types", {"code": "p", "name": "P", "default_team": 999999})

    for response in (created, changed, probe):  # permission first: no id is looked up
        assert (response.status_code, response.json()["code"]) == (403, "permission.admin_only")
    assert TicketType.objects.count() == 2
    assert TicketType.objects.get(pk=world.incident.pk).name == "故障"


# --- categories: admins write ------------------------------------------------------------------
def test_an_admin_creates_and_moves_a_category(world: World, api: Api) -> None:
    hardware = api.as_(world.admin).post("/categories", {"name": "硬件", "name_en": "Hardware"})
    moved = api.as_(world.admin).patch(
        f"/categories/{world.printer.pk}",
        {"parent": hardware.json()["id"], "ticket_type": world.incident.pk},
    )

    assert hardware.status_code == 201
    assert moved.status_code == 200
    assert (moved.json()["parent"], moved.json()["ticket_type"]) == (
        hardware.json()["id"],
        world.incident.pk,
    )
    assert AuditEvent.objects.filter(action__startswith="category.").count() == 2


def test_a_duplicate_category_or_a_cycle_is_a_422_and_nothing_changes(
    world: World, api: Api
) -> None:
    child = Category.objects.create(name="激光", parent=world.printer)

    duplicate = api.as_(world.admin).post("/categories", {"name": "打印机"})
    cycle = api.as_(world.admin).patch(f"/categories/{world.printer.pk}", {"parent": child.pk})
    itself = api.as_(world.admin).patch(
        f"/categories/{world.printer.pk}", {"parent": world.printer.pk}
    )

    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "category.exists")
    assert (cycle.status_code, cycle.json()["code"]) == (422, "category.cycle")
    assert (itself.status_code, itself.json()["code"]) == (422, "category.cycle")
    assert Category.objects.count() == 2
    assert Category.objects.get(pk=world.printer.pk).parent_id is None


@pytest.mark.parametrize("persona", ["customer", "agent", "supervisor"])
def test_only_admins_create_or_change_categories(world: World, api: Api, persona: str) -> None:
    caller = api.as_(getattr(world, persona))

    created = caller.post("/categories", {"name": "偷偷"})
    changed = caller.patch(f"/categories/{world.printer.pk}", {"name": "改了"})

    for response in (created, changed):
        assert (response.status_code, response.json()["code"]) == (403, "permission.admin_only")
    assert list(Category.objects.values_list("name", flat=True)) == ["打印机"]
