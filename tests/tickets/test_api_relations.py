"""/api/v1/tickets/{number}/children, /links and /merge."""

from __future__ import annotations

import pytest

from gongdan.testing import Api, World, state
from gongdan.tickets import services
from gongdan.tickets.models import Ticket, TicketLink

# --- tickets_children_create --------------------------------------------------------------------


def test_staff_splits_off_a_child_ticket_for_another_team(world: World, api: Api) -> None:
    parent = world.ticket()

    response = api.as_(world.agent).post(
        f"/tickets/{parent.number}/children",
        {"title": "上门更换硒鼓", "ticket_type": world.repair.pk, "team": world.field_team.pk},
    )

    assert response.status_code == 201
    child = Ticket.objects.get(number=response.json()["number"])
    assert child.parent == parent
    assert child.requester == parent.requester
    assert response.json()["parent"] == parent.number
    assert response.json()["team"]["code"] == "field"


def test_customer_may_not_create_a_child_ticket(world: World, api: Api) -> None:
    parent = world.ticket()
    before = state(parent)

    response = api.as_(world.customer).post(f"/tickets/{parent.number}/children", {"title": "mine"})

    assert response.status_code == 403
    assert state(parent) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_children_create_is_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    parent = world.ticket()
    before = state(parent)

    response = api.as_(getattr(world, outsider)).post(
        f"/tickets/{parent.number}/children", {"title": "child"}
    )

    assert response.status_code == 404
    assert state(parent) == before
    assert Ticket.objects.count() == 1


# --- tickets_link -------------------------------------------------------------------------------


def test_staff_links_two_tickets(world: World, api: Api) -> None:
    ticket, other = world.ticket(), world.ticket()

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/links", {"target": other.number, "kind": "duplicate_of"}
    )

    assert response.status_code == 201
    assert response.json()["source"] == ticket.number
    assert response.json()["target"] == other.number
    assert response.json()["kind"] == "duplicate_of"


def test_linking_twice_or_to_itself_is_422(world: World, api: Api) -> None:
    ticket, other = world.ticket(), world.ticket()
    services.ticket_link(actor=world.agent, ticket=ticket, target=other, kind="related")
    caller = api.as_(world.agent)

    twice = caller.post(f"/tickets/{ticket.number}/links", {"target": other.number})
    itself = caller.post(f"/tickets/{ticket.number}/links", {"target": ticket.number})

    assert (twice.status_code, twice.json()["code"]) == (422, "link.exists")
    assert (itself.status_code, itself.json()["code"]) == (422, "link.self")


def test_link_to_a_ticket_the_agent_cannot_see_is_404(world: World, api: Api) -> None:
    ticket = world.ticket()
    hidden = world.ticket(ticket_type=world.repair)
    before = state(ticket)

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/links", {"target": hidden.number}
    )

    assert response.status_code == 404
    assert state(ticket) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent", "customer"])
def test_link_is_refused_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket, other = world.ticket(), world.ticket()
    before = state(ticket)

    response = api.as_(getattr(world, outsider)).post(
        f"/tickets/{ticket.number}/links", {"target": other.number}
    )

    assert response.status_code == (403 if outsider == "customer" else 404)
    assert state(ticket) == before
    assert TicketLink.objects.count() == 0


# --- tickets_merge ------------------------------------------------------------------------------


def test_staff_merges_a_duplicate(world: World, api: Api) -> None:
    duplicate, target = world.ticket(), world.ticket()
    services.comment_create(actor=world.customer, ticket=duplicate, body="同一个问题")

    response = api.as_(world.agent).post(
        f"/tickets/{duplicate.number}/merge", {"into": target.number}
    )

    assert response.status_code == 200
    assert response.json()["number"] == target.number
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("closed", target)
    assert list(target.comments.values_list("body", flat=True)) == ["同一个问题"]


def test_merge_into_itself_is_422(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.agent).post(f"/tickets/{ticket.number}/merge", {"into": ticket.number})

    assert (response.status_code, response.json()["code"]) == (422, "merge.self")
    assert state(ticket) == before


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent", "customer"])
def test_merge_is_refused_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    duplicate, target = world.ticket(), world.ticket()
    before = (state(duplicate), state(target))

    response = api.as_(getattr(world, outsider)).post(
        f"/tickets/{duplicate.number}/merge", {"into": target.number}
    )

    assert response.status_code == (403 if outsider == "customer" else 404)
    assert (state(duplicate), state(target)) == before


def test_timeline_gives_staff_everything_and_customers_only_public_entries(world) -> None:  # type: ignore[no-untyped-def]
    from gongdan.tickets import services as ticket_services

    ticket = world.ticket()
    ticket_services.comment_create(actor=world.agent, ticket=ticket, body="内部", is_internal=True)
    ticket_services.comment_create(actor=world.agent, ticket=ticket, body="公开回复")
    staff = world.client_for(world.agent).get(f"/api/v1/tickets/{ticket.number}/timeline")
    customer = world.client_for(world.customer).get(f"/api/v1/tickets/{ticket.number}/timeline")
    outsider = world.client_for(world.other_customer).get(
        f"/api/v1/tickets/{ticket.number}/timeline"
    )

    assert [e["kind"] for e in staff.json()["items"]] == [
        "ticket.created",
        "comment.note",
        "comment.reply",
    ]
    assert [(e["kind"], e["text"]) for e in customer.json()["items"]] == [
        ("ticket.created", "created the ticket via Customer portal"),
        ("comment.reply", "replied"),
    ]
    assert (outsider.status_code, outsider.json()["code"]) == (404, "ticket.not_found")
