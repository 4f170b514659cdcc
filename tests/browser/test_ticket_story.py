"""The whole story in a real browser (Debian's Chromium driven by Playwright).

A customer registers and submits a ticket with an attachment in the portal; an agent finds it in
the team's unassigned view, takes it, adds an internal note and a public reply, resolves it; the
customer sees the reply but not the note and rejects the resolution; the agent resolves again; the
customer confirms; the ticket is closed and its timeline shows every step. Screenshots of the main
pages are saved under artifacts/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gongdan.testing import PASSWORD
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket
from tests.channels.email.conftest import Smtp
from tests.channels.email.conftest import smtp as smtp_server  # noqa: F401 - a real SMTP server

NOTE = "内部备注：客户的打印机驱动版本过旧 (internal only)"
REPLY = "您好，已远程更新驱动，请再试一次。Driver updated, please retry."
REASON = "还是打印不出来 Still cannot print"

pytestmark = pytest.mark.django_db(transaction=True)


def _customer_registers_and_submits(page: Page, base: str, shot, smtp: Smtp) -> Ticket:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/portal/register/")
    page.get_by_label("Your name").fill("王小明")
    page.get_by_label("Email").fill("xiaoming@example.cn")
    page.get_by_label("Password").fill("Xiaoming-2026-pw")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("register-sent")).to_be_visible()
    found = re.search(
        r"/portal/register/confirm/\S+/", smtp.to("xiaoming@example.cn")[-1].get_content()
    )
    assert found is not None
    page.goto(f"{base}{found.group(0)}")
    page.get_by_label("The password you chose when you signed up").fill("Xiaoming-2026-pw")
    page.get_by_role("button", name="Open my account").click()
    page.wait_for_url(lambda url: "/register/" not in url)  # confirmed and signed in
    page.goto(f"{base}/portal/tickets/new/")
    page.get_by_label("Type").select_option(label="Incident")
    page.get_by_label("Title").fill("三楼打印机无法打印 Printer on 3F offline")
    page.get_by_label("Description").fill("<script>alert('x')</script> 打印任务一直排队。")
    page.get_by_label("Attachments").set_input_files(
        files=[
            {"name": "错误截图.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n fake"}
        ]
    )
    shot(page, "01-portal-new-ticket")
    page.get_by_role("button", name="Submit").click()
    ticket = Ticket.objects.get(title__startswith="三楼打印机")
    expect(page).to_have_url(re.compile(rf"/portal/tickets/{ticket.number}/$"))
    expect(page.get_by_text("错误截图.png").first).to_be_visible()
    shot(page, "02-portal-ticket-submitted")
    return ticket


def _agent_takes_notes_replies_resolves(page: Page, base: str, ticket: Ticket, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill("agent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on
    page.goto(f"{base}/desk/tickets/?view=unassigned")
    shot(page, "03-desk-unassigned-view")
    page.get_by_role("link", name=ticket.number).first.click()
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{ticket.number}/$"))
    page.get_by_role("button", name="Take it").click()
    expect(page.locator("#ticket-header")).to_contain_text("agent")
    page.get_by_label("Internal note").check()
    page.get_by_label("Message").fill(NOTE)
    page.locator("#ticket-composer").get_by_role("button", name="Send").click()
    expect(page.locator("#ticket-timeline")).to_contain_text(NOTE)
    page.get_by_label("Public reply").check()
    page.get_by_label("Message").fill(REPLY)
    page.locator("#ticket-composer").get_by_role("button", name="Send").click()
    expect(page.locator("#ticket-timeline")).to_contain_text(REPLY)
    _agent_resolves(page)
    shot(page, "04-desk-ticket-resolved")


def _agent_resolves(page: Page) -> None:
    page.locator("#ticket-status").get_by_role("button", name="Resolved", exact=True).click()
    expect(page.locator("#ticket-header")).to_contain_text("Resolved")


def test_customer_and_agent_carry_a_ticket_from_submission_to_close(
    world,
    live_server,
    new_page,
    shot,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
    settings: Any,
) -> None:
    smtp: Smtp = request.getfixturevalue("smtp_server")
    settings.GONGDAN_EMAIL_ENABLED = True
    base = live_server.url
    customer = new_page(locale="en-US")
    agent = new_page(locale="en-US")

    ticket = _customer_registers_and_submits(customer, base, shot, smtp)
    _agent_takes_notes_replies_resolves(agent, base, ticket, shot)

    # The customer sees the reply, never the note, and rejects the resolution.
    customer.reload()
    expect(customer.get_by_text(REPLY)).to_be_visible()
    assert NOTE not in customer.content()
    assert "<script>alert" not in customer.content()  # stored as text, rendered escaped
    expect(customer.get_by_text("<script>alert('x')</script>", exact=False)).to_be_visible()
    shot(customer, "05-portal-sees-reply-not-note")
    customer.get_by_role("button", name="No, reopen it").click()
    customer.get_by_label("Reason").first.fill(REASON)
    customer.get_by_role("button", name="Reopen", exact=True).click()
    expect(customer.get_by_text(REASON)).to_be_visible()

    # The agent resolves again; the customer confirms.
    agent.reload()
    expect(agent.locator("#ticket-header")).to_contain_text("Reopened")
    _agent_resolves(agent)
    customer.reload()
    customer.get_by_role("button", name="Yes, close the ticket").click()
    expect(customer.get_by_text("This ticket is closed", exact=False)).to_be_visible()
    shot(customer, "06-portal-ticket-closed")

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    steps = list(ticket.timeline.order_by("id").values_list("kind", "data__new"))
    assert steps == [
        (TimelineKind.CREATED, None),
        (TimelineKind.ATTACHMENT, None),
        (TimelineKind.ASSIGNED, ticket.assignee_id),
        (TimelineKind.STATUS_CHANGED, Status.ASSIGNED),
        (TimelineKind.NOTE, None),
        (TimelineKind.REPLY, None),
        (TimelineKind.STATUS_CHANGED, Status.RESOLVED),
        (TimelineKind.STATUS_CHANGED, Status.REOPENED),
        (TimelineKind.REPLY, None),
        (TimelineKind.STATUS_CHANGED, Status.RESOLVED),
        (TimelineKind.STATUS_CHANGED, Status.CLOSED),
    ]
    agent.reload()
    timeline = agent.locator("#ticket-timeline")
    for text in (NOTE, REPLY, REASON, "错误截图.png"):
        expect(timeline).to_contain_text(text)
    expect(agent.locator("#ticket-header")).to_contain_text("Closed")
    shot(agent, "07-desk-closed-ticket-timeline")

    # The same page in the default language.
    chinese = new_page(locale="zh-CN")
    chinese.goto(f"{base}/portal/")
    expect(chinese.locator("html")).to_have_attribute("lang", "zh-hans")
    shot(chinese, "08-portal-home-zh")
