"""The ticket page's watchers panel: watch, add by team member / id, remove; outsiders change
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.models import Ticket, TicketWatcher

HTMX = {"HX-Request": "true", "HX-Target": "ticket-workspace"}


def _post(client: Client, ticket: Ticket, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(f"/desk/tickets/{ticket.number}/{path}/", data, **kw)


def _watchers() -> list[tuple[int | None, int | None]]:
    return list(TicketWatcher.objects.order_by("id").values_list("user_id", "contact_id"))


def _snapshot(ticket: Ticket) -> tuple[Any, ...]:
    ticket.refresh_from_db()
    return ticket.version, ticket.timeline.count(), _watchers()


def test_the_panel_lists_the_watchers_and_offers_the_team(world: World) -> None:
    ticket = world.ticket()
    services.watcher_add(actor=world.agent, ticket=ticket, contact=world.org_admin.contact)

    response = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="ticket-watchers"' in html
    assert "org_admin" in html
    assert f'<option value="{world.agent.pk}">agent</option>' in html
    assert f"/desk/tickets/{ticket.number}/watchers/" in html


def test_watch_this_ticket(world: World) -> None:
    ticket = world.ticket()

    response = _post(world.client_for(world.agent), ticket, "watchers", {"me": "1"}, headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-workspace" ')
    assert "You now watch this ticket." in html
    assert "Stop watching" in html
    assert _watchers() == [(world.agent.pk, None)]
    ticket.refresh_from_db()
    assert ticket.version == 2


def test_add_a_team_member_and_a_contact_by_id(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.supervisor)
    contact = world.org_admin.contact

    by_select = _post(client, ticket, "watchers", {"user": world.agent.pk}, headers=HTMX)
    by_id = _post(client, ticket, "watchers", {"contact_id": contact.pk}, headers=HTMX)

    assert (by_select.status_code, by_id.status_code) == (200, 200)
    assert "agent now watches this ticket." in by_select.content.decode()
    assert "org_admin now watches this ticket." in by_id.content.decode()
    assert _watchers() == [(world.agent.pk, None), (None, contact.pk)]


def test_nothing_chosen_or_an_unknown_id_is_a_form_error(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.agent)
    before = _snapshot(ticket)

    empty = _post(client, ticket, "watchers", {}, headers=HTMX)
    unknown = _post(client, ticket, "watchers", {"contact_id": 999999}, headers=HTMX)

    assert (empty.status_code, unknown.status_code) == (422, 422)
    assert "Choose one: yourself, a team member, a user id or a contact id." in (
        empty.content.decode()
    )
    assert "No contact with this id." in unknown.content.decode()
    assert _snapshot(ticket) == before


def test_remove_a_watcher(world: World) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.other_agent)
    assert watcher is not None

    response = _post(
        world.client_for(world.agent), ticket, f"watchers/{watcher.pk}/remove", {}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Watcher removed." in response.content.decode()
    assert _watchers() == []


def test_removing_a_watcher_of_another_ticket_is_a_form_error(world: World) -> None:
    ticket, other = world.ticket(), world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=other, user=world.agent)
    assert watcher is not None
    before = _snapshot(ticket)

    response = _post(
        world.client_for(world.agent), ticket, f"watchers/{watcher.pk}/remove", {}, headers=HTMX
    )

    assert response.status_code == 422
    assert "This ticket has no such watcher." in response.content.decode()
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("who", "status"), [("other_agent", 404), ("customer", 403)])
def test_outsiders_and_customers_change_nothing(world: World, who: str, status: int) -> None:
    ticket = world.ticket()
    watcher = services.watcher_add(actor=world.agent, ticket=ticket, user=world.agent)
    assert watcher is not None
    client = world.client_for(getattr(world, who))
    before = _snapshot(ticket)

    added = _post(client, ticket, "watchers", {"me": "1"}, headers=HTMX)
    removed = _post(client, ticket, f"watchers/{watcher.pk}/remove", {}, headers=HTMX)

    assert (added.status_code, removed.status_code) == (status, status)
    assert _snapshot(ticket) == before
