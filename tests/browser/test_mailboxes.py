"""An administrator sets up a mailbox in a real browser, an MTA delivers to it with the secret
shown once, and the mail appears under "Received mail" with its new ticket."""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import Page, expect

from gongdan.channels.email.models import Mailbox
from gongdan.testing import PASSWORD
from gongdan.tickets.models import Ticket
from tests.channels.email.corpus import mail


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on


def test_an_admin_sets_up_a_mailbox_and_sees_its_mail(world, live_server, new_page, shot) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    page = new_page(locale="en-US")
    _sign_in(page, base, "admin")

    page.goto(f"{base}/desk/tickets/")
    page.get_by_role("link", name="Settings", exact=True).click()  # the sidebar → the index
    page.get_by_test_id("settings-robots").click()
    expect(page).to_have_url(re.compile(r"/desk/channels/robots/$"))  # each page arrived
    page.get_by_role("link", name="Mailboxes").click()
    expect(page).to_have_url(re.compile(r"/desk/channels/mailboxes/$"))
    page.get_by_role("link", name="New mailbox").click()
    expect(page).to_have_url(re.compile(r"/desk/channels/mailboxes/new/$"))
    page.get_by_label("Name").fill("Support")
    page.get_by_label("Address").fill("support@gongdan.test")
    page.get_by_label("Team").select_option(label=world.it_team.name)
    page.get_by_role("button", name="Save").click()
    secret = page.get_by_test_id("inbound-secret").inner_text().strip()
    shot(page, "mailboxes-01-secret")
    box = Mailbox.objects.get()
    assert len(secret) > 30 and box.team == world.it_team

    request = urllib.request.Request(
        f"{base}/channels/email/inbound/{box.pk}/",
        data=mail(
            sender="王芳 <wang@example.cn>", subject="打印机卡纸", body="三楼打印机卡纸", n=7
        ),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "message/rfc822"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status < 300
    ticket = Ticket.objects.get(title="打印机卡纸")

    page.get_by_role("link", name="Back to the mailbox").click()
    expect(page).to_have_url(re.compile(rf"/desk/channels/mailboxes/{box.pk}/$"))
    page.get_by_role("link", name="Received mail").click()
    expect(page).to_have_url(re.compile(r"/desk/channels/mail/$"))
    page.get_by_label("Status").select_option(label="All")  # submits the filter (app.js)
    expect(page).to_have_url(re.compile(r"status=all"))
    row = page.get_by_test_id("inbound-table").locator("tr", has_text="打印机卡纸")
    expect(row).to_contain_text(ticket.number)
    shot(page, "mailboxes-02-received")
    row.get_by_role("link", name=ticket.number).click()
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{ticket.number}/$"))
