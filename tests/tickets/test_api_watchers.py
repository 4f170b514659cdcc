"""/api/v1/tickets/{number}/watchers: list (whoever sees the ticket), add and remove (staff)."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.testing import Api, World, state
from gongdan.tickets import services
from gongdan.tickets.models import Ticket, TicketWatcher


def _delete(api: Api, user: Any, path: str) -> Any:
    caller = api.as_(user)
    return caller.client.delete(f"/api/v1{path}", headers=caller.headers)


def _watchers() -> list[tuple[int | None, int | None]]:
    return list(TicketWatcher.objects.order_by("id").values_list("user_id", "contact_id"))


def test_staff_add_a_user_as_watcher(world: World, api: Api) -> None:
    ticket = world.ticket()

    response = api.as_(world.agent).post(
        f"/tickets/{ticket.number}/watchers", {"user": world.other_agent.pk}
    )

    assert response.status_code == 201
    watcher = TicketWatcher.objects.get()
    assert response.json() == {
        "id": watcher.pk,
        "user": {"id": world.other_agent.pk, "username": "other_agent", "name": "other_agent"},
        "contact": None,
        "name": "other_agent",
    }
    assert state(ticket)["version"] == 2


def test_staff_add_a_contact_and_adding_again_answers_200(world: World, api: Api) -> None:
    ticket = world.ticket()
    contact = world.org_admin.contact
    first = api.as_(world.agent).post(f"/tickets/{ticket.number}/watchers", {"contact": contact.pk})
    before = state(ticket)

    again = api.as_(world.agent).post(f"/tickets/{ticket.number}/watchers", {"contact": contact.pk})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.json()["contact"] == {"id": contact.pk, "name": "org_admin"}
    assert state(ticket) == before
    assert _watchers() == [(None, contact.pk)]


def test_a_body_without_user_or_contact_is_422_and_changes_nothing(world: World, api: Api) -> None:
    ticket = world.ticket()
    before = state(ticket)

    response = api.as_(world.agent).post(f"/tickets/{ticket.number}/watchers", {})

    assert response.status_code == 422
    assert response.json()["code"] == "watcher.invalid"
    assert state(ticket) == before
    assert _watchers() == []


def test_the_requester_lists_the_watchers(world: World, api: Api) -> None:
    ticket = world.ticket()
    services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    services.watcher_add(actor=world.agent, ticket=ticket, contact=world.org_admin.contact)

    response = api.as_(world.customer).get(f"/tickets/{ticket.number}/watchers")

    assert response.status_code == 200
    assert [w["name"] for w in response.json()] == ["agent", "org_admin"]


def test_customers_do_not_see_a_contact_of_another_customer(world: World, api: Api) -> None:
    ticket = world.ticket()
    services.watcher_add(actor=world.agent, ticket=ticket, contact=world.other_contact)

    as_customer = api.as_(world.customer).get(f"/tickets/{ticket.number}/watchers")
    as_staff = api.as_(world.agent).get(f"/tickets/{ticket.number}/watchers")

    assert as_customer.json() == []
    assert [w["name"] for w in as_staff.json()] == ["other_customer"]


def test_staff_remove_a_watcher(world: World, api: Api) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.other_agent)
    assert watcher is not None

    response = _delete(api, world.agent, f"/tickets/{ticket.number}/watchers/{watcher.pk}")

    assert (response.status_code, response.content) == (204, b"")
    assert _watchers() == []
    assert state(ticket)["version"] == 3


def test_removing_a_watcher_of_another_ticket_is_404(world: World, api: Api) -> None:
    ticket, other = world.ticket(), world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=other, user=world.agent)
    assert watcher is not None
    before = (state(ticket), state(other))

    response = _delete(api, world.agent, f"/tickets/{ticket.number}/watchers/{watcher.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "watcher.not_found"
    assert (state(ticket), state(other)) == before
    assert _watchers() == [(world.agent.pk, None)]


def test_customers_may_not_add_or_remove_watchers(world: World, api: Api) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    assert watcher is not None
    before = state(ticket)

    added = api.as_(world.customer).post(
        f"/tickets/{ticket.number}/watchers", {"contact": world.customer_contact.pk}
    )
    removed = _delete(api, world.customer, f"/tickets/{ticket.number}/watchers/{watcher.pk}")

    assert (added.status_code, removed.status_code) == (403, 403)
    assert state(ticket) == before
    assert _watchers() == [(world.agent.pk, None)]


@pytest.mark.parametrize("outsider", ["other_customer", "other_agent"])
def test_watchers_are_404_for_an_outsider(world: World, api: Api, outsider: str) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    assert watcher is not None
    before = state(ticket)
    who = getattr(world, outsider)

    listed = api.as_(who).get(f"/tickets/{ticket.number}/watchers")
    added = api.as_(who).post(f"/tickets/{ticket.number}/watchers", {"user": who.pk})
    removed = _delete(api, who, f"/tickets/{ticket.number}/watchers/{watcher.pk}")

    assert (listed.status_code, added.status_code, removed.status_code) == (404, 404, 404)
    assert state(ticket) == before
    assert _watchers() == [(world.agent.pk, None)]
    assert Ticket.objects.filter(watchers__user=who).count() == 0
