"""Two agents on one ticket, in two browsers: each sees the other's presence, one's change
arrives on the other's page without a reload, and what the other was typing stays.

The test server is a WSGI server (one request at a time), so the pages fall back to polling
(``/desk/live/poll/``): the stream answers 204 there. Waits are on DOM conditions only.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gongdan.testing import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "正在写的回复 — a reply being written"


def _sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_two_agents_see_each_other_and_the_change_arrives_live(
    live_server: Any, new_page: Any, world: World, shot: Any
) -> None:
    ticket = world.ticket()
    url = f"{live_server.url}/desk/tickets/{ticket.number}/"
    agent, supervisor = new_page("en-US"), new_page("en-US")
    _sign_in(agent, live_server.url, "agent")
    _sign_in(supervisor, live_server.url, "supervisor")
    agent.goto(url)
    supervisor.goto(url)
    expect(agent.locator("#gd-live")).to_have_attribute("data-mode", "poll")

    expect(agent.locator("#ticket-presence")).to_contain_text("supervisor is viewing")
    expect(supervisor.locator("#ticket-presence")).to_contain_text("agent is viewing")

    agent.evaluate("window.__notReloaded = true")
    composer = agent.locator("#ticket-composer textarea[name=body]")
    composer.fill(DRAFT)
    composer.focus()
    agent.keyboard.type("!")  # an input event: the agent is replying
    expect(supervisor.locator("#ticket-presence")).to_contain_text("agent is replying")

    supervisor.locator("#ticket-assign").get_by_role("button", name="Take it").click()
    expect(supervisor.locator("#ticket-header")).to_contain_text("supervisor")

    # The agent's page follows without a reload, and the draft is still there.
    expect(agent.locator("#ticket-header")).to_contain_text("supervisor")
    expect(agent.locator("#ticket-timeline")).to_contain_text("supervisor")
    ticket.refresh_from_db()
    expect(agent.locator("#ticket-workspace")).to_have_attribute(
        "data-version", str(ticket.version)
    )
    expect(composer).to_have_value(DRAFT + "!")
    assert agent.evaluate("window.__notReloaded") is True
    shot(agent, "live-presence-and-update")


def test_a_stale_save_explains_who_changed_what_and_applies_again(
    live_server: Any, new_page: Any, world: World
) -> None:
    ticket = world.ticket()
    url = f"{live_server.url}/desk/tickets/{ticket.number}/"
    agent, supervisor = new_page("en-US"), new_page("en-US")
    _sign_in(agent, live_server.url, "agent")
    _sign_in(supervisor, live_server.url, "supervisor")
    agent.goto(url)
    agent.locator("#ticket-status details summary").first.click()
    reason = agent.locator("#ticket-status details textarea").first
    reason.fill("客户要求撤销 duplicate request")  # a half-done change: the live refresh keeps it

    supervisor.goto(url)
    supervisor.locator("#ticket-assign").get_by_role("button", name="Take it").click()
    expect(supervisor.locator("#ticket-header")).to_contain_text("supervisor")
    expect(agent.locator("#ticket-header")).to_contain_text("supervisor")  # arrived live
    expect(reason).to_have_value("客户要求撤销 duplicate request")

    agent.locator("#ticket-status details form button[type=submit]").first.click()
    conflict = agent.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Your change was not saved")
    expect(conflict.get_by_test_id("conflict-changes")).to_contain_text("supervisor")
    assert "version" not in conflict.inner_text().lower()

    conflict.get_by_test_id("conflict-reapply").click()
    expect(agent.get_by_test_id("conflict")).to_have_count(0)
    ticket.refresh_from_db()
    expect(agent.locator("#ticket-header")).to_contain_text(ticket.get_status_display())
