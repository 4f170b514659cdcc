"""An administrator invites a user and creates a team with them in a real browser, in the
workspace's Settings pages, never opening the Django admin."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gongdan.accounts.models import Team, User
from gongdan.testing import PASSWORD


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login name, email or mobile number").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_an_admin_creates_a_user_and_a_team_without_the_django_admin(  # type: ignore[no-untyped-def]
    world, live_server, new_page, shot
) -> None:
    base = live_server.url
    page = new_page(locale="en-US")
    admin_requests: list[str] = []
    page.on("request", lambda r: admin_requests.append(r.url) if "/admin/" in r.url else None)
    _sign_in(page, base, "admin")

    # Users → Invite a user
    page.goto(f"{base}/desk/settings/users/")
    page.get_by_test_id("invite-user").click()
    form = page.get_by_test_id("invite-form")
    form.get_by_label("Email").fill("chen.jing@gongdan.test")
    form.get_by_label("Display name").fill("陈静")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("IT 运维 IT Ops").check()
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_test_id("user-name")).to_contain_text("陈静")
    shot(page, "people-01-user")

    # Teams → New team, with the new user as a member and the supervisor as lead
    page.goto(f"{base}/desk/settings/teams/")
    page.get_by_test_id("new-team").click()
    form = page.get_by_test_id("team-form")
    form.get_by_label("Code").fill("east")
    form.get_by_label("Name", exact=True).fill("华东服务台")
    form.get_by_label("Grouped by").select_option("region")
    form.get_by_label("Group label").fill("华东")
    form.get_by_label("Team lead").select_option(label="supervisor")
    form.get_by_label("陈静").check()
    form.get_by_role("button", name="Create").click()
    expect(page.get_by_text("The team was created.")).to_be_visible()
    page.goto(f"{base}/desk/settings/teams/")
    expect(page.locator('tr[data-team="east"]')).to_contain_text("华东服务台")
    shot(page, "people-02-teams")

    user = User.objects.get(email="chen.jing@gongdan.test")
    team = Team.objects.get(code="east")
    assert (user.role, user.is_active, user.has_usable_password()) == ("agent", True, False)
    assert set(team.members.values_list("username", flat=True)) == {
        "chen.jing@gongdan.test",
        "supervisor",
    }
    assert (team.kind, team.group, team.lead) == ("region", "华东", world.supervisor)
    assert admin_requests == []
