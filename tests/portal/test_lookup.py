"""Progress lookup without an account: one-time codes, attempt limits, rate limits, no leaks."""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongdan.core.errors import DomainError
from gongdan.core.models import OutboxEvent
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.models import LookupCode, Ticket
from gongdan.tickets.services.lookup import (
    MAX_ATTEMPTS,
    lookup_code_request,
    lookup_code_verify,
)

ADDRESS = "customer@customer.test"


def _sent_code() -> str:
    return OutboxEvent.objects.filter(event_type="portal.lookup_code").latest("id").payload["code"]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- services ------------------------------------------------------------------------------------


def test_request_for_a_known_pair_stores_a_hash_and_sends_the_code(world: World, caplog) -> None:
    ticket = world.ticket()

    with caplog.at_level(logging.INFO, logger="gongdan.tickets.services.lookup"):
        result = lookup_code_request(
            number=ticket.number.lower(), address=" Customer@Customer.TEST "
        )

    lookup = LookupCode.objects.get()
    event = OutboxEvent.objects.get(event_type="portal.lookup_code")
    code = event.payload["code"]
    assert result is None
    assert (lookup.ticket, lookup.address, lookup.attempts, lookup.used_at) == (
        ticket,
        ADDRESS,
        0,
        None,
    )
    assert len(code) == 6 and code.isdigit()
    assert code not in lookup.code_hash
    assert len(lookup.code_hash) == 64
    assert (event.payload["ticket"], event.payload["address"]) == (ticket.number, ADDRESS)
    assert timedelta(minutes=14) < lookup.expires_at - timezone.now() <= timedelta(minutes=15)
    assert code not in caplog.text


def test_without_mail_or_sms_the_log_says_the_code_was_not_sent_but_never_shows_it(
    world: World, settings, caplog
) -> None:
    # Given no mail and no SMS channel
    settings.GONGDAN_EMAIL_ENABLED = False
    settings.GONGDAN_SMS_PROVIDER = ""
    ticket = world.ticket()

    # When a code is requested
    with caplog.at_level(logging.DEBUG):
        lookup_code_request(number=ticket.number, address=ADDRESS)

    # Then a redacted warning names the ticket, and no log record holds the code or the address
    code = _sent_code()
    assert code not in caplog.text
    assert ADDRESS not in caplog.text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"Progress lookup code for ticket {ticket.number} to c***@customer.test was not sent: "
        "no mail or SMS channel is configured (the code is not logged)."
    ]


def test_request_for_an_unknown_pair_answers_the_same_and_sends_nothing(world: World) -> None:
    ticket = world.ticket()

    wrong_address = lookup_code_request(
        number=ticket.number, address="other_customer@customer.test"
    )
    wrong_number = lookup_code_request(number="GD-19990101-0001", address=ADDRESS)

    assert (wrong_address, wrong_number) == (None, None)
    assert LookupCode.objects.count() == 0
    assert OutboxEvent.objects.filter(event_type="portal.lookup_code").count() == 0


def test_malformed_address_is_refused(world: World) -> None:
    ticket = world.ticket()

    with pytest.raises(DomainError) as error:
        lookup_code_request(number=ticket.number, address="not an address")

    assert error.value.code == "lookup.invalid"
    assert error.value.fields == {"address": "Enter an email address or a mobile number."}


def test_the_right_code_works_once(world: World) -> None:
    ticket = world.ticket()
    lookup_code_request(number=ticket.number, address=ADDRESS)
    code = _sent_code()

    found = lookup_code_verify(number=ticket.number, address=ADDRESS, code=code)
    with pytest.raises(DomainError) as again:
        lookup_code_verify(number=ticket.number, address=ADDRESS, code=code)

    assert found == ticket
    assert again.value.code == "lookup.invalid_code"
    assert LookupCode.objects.get().used_at is not None


