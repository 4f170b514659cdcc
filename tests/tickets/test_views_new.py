"""Creating a ticket on behalf of a customer (a phone call), and finding the caller."""

from __future__ import annotations

from typing import Any

from django.test import Client

from gongdan.customers.models import Contact
from gongdan.testing import World, upload
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Ticket

URL = "/desk/tickets/new/"


def _data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "电脑蓝屏 blue screen",
        "description": "开机就蓝屏",
        "ticket_type": "",
        "priority": "normal",
        "channel": Channel.PHONE,
        **overrides,
    }


def test_the_form_defaults_to_the_phone_channel(world: World) -> None:
    response = world.client_for(world.agent).get(URL)

    assert response.status_code == 200
    assert '<option value="phone" selected>' in response.content.decode()


def test_ticket_for_an_existing_contact(world: World) -> None:
    contact = world.customer_contact

    response = world.client_for(world.agent).post(
        URL, _data(contact=contact.pk, ticket_type=world.incident.pk, attachments=[upload()])
    )

    ticket = Ticket.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/desk/tickets/{ticket.number}/")
    assert (ticket.requester, ticket.organization, ticket.channel, ticket.created_by) == (
        contact,
        world.acme,
        Channel.PHONE,
        world.agent,
    )
    assert (ticket.team, ticket.attachments.count()) == (world.it_team, 1)


def test_ticket_for_a_new_caller_creates_the_contact(world: World) -> None:
    response = world.client_for(world.agent).post(
        URL,
        _data(
            new_name="王小明",
            new_mobile="13800138000",
            new_organization=world.globex.pk,
            ticket_type=world.incident.pk,
        ),
    )

    assert response.status_code == 302
    contact = Contact.objects.get(mobile="13800138000")
    assert (contact.name, contact.organization) == ("王小明", world.globex)
    assert Ticket.objects.get().requester == contact


def test_missing_caller_is_a_form_error(world: World) -> None:
    response = world.client_for(world.agent).post(URL, _data(ticket_type=world.incident.pk))

    assert response.status_code == 422
    html = response.content.decode()
    assert "Pick a contact or enter the caller&#x27;s name." in html
    assert "Enter a mobile number or an email address." in html
    assert Ticket.objects.count() == 0


def test_a_10000_character_title_is_refused_and_nothing_is_created(world: World) -> None:
    response = world.client_for(world.agent).post(
        URL,
        _data(
            title="长" * 10_000,
            new_name="王小明",
            new_mobile="13800138000",
            ticket_type=world.incident.pk,
        ),
    )

    assert response.status_code == 422
    assert "Ensure this value has at most 200 characters (it has 10000)." in (
        response.content.decode()
    )
    assert (Ticket.objects.count(), Contact.objects.filter(mobile="13800138000").count()) == (0, 0)


def test_service_error_rolls_back_the_new_contact(world: World) -> None:
    world.printer.ticket_type = world.incident
    world.printer.save()

    response = world.client_for(world.agent).post(
        URL,
        _data(
            new_name="王小明",
            new_mobile="13800138000",
            ticket_type=world.repair.pk,
            category=world.printer.pk,
        ),
    )

    assert response.status_code == 422
    assert "This category does not belong to the chosen type." in response.content.decode()
    assert (Ticket.objects.count(), Contact.objects.filter(mobile="13800138000").count()) == (0, 0)


def test_html_in_the_title_is_stored_as_text(world: World) -> None:
    world.client_for(world.agent).post(
        URL,
        _data(
            title="<img src=x onerror=alert(1)>",
            contact=world.customer_contact.pk,
            ticket_type=world.incident.pk,
        ),
    )

    ticket = Ticket.objects.get()
    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert ticket.title == "<img src=x onerror=alert(1)>"
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_contact_search_by_name_phone_or_email(world: World) -> None:
    client = world.client_for(world.agent)

    by_name = client.get("/desk/contacts/search/", {"q": "org_ad"}).content.decode()
    by_email = client.get("/desk/contacts/search/", {"q": "other_customer@"}).content.decode()
    too_short = client.get("/desk/contacts/search/", {"q": "o"}).content.decode()

    assert f'value="{world.org_admin.contact.pk}"' in by_name
    assert f'value="{world.customer_contact.pk}"' not in by_name
    assert f'value="{world.other_contact.pk}"' in by_email
    assert 'name="contact"' not in too_short


def test_customer_gets_403_and_nothing_is_created(world: World) -> None:
    client = world.client_for(world.customer)

    page = client.get(URL)
    post = client.post(URL, _data(contact=world.customer_contact.pk, ticket_type=world.incident.pk))
    search = client.get("/desk/contacts/search/", {"q": "other"})

    assert (page.status_code, post.status_code, search.status_code) == (403, 403, 403)
    assert Ticket.objects.count() == 0


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().post(URL, _data(contact=world.customer_contact.pk))
    search = Client().get("/desk/contacts/search/", {"q": "other"})

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/desk/tickets/new/",
    )
    assert search.status_code == 302
    assert Ticket.objects.count() == 0
