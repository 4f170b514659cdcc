"""A team lead changes an agent's capacity and skill level in a real browser, and a supervisor
writes a rule with a mistake, reads the message and corrects it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gongdan.accounts.models import AgentProfile, AgentSkill, Skill
from gongdan.accounts.services import user_create
from gongdan.assignment.models import AssignmentRule
from gongdan.testing import PASSWORD


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before moving on


def test_a_lead_sets_capacity_and_a_supervisor_fixes_a_rule(
    world, live_server, new_page, shot
) -> None:  # type: ignore[no-untyped-def]
    lead = user_create(
        actor=None,
        username="lead",
        role="agent",
        password=PASSWORD,
        email="lead@gongdan.test",
        display_name="组长 Lead",
        teams=[world.it_team],
    )
    world.it_team.lead = lead
    world.it_team.save()
    Skill.objects.create(code="vpn", name="VPN 接入")
    base = live_server.url

    page = new_page(locale="en-US")
    _sign_in(page, base, "lead")
    page.goto(f"{base}/desk/tickets/")
    page.get_by_role("link", name="Settings", exact=True).click()  # the sidebar → the index
    page.get_by_test_id("settings-assignment").click()
    expect(page).to_have_url(re.compile(r"/desk/assignment/$"))
    agents = page.get_by_test_id("agents")
    expect(agents).to_contain_text("组长 Lead")
    agents.locator(f'a[href="/desk/assignment/agents/{world.agent.pk}/"]').click()
    expect(page).to_have_url(re.compile(rf"/desk/assignment/agents/{world.agent.pk}/$"))
    form = page.get_by_test_id("agent-form")
    form.get_by_label("Capacity").fill("4")
    form.get_by_label("Availability").select_option("online")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved agent.")).to_be_visible()
    expect(page.get_by_test_id("agent-load")).to_contain_text("0/4")

    url_before = page.url
    skill_form = page.get_by_test_id("agent-skill-form")
    skill_form.get_by_label("Skill", exact=True).select_option("vpn")
    skill_form.get_by_label("Level (1–5)").fill("4")
    skill_form.get_by_role("button", name="Set the level").click()
    expect(page.locator('tr[data-code="vpn"]')).to_contain_text("4/5")
    assert page.url == url_before  # swapped in by htmx
    shot(page, "assignment-01-agent")
    profile = AgentProfile.objects.get(user=world.agent)
    assert (profile.capacity, profile.availability) == (4, "online")
    assert list(AgentSkill.objects.values_list("profile__user__username", "level")) == [
        ("agent", 4)
    ]

    boss = new_page(locale="en-US")
    _sign_in(boss, base, "supervisor")
    boss.goto(f"{base}/desk/assignment/rules/")
    boss.get_by_role("link", name="New rule").click()
    rule = boss.get_by_test_id("rule-form")
    rule.get_by_label("Name").fill("现场 On site")
    rule.get_by_label("Required skills").fill("vpn:3")
    rule.get_by_label("Maximum distance (km)").fill("30")
    rule.get_by_role("button", name="Save").click()
    expect(
        boss.get_by_text("A maximum distance needs the service area's location.")
    ).to_be_visible()
    assert not AssignmentRule.objects.exists()

    rule.get_by_label("Service area latitude").fill("31.23")
    rule.get_by_label("Service area longitude").fill("121.47")
    rule.get_by_role("button", name="Save").click()
    expect(boss).to_have_url(re.compile(r"/desk/assignment/rules/$"))
    expect(boss.get_by_test_id("rules")).to_contain_text("现场 On site")
    shot(boss, "assignment-02-rules")
    saved = AssignmentRule.objects.get()
    assert (saved.max_radius_km, [s.skill.code for s in saved.skills.all()]) == (30, ["vpn"])