def test_wrong_codes_are_counted_and_lock_the_code_after_the_limit(world: World) -> None:
    ticket = world.ticket()
    lookup_code_request(number=ticket.number, address=ADDRESS)
    code = _sent_code()

    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(DomainError):
            lookup_code_verify(number=ticket.number, address=ADDRESS, code=_wrong(code))
    with pytest.raises(DomainError) as locked:
        lookup_code_verify(number=ticket.number, address=ADDRESS, code=code)

    assert locked.value.code == "lookup.invalid_code"
    lookup = LookupCode.objects.get()
    assert (lookup.attempts, lookup.used_at) == (MAX_ATTEMPTS, None)


def test_an_expired_code_is_refused(world: World) -> None:
    ticket = world.ticket()
    lookup_code_request(number=ticket.number, address=ADDRESS)
    LookupCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(DomainError) as error:
        lookup_code_verify(number=ticket.number, address=ADDRESS, code=_sent_code())

    assert error.value.code == "lookup.invalid_code"
    assert LookupCode.objects.get().used_at is None


def test_a_new_code_replaces_the_previous_one(world: World) -> None:
    ticket = world.ticket()
    lookup_code_request(number=ticket.number, address=ADDRESS)
    first = _sent_code()
    lookup_code_request(number=ticket.number, address=ADDRESS)
    second = _sent_code()

    if first != second:
        with pytest.raises(DomainError):
            lookup_code_verify(number=ticket.number, address=ADDRESS, code=first)
    found = lookup_code_verify(number=ticket.number, address=ADDRESS, code=second)

    assert found == ticket


def test_verifying_an_unknown_pair_fails_like_a_wrong_code(world: World) -> None:
    ticket = world.ticket()
    lookup_code_request(number=ticket.number, address=ADDRESS)

    with pytest.raises(DomainError) as unknown:
        lookup_code_verify(number=ticket.number, address="x@example.com", code="123456")
    with pytest.raises(DomainError) as wrong:
        lookup_code_verify(number=ticket.number, address=ADDRESS, code=_wrong(_sent_code()))

    assert (unknown.value.code, str(unknown.value.message)) == (
        wrong.value.code,
        str(wrong.value.message),
    )


def test_the_mobile_number_that_submitted_the_ticket_works(world: World) -> None:
    contact = world.customer_contact
    contact.mobile = "13800138000"
    contact.save(update_fields=["mobile"])
    ticket = world.ticket()

    lookup_code_request(number=ticket.number, address="138 0013 8000")

    assert (
        lookup_code_verify(number=ticket.number, address="13800138000", code=_sent_code()) == ticket
    )


# --- views ---------------------------------------------------------------------------------------


def _start(client: Client, number: str, address: str = ADDRESS):
    return client.post(reverse("portal:lookup"), {"number": number, "address": address})


def _verify(client: Client, code: str):
    return client.post(reverse("portal:lookup_verify"), {"code": code})


