"""Outsiders get nothing: other customers 404, staff go to their workspace, anonymous to login.

Every denied request leaves the ticket exactly as it was.
"""

import pytest
from django.test import Client
from django.urls import reverse

from gongdan.accounts.access import workspace_url
from gongdan.testing import World, upload
from gongdan.tickets.models import Attachment, Comment, Ticket, TimelineEntry
from tests.portal.conftest import resolved_ticket

TICKET_PAGES = [
    ("get", "portal:detail", {}),
    ("post", "portal:reply", {"body": "入侵"}),
    ("post", "portal:confirm", {}),
    ("post", "portal:reopen", {"reason": "入侵"}),
    ("post", "portal:cancel", {"reason": "入侵"}),
]
CUSTOMER_PAGES = [
    ("get", "portal:tickets", None),
    ("get", "portal:new", None),
    ("post", "portal:new", {"title": "x"}),
]


def _snapshot(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.version,
        ticket.updated_at,
        Comment.objects.count(),
        Attachment.objects.count(),
        TimelineEntry.objects.count(),
    )


def _call(client: Client, method: str, name: str, number: str, data: dict):
    url = reverse(name, args=[number])
    if method == "get":
        return client.get(url)
    return client.post(
        url, {**data, "attachments": [upload("x.txt", b"x")]} if name == "portal:reply" else data
    )


@pytest.mark.parametrize(("method", "name", "data"), TICKET_PAGES)
def test_another_customer_gets_404_and_nothing_changes(
    world: World, method: str, name: str, data: dict
) -> None:
    ticket = resolved_ticket(world)
    before = _snapshot(ticket)

    response = _call(world.client_for(world.other_customer), method, name, ticket.number, data)

    assert response.status_code == 404
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("method", "name", "data"), TICKET_PAGES)
def test_an_org_admin_of_another_organization_gets_404(
    world: World, method: str, name: str, data: dict
) -> None:
    ticket = resolved_ticket(world, by=world.other_customer)
    before = _snapshot(ticket)

    response = _call(world.client_for(world.org_admin), method, name, ticket.number, data)

    assert response.status_code == 404
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("method", "name", "data"), TICKET_PAGES)
def test_a_colleague_without_org_admin_rights_gets_404(
    world: World, method: str, name: str, data: dict
) -> None:
    ticket = resolved_ticket(world, by=world.org_admin)
    before = _snapshot(ticket)

    response = _call(world.client_for(world.customer), method, name, ticket.number, data)

    assert response.status_code == 404
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("method", "name", "data"), TICKET_PAGES)
@pytest.mark.parametrize("persona", ["agent", "supervisor", "admin"])
def test_staff_are_sent_to_the_workspace_and_nothing_changes(
    world: World, persona: str, method: str, name: str, data: dict
) -> None:
    ticket = resolved_ticket(world)
    before = _snapshot(ticket)

    response = _call(world.client_for(getattr(world, persona)), method, name, ticket.number, data)

    assert response.status_code == 302
    assert response.url == workspace_url()
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("method", "name", "data"), TICKET_PAGES)
def test_anonymous_visitors_are_sent_to_the_portal_login(
    world: World, client: Client, method: str, name: str, data: dict
) -> None:
    ticket = resolved_ticket(world)
    before = _snapshot(ticket)

    response = _call(client, method, name, ticket.number, data)

    url = reverse(name, args=[ticket.number])
    assert response.status_code == 302
    assert response.url == f"{reverse('portal:login')}?next={url}"
    assert _snapshot(ticket) == before


@pytest.mark.parametrize(("method", "name", "data"), CUSTOMER_PAGES)
def test_customer_only_pages_send_staff_to_the_workspace(
    world: World, method: str, name: str, data: dict | None
) -> None:
    client = world.client_for(world.agent)

    response = getattr(client, method)(reverse(name), data or {})

    assert response.status_code == 302
    assert response.url == workspace_url()
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(("method", "name", "data"), CUSTOMER_PAGES)
def test_customer_only_pages_send_anonymous_visitors_to_login(
    world: World, client: Client, method: str, name: str, data: dict | None
) -> None:
    response = getattr(client, method)(reverse(name), data or {})

    assert response.status_code == 302
    assert response.url == f"{reverse('portal:login')}?next={reverse(name)}"
    assert Ticket.objects.count() == 0


def test_another_customers_list_does_not_show_the_ticket(world: World) -> None:
    ticket = world.ticket(title="机密工单")

    response = world.client_for(world.other_customer).get(reverse("portal:tickets") + "?scope=org")

    assert list(response.context["page"].items) == []
    assert ticket.number not in response.content.decode()


def test_unknown_ticket_number_is_404(world: World) -> None:
    response = world.client_for(world.customer).get(
        reverse("portal:detail", args=["GD-19990101-0001"])
    )

    assert response.status_code == 404


def test_a_watcher_who_is_not_the_requester_may_not_decide(world: World) -> None:
    ticket = resolved_ticket(world)
    from gongdan.tickets import services

    services.watcher_add(actor=world.agent, ticket=ticket, contact=world.other_contact)
    before = _snapshot(ticket)

    response = world.client_for(world.other_customer).post(
        reverse("portal:confirm", args=[ticket.number])
    )

    assert response.status_code == 403
    assert _snapshot(ticket) == before
