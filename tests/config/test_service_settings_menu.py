"""The service-configuration settings pages are in the Settings menu, for the right roles."""

from __future__ import annotations

from gongdan.core.settings_menu import visible_settings_pages
from gongdan.testing import World

MINE = {"sla_policies", "ticket_types", "categories", "web_forms", "im_apps", "sms"}


def keys(user: object) -> set[str]:
    return {row["page"].key for group in visible_settings_pages(user) for row in group["pages"]}


def test_admins_see_every_page_and_each_opens(world: World) -> None:
    client = world.client_for(world.admin)
    groups = visible_settings_pages(world.admin)

    assert keys(world.admin) >= MINE
    for group in groups:
        for row in group["pages"]:
            if row["page"].key in MINE:
                assert client.get(row["url"]).status_code == 200, row["url"]


def test_supervisors_see_only_the_sla_policies_of_these(world: World) -> None:
    assert keys(world.supervisor) & MINE == {"sla_policies"}
    assert keys(world.agent) & MINE == set()
    assert keys(world.customer) & MINE == set()
