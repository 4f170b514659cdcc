"""An administrator sets up an SLA policy (a target and an escalation level) and a ticket type in
the workspace's settings, in a real browser, without the Django admin."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gongdan.sla.models import SlaPolicy
from gongdan.testing import PASSWORD
from gongdan.tickets.models import TicketType


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_an_admin_creates_an_sla_policy_and_a_ticket_type(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    page = new_page(locale="en-US")
    _sign_in(page, base, "admin")

    page.goto(f"{base}/desk/settings/sla-policies/")
    page.get_by_test_id("new-policy").click()
    expect(page).to_have_url(re.compile(r"/desk/settings/sla-policies/new/$"))
    page.get_by_label("Name", exact=True).fill("金牌 Gold")
    page.get_by_label("First response (minutes)").fill("30")
    page.get_by_label("Resolution (minutes)").fill("480")
    page.locator('[name="level-0-after_minutes"]').fill("0")
    page.locator('[name="level-1-after_minutes"]').fill("60")
    page.locator('[name="level-1-notify_supervisors"]').check()
    page.locator('[name="level-1-move_to_team"]').select_option(label=world.field_team.name)
    shot(page, "settings-sla-policy-new")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/desk/settings/sla-policies/$"))
    expect(page.get_by_test_id("sla-policies")).to_contain_text("金牌 Gold")

    policy = SlaPolicy.objects.get(name="金牌 Gold")
    assert (policy.first_response_minutes, policy.resolution_minutes) == (30, 480)
    levels = list(policy.levels.values_list("after_minutes", "notify_supervisors", "move_to_team"))
    assert levels == [(0, False, None), (60, True, world.field_team.pk)]

    page.goto(f"{base}/desk/settings/ticket-types/")
    page.get_by_test_id("new-type").click()
    form = page.get_by_test_id("type-form")
    form.get_by_label("Code").fill("complaint")
    form.get_by_label("Name", exact=True).fill("投诉")
    form.get_by_label("English name").fill("Complaint")
    form.get_by_label("Default team").select_option(label=world.it_team.name)
    form.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-type="complaint"]')).to_contain_text(world.it_team.name)
    shot(page, "settings-ticket-types")

    complaint = TicketType.objects.get(code="complaint")
    assert (complaint.name_en, complaint.default_team) == ("Complaint", world.it_team)
