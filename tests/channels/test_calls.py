"""Logging phone calls: page, htmx caller lookup and ``calls_log``, with outsiders."""

from __future__ import annotations

from typing import Any

from gongdan.customers.models import Contact
from gongdan.testing import World
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Comment, Ticket


def _caller(world: World, mobile: str = "+8613800138000") -> Contact:
    contact = world.customer_contact
    contact.mobile = mobile
    contact.save()
    return contact


def test_api_new_ticket_for_known_caller(world: World, api: Any) -> None:
    contact = _caller(world)

    response = api.as_(world.agent).post(
        "/calls",
        {
            "number": "138 0013-8000",
            "title": "电话报修：打印机",
            "body": "来电",
            "ticket_type": world.incident.pk,
        },
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(number=body["ticket"])
    assert (body["kind"], body["contact"]["id"], body["contact_created"]) == (
        "ticket",
        contact.pk,
        False,
    )
    assert body["comment"] is None
    assert ticket.requester == contact
    assert ticket.channel == Channel.PHONE
    assert ticket.created_by == world.agent
    assert ticket.description == "来电"


def test_api_unknown_number_creates_contact(world: World, api: Any) -> None:
    response = api.as_(world.agent).post(
        "/calls", {"number": "+86 139-0000-1111", "name": "新来电", "title": "咨询"}
    )

    assert response.status_code == 201
    contact = Contact.objects.get(mobile="13900001111")
    assert (contact.name, response.json()["contact_created"]) == ("新来电", True)
    assert Ticket.objects.get(number=response.json()["ticket"]).requester == contact


def test_api_note_on_callers_open_ticket(world: World, api: Any) -> None:
    _caller(world)
    ticket = world.ticket()

    response = api.as_(world.agent).post(
        "/calls",
        {"number": "13800138000", "kind": "note", "ticket": ticket.number, "body": "客户来电催促"},
    )

    assert response.status_code == 201
    comment = Comment.objects.get(pk=response.json()["comment"])
    assert (comment.ticket_id, comment.is_internal, comment.channel) == (
        ticket.pk,
        True,
        Channel.PHONE,
    )
    assert comment.body == "客户来电催促"


def test_api_reply_is_public(world: World, api: Any) -> None:
    _caller(world)
    ticket = world.ticket()

    response = api.as_(world.agent).post(
        "/calls",
        {"number": "13800138000", "kind": "reply", "ticket": ticket.number, "body": "已电话答复"},
    )

    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["comment"]).is_internal is False


def test_api_ticket_of_someone_else_is_refused(world: World, api: Any) -> None:
    _caller(world, "13800138000")
    other = world.ticket(by=world.other_customer)

    response = api.as_(world.agent).post(
        "/calls", {"number": "13800138000", "kind": "note", "ticket": other.number, "body": "x"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "call.invalid_ticket"
    assert Comment.objects.count() == 0


def test_api_agent_cannot_log_on_invisible_ticket(world: World, api: Any) -> None:
    _caller(world)
    ticket = world.ticket(ticket_type=world.repair)  # field team's queue: not the IT agent's
    contacts = Contact.objects.count()

    response = api.as_(world.agent).post(
        "/calls", {"number": "13800138000", "kind": "reply", "ticket": ticket.number, "body": "x"}
    )

    assert response.status_code == 404
    assert Comment.objects.count() == 0
    assert Contact.objects.count() == contacts


def test_api_customer_is_403(world: World, api: Any) -> None:
    response = api.as_(world.customer).post("/calls", {"number": "13900001111", "title": "x"})

    assert response.status_code == 403
    assert Ticket.objects.count() == 0
    assert not Contact.objects.filter(mobile="13900001111").exists()


def test_api_bad_number_and_missing_title_create_nothing(world: World, api: Any) -> None:
    bad_number = api.as_(world.agent).post("/calls", {"number": "abc", "title": "x"})
    no_title = api.as_(world.agent).post("/calls", {"number": "13900001111"})

    assert bad_number.status_code == 422
    assert bad_number.json()["fields"] == {"number": "Enter a valid phone number."}
    assert no_title.status_code == 422
    assert Ticket.objects.count() == 0
    assert not Contact.objects.filter(mobile="13900001111").exists()


def test_page_logs_new_ticket(world: World) -> None:
    client = world.client_for(world.agent)

    page = client.get("/desk/calls/new/")
    response = client.post(
        "/desk/calls/new/",
        {
            "number": "13900002222",
            "name": "张三",
            "kind": "ticket",
            "title": "网络断了",
            "priority": "high",
        },
    )

    ticket = Ticket.objects.get()
    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert (ticket.channel, ticket.priority, ticket.requester.name) == (
        Channel.PHONE,
        "high",
        "张三",
    )


def test_caller_lookup_shows_contact_and_open_tickets(world: World) -> None:
    _caller(world)
    ticket = world.ticket()
    hidden = world.ticket(ticket_type=world.repair, title="现场维修单")

    response = world.client_for(world.agent).get(
        "/desk/calls/caller/", {"number": "+86 138 0013 8000"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert world.customer_contact.name in html
    assert ticket.number in html
    assert hidden.number not in html


def test_caller_lookup_unknown_number(world: World) -> None:
    response = world.client_for(world.agent).get("/desk/calls/caller/", {"number": "13700000000"})

    assert "Unknown number" in response.content.decode()


def test_page_shows_error_for_invisible_ticket(world: World) -> None:
    _caller(world)
    ticket = world.ticket(ticket_type=world.repair)

    response = world.client_for(world.agent).post(
        "/desk/calls/new/",
        {
            "number": "13800138000",
            "kind": "note",
            "ticket": ticket.number,
            "body": "x",
            "priority": "normal",
        },
    )

    assert response.status_code == 422
    assert Comment.objects.count() == 0


def test_customers_cannot_open_call_pages(world: World) -> None:
    client = world.client_for(world.customer)

    assert client.get("/desk/calls/new/").status_code == 403
    assert client.get("/desk/calls/caller/", {"number": "138"}).status_code == 403
    assert (
        client.post("/desk/calls/new/", {"number": "13900001111", "title": "x"}).status_code == 403
    )
    assert Ticket.objects.count() == 0
