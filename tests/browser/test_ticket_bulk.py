"""Bulk actions in a real browser: a supervisor ticks 50 tickets, changes their status and owner,
and the page reports per-ticket results (one ticket refuses: it is resolved). Compact rows show
at least 20 tickets at 1280×800."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongdan.core import events
from gongdan.testing import PASSWORD
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_applies_bulk_status_and_assign_to_50_tickets(
    world, live_server, new_page, shot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The outbox's subscribers (mail, webhooks, notifications) are not what this test is about:
    # in immediate mode they would run after each of the 100 changes, inside the request.
    monkeypatch.setattr(events.on_outbox_commit, "_items", [])
    tickets = [world.ticket(by=world.agent, title=f"批量 {i:02d} printer") for i in range(50)]
    done = tickets[7]
    services.ticket_assign(actor=world.supervisor, ticket=done, assignee=world.agent)
    services.ticket_transition(actor=world.agent, ticket=done, to=Status.RESOLVED)

    page = new_page(locale="en-US")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill("supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/desk/tickets/?view=all&size=50")

    # Compact rows: at least 20 tickets fit on the screen (boxes measured, not screenshots).
    page.get_by_test_id("density-compact").click()
    expect(page.locator(".gd-density-compact")).to_have_count(1)
    visible = page.evaluate(
        """() => Array.from(document.querySelectorAll('#ticket-results tbody tr'))
             .filter(r => { const b = r.getBoundingClientRect();
                            return b.top >= 0 && b.bottom <= window.innerHeight; }).length"""
    )
    assert visible >= 20, visible
    shot(page, "bulk-01-compact-list")

    page.get_by_test_id("select-page").check()
    expect(page.locator("#bulk-count")).to_have_text("50 selected")
    page.get_by_test_id("bulk-action").select_option("status")
    page.get_by_test_id("bulk-to").select_option("in_progress")
    page.get_by_test_id("bulk-apply").click()

    summary = page.get_by_test_id("bulk-summary")
    expect(summary).to_contain_text("49 tickets done, 1 not changed", timeout=90_000)
    failure = page.locator(f'[data-bulk-ticket="{done.number}"]')
    expect(failure).to_contain_text("cannot move from Resolved to In progress")
    expect(failure.get_by_role("link", name=done.number)).to_be_visible()
    shot(page, "bulk-02-status-report")
    statuses = set(Ticket.objects.exclude(pk=done.pk).values_list("status", flat=True))
    assert statuses == {Status.IN_PROGRESS}
    assert Ticket.objects.get(pk=done.pk).status == Status.RESOLVED

    # The list reloaded itself; tick everything again and give it all to the agent.
    expect(page.locator("#ticket-results .gd-row-check:checked")).to_have_count(0)
    page.get_by_test_id("select-page").check()
    page.get_by_test_id("bulk-action").select_option("assign")
    page.get_by_test_id("bulk-assignee").select_option(label="agent")
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("50 tickets done", timeout=90_000)
    assert set(Ticket.objects.values_list("assignee__username", flat=True)) == {"agent"}
