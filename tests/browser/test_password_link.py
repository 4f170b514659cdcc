"""A customer who wrote in by mail sets a password in a real browser from the mailed link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from gongdan.accounts.models import User
from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import Mailbox
from tests.channels.email.conftest import Smtp
from tests.channels.email.conftest import smtp as smtp_server  # noqa: F401 - a real SMTP server
from tests.channels.email.corpus import MAILBOX, cases

SENDER = "zhang.wei@huaxin.example.cn"


def test_a_customer_from_mail_sets_a_password_and_signs_in(
    world,  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    request: pytest.FixtureRequest,
    settings: Any,
) -> None:
    smtp: Smtp = request.getfixturevalue("smtp_server")
    settings.GONGDAN_EMAIL_ENABLED = True
    mailbox = Mailbox.objects.create(name="Support", address=MAILBOX, team=world.it_team)
    message, _ = receive(cases()[0].raw, mailbox=mailbox)
    assert message.ticket is not None and not User.objects.get(email=SENDER).has_usable_password()
    base = live_server.url
    page = new_page(locale="en-US")

    page.goto(f"{base}/portal/login/")
    page.get_by_role("link", name="Forgot your password, or never had one?").click()
    page.get_by_label("Email").fill(SENDER)
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_test_id("password-link-sent")).to_be_visible()

    mails = [m for m in smtp.to(SENDER) if "/portal/password/reset/" in m.get_content()]
    assert len(mails) == 1
    found = re.search(r"/portal/password/reset/\S+/", mails[0].get_content())
    assert found is not None
    page.goto(f"{base}{found.group(0)}")
    expect(page).to_have_url(re.compile(r"/set-password/$"))  # the token left the address bar
    page.locator("#id_new_password1").fill("Printer-fixed-2026!")
    page.locator("#id_new_password2").fill("Printer-fixed-2026!")
    shot(page, "password-01-choose")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_test_id("password-saved")).to_be_visible()

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email or mobile number").fill(SENDER)
    page.get_by_label("Password").fill("Printer-fixed-2026!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.get_by_text(message.ticket.number)).to_be_visible()