def test_lookup_flow_shows_the_public_timeline_only(world: World, client: Client) -> None:
    ticket = world.ticket(title="打印机坏了")
    services.comment_create(actor=world.agent, ticket=ticket, body="已派工程师上门")
    services.comment_create(
        actor=world.agent, ticket=ticket, body="内部：这个客户很难缠", is_internal=True
    )

    start = _start(client, ticket.number)
    verify = _verify(client, _sent_code())
    page = client.get(reverse("portal:lookup_ticket"))

    assert (start.status_code, start.url) == (302, reverse("portal:lookup_verify"))
    assert (verify.status_code, verify.url) == (302, reverse("portal:lookup_ticket"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["ticket"] == ticket
    assert "已派工程师上门" in html
    assert "内部：这个客户很难缠" not in html
    assert "internal note" not in html
    assert reverse("portal:reply", args=[ticket.number]) not in html


def _page_without_secrets(response, address: str) -> str:
    """The page with the per-session CSRF tokens and the visitor's own address blanked."""
    html = response.content.decode().replace(address, "ADDRESS")
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def test_an_unknown_pair_gets_the_same_response_as_a_known_one(world: World) -> None:
    ticket = world.ticket()
    known, unknown = Client(), Client()

    known_start = _start(known, ticket.number)
    unknown_start = _start(unknown, ticket.number, "nobody@example.com")
    known_page = known.get(reverse("portal:lookup_verify"))
    unknown_page = unknown.get(reverse("portal:lookup_verify"))

    assert (known_start.status_code, known_start.url) == (302, reverse("portal:lookup_verify"))
    assert (unknown_start.status_code, unknown_start.url) == (302, reverse("portal:lookup_verify"))
    assert (known_page.status_code, unknown_page.status_code) == (200, 200)
    assert _page_without_secrets(known_page, ADDRESS) == _page_without_secrets(
        unknown_page, "nobody@example.com"
    )


def test_a_wrong_code_shows_an_error_and_grants_nothing(world: World, client: Client) -> None:
    ticket = world.ticket()
    _start(client, ticket.number)

    response = _verify(client, _wrong(_sent_code()))

    assert response.status_code == 422
    [message] = response.context["form"].errors["code"]
    assert message.startswith("This code is not valid.")
    assert LookupCode.objects.get().attempts == 1
    assert client.get(reverse("portal:lookup_ticket")).url == reverse("portal:lookup")


def test_the_verify_step_needs_a_started_lookup(client: Client, db) -> None:
    response = client.get(reverse("portal:lookup_verify"))

    assert (response.status_code, response.url) == (302, reverse("portal:lookup"))


def test_the_grant_expires(world: World, client: Client) -> None:
    ticket = world.ticket()
    _start(client, ticket.number)
    _verify(client, _sent_code())
    session = client.session
    session["portal_lookup_grant"]["until"] = 0
    session.save()

    response = client.get(reverse("portal:lookup_ticket"))

    assert (response.status_code, response.url) == (302, reverse("portal:lookup"))


def test_the_grant_covers_only_the_verified_ticket(world: World, client: Client) -> None:
    first = world.ticket(title="第一张")
    second = world.ticket(title="第二张")
    _start(client, first.number)
    _verify(client, _sent_code())

    page = client.get(reverse("portal:lookup_ticket"))
    detail = client.get(reverse("portal:detail", args=[second.number]))

    assert page.context["ticket"] == first
    assert "第二张" not in page.content.decode()
    assert detail.status_code == 302  # the portal's ticket pages still need a login


def test_malformed_lookup_input_shows_errors(world: World, client: Client) -> None:
    response = _start(client, "GD-1", "not an address")

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "address": ["Enter an email address or a mobile number."]
    }
    assert LookupCode.objects.count() == 0


def test_too_many_lookups_from_one_ip_get_429(world: World, settings) -> None:
    settings.GONGDAN_PORTAL_LOOKUP_IP_LIMIT = 3
    ticket = world.ticket()
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [
        _start(client, ticket.number, f"guess{i}@example.com").status_code for i in range(4)
    ]
    other_ip = _start(Client(REMOTE_ADDR="203.0.113.8"), ticket.number).status_code

    assert statuses == [302, 302, 302, 429]
    assert other_ip == 302


def test_too_many_tries_for_one_pair_get_429_from_any_ip(world: World, settings) -> None:
    settings.GONGDAN_PORTAL_LOOKUP_PAIR_LIMIT = 2
    ticket = world.ticket()

    statuses = [
        _start(Client(REMOTE_ADDR=f"198.51.100.{i}"), ticket.number).status_code for i in range(3)
    ]
    response = _start(Client(REMOTE_ADDR="198.51.100.99"), ticket.number)

    assert statuses == [302, 302, 429]
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many attempts" in response.content.decode()
    assert LookupCode.objects.count() == 2


def test_code_guessing_is_rate_limited(world: World, settings) -> None:
    settings.GONGDAN_PORTAL_LOOKUP_IP_LIMIT = 4
    ticket = world.ticket()
    client = Client(REMOTE_ADDR="203.0.113.9")
    _start(client, ticket.number)
    wrong = _wrong(_sent_code())

    statuses = [_verify(client, wrong).status_code for _ in range(4)]

    assert statuses == [422, 422, 422, 429]
    assert LookupCode.objects.get().attempts == 3


def test_lookup_pages_render_for_anonymous_visitors(client: Client, db) -> None:
    response = client.get(reverse("portal:lookup"))

    assert response.status_code == 200
    assert Ticket.objects.count() == 0
