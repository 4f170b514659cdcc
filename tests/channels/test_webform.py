"""Public web form: page, JSON submission, contacts, honeypot, limits, CORS and framing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gongdan.audit.models import AuditEvent
from gongdan.channels.models import WebForm
from gongdan.customers.models import Contact
from gongdan.testing import World
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Ticket

SITE = "https://www.acme.example"


@pytest.fixture
def webform(world: World) -> WebForm:
    return WebForm.objects.create(
        key="acme-site",
        name="Acme 官网报修",
        team=world.field_team,
        ticket_type=world.repair,
        allowed_origins=f"{SITE}\nhttps://shop.acme.example/",
    )


def submit(body: Any, *, key: str = "acme-site", **headers: str) -> Any:
    return Client().post(
        f"/channels/webform/{key}/submit",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


VALID = {
    "name": "王五",
    "email": "wangwu@visitor.test",
    "title": "空调不制冷",
    "description": "3 楼",
}


def test_submission_creates_ticket_and_contact(webform: WebForm) -> None:
    response = submit(VALID)

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert body["lookup_url"] == "http://testserver/portal/lookup/"
    assert ticket.title == "空调不制冷"
    assert ticket.description == "3 楼"
    assert ticket.channel == Channel.WEBFORM
    assert ticket.team_id == webform.team_id
    assert ticket.ticket_type_id == webform.ticket_type_id
    contact = Contact.objects.get(email="wangwu@visitor.test")
    assert (contact.name, ticket.requester_id) == ("王五", contact.pk)
    assert ticket.created_by == contact.user
    assert contact.user is not None and contact.user.username == "web:wangwu@visitor.test"
    assert not contact.user.has_usable_password()
    event = AuditEvent.objects.get(action="webform.submitted")
    assert event.data == {"form": "acme-site"}


def test_submission_by_known_contact_uses_their_login(world: World, webform: WebForm) -> None:
    contacts = Contact.objects.count()

    response = submit({**VALID, "email": "Customer@Customer.test"})

    assert response.status_code == 201
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.requester == world.customer_contact
    assert ticket.created_by == world.customer
    assert Contact.objects.count() == contacts


def test_known_mobile_number_matches_contact(world: World, webform: WebForm) -> None:
    contact = world.customer_contact
    contact.mobile = "+8613800138000"
    contact.save()

    response = submit({"title": "电话报修", "mobile": "138-0013 8000"})

    assert response.status_code == 201
    assert Ticket.objects.get(number=response.json()["number"]).requester == contact


def test_form_data_is_accepted(webform: WebForm) -> None:
    response = Client().post("/channels/webform/acme-site/submit", data=VALID)

    assert response.status_code == 201
    assert Ticket.objects.filter(number=response.json()["number"]).exists()


def test_honeypot_pretends_success_and_creates_nothing(webform: WebForm) -> None:
    response = submit({**VALID, "website": "http://spam.example"})

    assert response.status_code == 201
    assert response.json()["number"] == ""
    assert Ticket.objects.count() == 0
    assert not Contact.objects.filter(email="wangwu@visitor.test").exists()


def test_bad_input_is_422_with_fields_and_creates_nothing(webform: WebForm) -> None:
    response = submit(
        {"name": "x" * 101, "email": "not-an-address", "mobile": "12ab", "title": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "webform.invalid"
    assert set(body["fields"]) == {"name", "email", "mobile", "title"}
    assert body["fields"]["title"] == "此字段为必填项。"
    assert Ticket.objects.count() == 0
    assert not Contact.objects.filter(name="x" * 101).exists()


def test_no_address_is_422(webform: WebForm) -> None:
    response = submit({"title": "无联系方式"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["fields"] == {"email": "Enter an email address or a mobile number."}


@pytest.mark.parametrize("body", [["a list"], {"title": 5, "email": "a@b.test"}])
def test_malformed_json_is_400(webform: WebForm, body: Any) -> None:
    response = submit(body)

    assert response.status_code == 400
    assert response.json()["code"] == "webform.bad_request"
    assert Ticket.objects.count() == 0


def test_oversized_body_is_413(webform: WebForm) -> None:
    response = submit({**VALID, "description": "长" * 20000})

    assert response.status_code == 413
    assert response.json()["code"] == "webform.too_large"
    assert Ticket.objects.count() == 0


def test_staff_address_is_refused(world: World, webform: WebForm) -> None:
    response = submit({**VALID, "email": "agent@gongdan.test"})

    assert response.status_code == 422
    assert response.json()["code"] == "webform.staff_address"
    assert Ticket.objects.count() == 0


def test_rate_limit_per_address(settings: Any, webform: WebForm) -> None:
    settings.GONGDAN_WEBFORM_ADDRESS_LIMIT = 2

    statuses = [submit(VALID, REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(3)]

    assert statuses == [201, 201, 429]
    assert Ticket.objects.count() == 2


def test_rate_limit_per_ip(settings: Any, webform: WebForm) -> None:
    settings.GONGDAN_WEBFORM_IP_LIMIT = 2

    statuses = [submit({**VALID, "email": f"v{i}@visitor.test"}).status_code for i in range(3)]

    assert statuses == [201, 201, 429]
    assert submit(VALID).json()["code"] == "webform.rate_limited"
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["nope", "inactive"])
def test_unknown_or_inactive_form_is_404(world: World, webform: WebForm, key: str) -> None:
    WebForm.objects.create(key="inactive", name="old", is_active=False)

    assert submit(VALID, key=key).status_code == 404
    assert Client().get(f"/channels/webform/{key}/").status_code == 404
    assert Ticket.objects.count() == 0


def test_cors_preflight_and_post_from_allowed_origin(webform: WebForm) -> None:
    preflight = Client().options(
        "/channels/webform/acme-site/submit",
        HTTP_ORIGIN="https://shop.acme.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    response = submit(VALID, HTTP_ORIGIN=SITE)

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://shop.acme.example"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == SITE


def test_foreign_origin_is_refused(webform: WebForm) -> None:
    preflight = Client().options(
        "/channels/webform/acme-site/submit", HTTP_ORIGIN="https://evil.example"
    )
    response = submit(VALID, HTTP_ORIGIN="https://evil.example")

    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight
    assert response.status_code == 403
    assert response.json()["code"] == "webform.origin_refused"
    assert "Access-Control-Allow-Origin" not in response
    assert Ticket.objects.count() == 0


def test_page_may_be_framed_by_allowed_origins_only(webform: WebForm) -> None:
    response = Client().get("/channels/webform/acme-site/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {SITE} https://shop.acme.example;" in csp + ";"
    assert "X-Frame-Options" not in response
    assert "Acme 官网报修" in response.content.decode()


def test_page_without_origins_stays_same_origin(world: World) -> None:
    WebForm.objects.create(key="plain", name="Plain")

    response = Client().get("/channels/webform/plain/")

    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_page_post_creates_ticket_and_shows_number(webform: WebForm) -> None:
    response = Client().post("/channels/webform/acme-site/", data=VALID)

    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert ticket.number in response.content.decode()


def test_page_post_shows_field_errors(webform: WebForm) -> None:
    response = Client().post(
        "/channels/webform/acme-site/", data={"email": "x@y.test"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_web_form_tickets_have_their_own_channel_in_lists_history_and_sla(
    webform: WebForm, world: World
) -> None:
    from gongdan.sla.models import SlaPolicy

    SlaPolicy.objects.create(
        name="网页表单 4 小时", channels=[Channel.WEBFORM], resolution_minutes=240
    )
    by_form = Ticket.objects.get(number=submit(VALID).json()["number"])
    by_portal = world.ticket(title="门户提交")
    client = world.client_for(world.admin)
    client.cookies["django_language"] = "en"

    listed = client.get("/desk/tickets/", {"view": "all", "channel": "webform"}).content.decode()
    history = client.get(f"/desk/tickets/{by_form.number}/").content.decode()

    assert (by_form.channel, by_portal.channel) == (Channel.WEBFORM, Channel.PORTAL)
    assert by_form.number in listed and by_portal.number not in listed
    assert "created the ticket via Web form" in history
    assert by_form.resolution_due_at is not None and by_portal.resolution_due_at is None
