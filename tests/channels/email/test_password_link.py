"""Customers made from inbound mail get a password by mail: ask, read the mail (a real SMTP
server), follow the link, choose a password, sign in. Unknown addresses get the same answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import User
from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import Mailbox
from gongdan.testing import World
from tests.channels.email.conftest import Smtp
from tests.channels.email.corpus import cases

SENDER = "zhang.wei@huaxin.example.cn"
NEW_PASSWORD = "Printer-fixed-2026!"


@pytest.fixture
def mail_on(smtp: Smtp, settings: Any) -> Smtp:
    settings.GONGDAN_EMAIL_ENABLED = True
    return smtp


def _link(smtp: Smtp, address: str) -> str:
    mails = [m for m in smtp.to(address) if "/portal/password/reset/" in m.get_content()]
    assert len(mails) == 1
    found = re.search(r"https?://\S+/portal/password/reset/\S+/", mails[0].get_content())
    assert found is not None
    return found.group(0)


def _without_csrf(page: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"", page)  # a fresh CSRF token per response


def _ask(client: Client, address: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post("/portal/password/reset/", {"email": address})


def test_a_customer_from_mail_sets_a_password_by_mail_and_signs_in(
    mail_on: Smtp, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    message, _ = receive(cases()[0].raw, mailbox=mailbox)
    assert message.ticket is not None
    user = User.objects.get(email=SENDER)
    assert not user.has_usable_password()
    client = Client()

    asked = _ask(client, SENDER.upper(), django_capture_on_commit_callbacks)
    link = _link(mail_on, SENDER)
    opened = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    saved = client.post(
        opened.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    signed_in = Client().post(
        "/portal/login/", {"username": SENDER, "password": NEW_PASSWORD}, follow=True
    )
    again = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)

    assert asked.status_code == 302 and asked["Location"] == "/portal/password/reset/sent/"
    assert opened.status_code == 200 and 'name="new_password1"' in opened.content.decode()
    assert "/set-password/" in opened.redirect_chain[-1][0]  # the token left the address bar
    assert saved.status_code == 302 and saved["Location"] == "/portal/password/done/"
    user.refresh_from_db()
    assert user.has_usable_password() and user.check_password(NEW_PASSWORD)
    assert signed_in.redirect_chain[-1][0] == "/portal/tickets/"
    assert message.ticket.number in signed_in.content.decode()
    assert 'data-testid="invalid-link"' in again.content.decode()  # a link works once


def test_the_answer_is_the_same_for_an_unknown_address_and_nothing_is_sent(
    mail_on: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    known = _ask(Client(), world.customer.email, django_capture_on_commit_callbacks)
    unknown = _ask(Client(), "nobody@nowhere.example", django_capture_on_commit_callbacks)

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    pages = [Client().get(r["Location"]).content for r in (known, unknown)]
    assert _without_csrf(pages[0]) == _without_csrf(pages[1])
    assert len(mail_on.to(world.customer.email)) == 1
    assert mail_on.to("nobody@nowhere.example") == []


def test_the_mail_is_in_the_readers_language(
    mail_on: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.customer.language = "zh-hans"
    world.customer.save(update_fields=["language"])

    _ask(Client(), world.customer.email, django_capture_on_commit_callbacks)

    mail = mail_on.to(world.customer.email)[-1]
    assert mail["Subject"] == "设置您的服务台密码"
    assert "3 天" in mail.get_content()


def test_requests_are_rate_limited_per_address_whether_known_or_not(
    mail_on: Smtp, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGDAN_PASSWORD_RESET_ADDRESS_LIMIT = 2
    for address in (world.customer.email, "nobody@nowhere.example"):
        answers = [
            _ask(Client(), address, django_capture_on_commit_callbacks).status_code
            for _ in range(3)
        ]
        assert answers == [302, 302, 429]
    assert len(mail_on.to(world.customer.email)) == 2


def test_a_bad_address_is_a_field_error(world: World, settings: Any) -> None:
    settings.GONGDAN_EMAIL_ENABLED = True

    response = Client().post("/portal/password/reset/", {"email": "not-an-address"})

    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode()


def test_without_mail_the_page_says_so_and_sends_nothing(
    smtp: Smtp, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGDAN_EMAIL_ENABLED = False

    page = Client().get("/portal/password/reset/")
    _ask(Client(), world.customer.email, django_capture_on_commit_callbacks)

    assert "cannot send mail" in page.content.decode()
    assert smtp.messages == []


def test_a_forged_token_is_refused(world: World) -> None:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.customer.pk))

    response = Client().get(f"/portal/password/reset/{uid}/abc-123/", follow=True)

    assert 'data-testid="invalid-link"' in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()
