"""Settings → Ticket types and Categories in the workspace (admins; the API's services)."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.audit.models import AuditEvent
from gongdan.testing import World
from gongdan.tickets.models import Category, TicketType

TYPES = "/desk/settings/ticket-types/"
CATEGORIES = "/desk/settings/categories/"


def snapshot() -> list[Any]:
    return [
        list(TicketType.objects.values_list("code", "name", "default_team").order_by("id")),
        list(Category.objects.values_list("name", "parent", "ticket_type").order_by("id")),
    ]


def type_form(**overrides: str) -> dict[str, str]:
    return {
        "code": "complaint",
        "name": "投诉",
        "name_en": "Complaint",
        "description": "",
        "default_team": "",
        "is_active": "on",
        "sort_order": "5",
        **overrides,
    }


def test_an_admin_creates_and_edits_a_type(world: World) -> None:
    client = world.client_for(world.admin)
    assert client.get(f"{TYPES}new/").status_code == 200

    created = client.post(f"{TYPES}new/", type_form(default_team=str(world.field_team.pk)))

    assert created.status_code == 302
    complaint = TicketType.objects.get(code="complaint")
    assert complaint.default_team == world.field_team
    assert AuditEvent.objects.filter(action="ticket_type.created").exists()
    page = client.get(f"{TYPES}{complaint.pk}/")
    assert page.status_code == 200 and f"/desk/assignment/requirements/type/{complaint.pk}/" in (
        page.content.decode()
    )

    edited = client.post(f"{TYPES}{complaint.pk}/", type_form(name="客户投诉", default_team=""))

    assert edited.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.name, complaint.default_team) == ("客户投诉", None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "incident"}, "已有使用此代码的工单类型。"),
        ({"code": "bad code!"}, None),
        ({"sort_order": "-1"}, None),
    ],
)
def test_bad_type_input_is_422_and_nothing_saved(
    world: World, overrides: dict[str, str], message: str | None
) -> None:
    client = world.client_for(world.admin)
    before = snapshot()

    response = client.post(f"{TYPES}new/", type_form(**overrides), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 422
    if message:
        assert message in response.content.decode()
    assert snapshot() == before


def test_an_admin_creates_a_category_and_a_cycle_is_refused(world: World) -> None:
    client = world.client_for(world.admin)
    data = {"name": "墨盒", "name_en": "Ink", "parent": str(world.printer.pk), "sort_order": "0"}

    assert client.post(f"{CATEGORIES}new/", {**data, "is_active": "on"}).status_code == 302
    ink = Category.objects.get(name="墨盒")
    assert ink.parent == world.printer
    before = snapshot()

    cycle = client.post(
        f"{CATEGORIES}{world.printer.pk}/",
        {"name": "打印机", "parent": str(ink.pk), "sort_order": "0"},
    )

    assert cycle.status_code == 422 and snapshot() == before
    duplicate = client.post(f"{CATEGORIES}new/", data)
    assert duplicate.status_code == 422 and snapshot() == before


@pytest.mark.parametrize("who", ["supervisor", "agent", "customer"])
def test_only_admins_open_or_post(world: World, who: str) -> None:
    client = world.client_for(getattr(world, who))
    before = snapshot()

    for url in (TYPES, f"{TYPES}new/", f"{TYPES}{world.incident.pk}/", CATEGORIES):
        assert client.get(url).status_code == 403
    assert client.post(f"{TYPES}{world.incident.pk}/", type_form(code="x")).status_code == 403
    assert client.post(f"{CATEGORIES}new/", {"name": "x", "sort_order": "0"}).status_code == 403
    assert snapshot() == before


def test_the_lists_cost_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        TicketType.objects.create(code=f"t{n}", name=f"T{n}", default_team=world.it_team)
        Category.objects.create(name=f"C{n}", parent=world.printer, ticket_type=world.incident)
    client = world.client_for(world.admin)
    client.get(TYPES)

    with django_assert_max_num_queries(8):
        types = client.get(TYPES)
    with django_assert_max_num_queries(8):
        categories = client.get(CATEGORIES)

    assert types.content.count(b"data-type=") == 8
    assert categories.content.count(b"data-category=") == 7
