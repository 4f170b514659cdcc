"""Nobody finds what they may not see: other customers' tickets, internal notes, other teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongdan.search.selectors import search
from gongdan.tickets import services
from gongdan.tickets.models import Ticket

SECRET = "机密备注"


@pytest.fixture
def tickets(world: Any, live: Callable[[], Any]) -> dict[str, Ticket]:
    with live():
        mine = world.ticket(title="投影仪没有信号", description="会议室投影仪")
    with live():
        theirs = world.ticket(
            by=world.other_customer, title="投影仪坏了", description="环球公司的投影仪"
        )
    with live():
        services.comment_create(
            actor=world.agent, ticket=mine, body=f"{SECRET}：投影仪是供应商的问题", is_internal=True
        )
    with live():
        field = world.ticket(by=world.other_customer, title="投影仪安装", ticket_type=world.repair)
    return {"mine": mine, "theirs": theirs, "field": field}


def _found(user: Any, q: str) -> set[str]:
    return {h.number for h in search(user=user, q=q).hits if h.number}


def test_a_customer_finds_only_their_own_tickets(world: Any, tickets: dict[str, Ticket]) -> None:
    assert _found(world.customer, "投影仪") == {tickets["mine"].number}
    assert _found(world.other_customer, "投影仪") == {
        tickets["theirs"].number,
        tickets["field"].number,
    }


def test_an_org_admin_finds_the_organizations_tickets_only(
    world: Any, tickets: dict[str, Ticket]
) -> None:
    assert _found(world.org_admin, "投影仪") == {tickets["mine"].number}


def test_internal_notes_are_never_found_by_customers(
    world: Any, tickets: dict[str, Ticket]
) -> None:
    assert _found(world.customer, SECRET) == set()
    assert _found(world.customer, "供应商") == set()
    assert all(SECRET not in h.snippet for h in search(user=world.customer, q="投影仪").hits)
    assert _found(world.agent, SECRET) == {tickets["mine"].number}


def test_agents_follow_the_team_policy(world: Any, tickets: dict[str, Ticket]) -> None:
    # The agent is in IT: the field team's ticket is not theirs; the other agent is in Field.
    assert _found(world.agent, "投影仪") == {tickets["mine"].number, tickets["theirs"].number}
    assert _found(world.other_agent, "投影仪安装") == {tickets["field"].number}
    assert _found(world.other_agent, "信号") == set()


def test_customers_cannot_search_people_or_organizations(world: Any) -> None:
    kinds = {h.kind for h in search(user=world.customer, q="customer").hits}

    assert kinds <= {"ticket"}


def test_the_portal_shows_only_visible_public_text(world: Any, tickets: dict[str, Ticket]) -> None:
    client = world.client_for(world.customer)

    page = client.get("/portal/search/", {"q": "投影仪"}).content.decode()
    secret = client.get("/portal/search/", {"q": SECRET}).content.decode()

    assert tickets["mine"].number in page and tickets["theirs"].number not in page
    assert SECRET not in page
    assert tickets["mine"].number not in secret and "gd-search-hits" not in secret


def test_the_workspace_search_is_for_staff_only(world: Any, tickets: dict[str, Ticket]) -> None:
    assert world.client_for(world.customer).get("/desk/search/", {"q": "投影仪"}).status_code == 403
    anonymous = Client().get("/desk/search/", {"q": "投影仪"})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_staff_are_sent_from_the_portal_search_to_the_workspace(world: Any) -> None:
    response = world.client_for(world.agent).get("/portal/search/", {"q": "投影仪"})

    assert response.status_code == 302


def test_the_api_hides_other_customers_and_notes(
    world: Any, api: Any, tickets: dict[str, Ticket]
) -> None:
    mine = api.as_(world.customer).get("/search", data={"q": "投影仪"}).json()
    secret = api.as_(world.customer).get("/search", data={"q": SECRET}).json()
    staff = api.as_(world.agent).get("/search", data={"q": SECRET}).json()

    assert [i["number"] for i in mine["items"]] == [tickets["mine"].number]
    assert secret["items"] == []
    assert [(i["number"], i["in_internal_note"]) for i in staff["items"]] == [
        (tickets["mine"].number, True)
    ]
