"""The workspace shell: sidebar, top bar, Settings index, shortcuts overlay, icons."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gongdan.core.settings_menu import visible_settings_pages
from gongdan.testing import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, url: str = "/desk/tickets/") -> str:
    response = _client(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _sidebar(html: str) -> str:
    return html[html.index('id="gd-sidebar"') : html.index("</nav>", html.index('id="gd-sidebar"'))]


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent"])
def test_the_shell_renders_for_every_staff_role(world: World, role: str) -> None:
    html = _page(getattr(world, role))
    sidebar = _sidebar(html)
    for label in ("Tickets", "Views", "Knowledge base", "Calls", "Supervision", "Reports"):
        assert f'<span class="gd-nav-label">{label}</span>' in sidebar
    assert 'class="gd-topbar"' in html and 'role="banner"' in html
    assert 'id="gd-availability"' in html and 'role="search"' in html
    assert 'href="/notifications/"' in html and 'data-testid="user-menu"' in html
    assert 'action="/accounts/language/"' in html and 'data-testid="sign-out"' in html
    assert 'id="gd-shortcuts"' in html  # the ? overlay
    # The current section is marked for assistive technology too.
    assert re.search(
        r'class="gd-nav-link active"[^>]*data-section="tickets"[^>]*aria-current="page"', sidebar
    )


def test_settings_entry_only_for_roles_with_settings_pages(world: World) -> None:
    from gongdan.core.settings_menu import GROUP_DESK, SettingsPage, settings_pages
    from gongdan.core.templatetags import shell

    assert 'data-section="settings"' in _sidebar(_page(world.admin))
    assert 'data-section="settings"' in _sidebar(_page(world.supervisor))
    assert 'data-section="settings"' in _sidebar(_page(world.agent))  # smart assignment
    saved = settings_pages._items
    settings_pages._items = [
        SettingsPage(key="x", group=GROUP_DESK, label="X", url_name="calendars:list")
    ]
    shell.clear_fragments()
    try:
        assert 'data-section="settings"' not in _sidebar(_page(world.agent))
        assert 'data-section="settings"' in _sidebar(_page(world.admin))
    finally:
        settings_pages._items = saved
        shell.clear_fragments()


def test_django_admin_link_only_for_superusers(world: World) -> None:
    assert world.admin.is_superuser
    assert 'href="/admin/"' in _page(world.admin)
    world.supervisor.is_staff = True  # staff flag alone is not enough
    world.supervisor.save(update_fields=["is_staff"])
    assert 'href="/admin/"' not in _page(world.supervisor)
    assert 'href="/admin/"' not in _page(world.agent)


def test_customers_link_only_when_the_page_exists(world: World) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("customers_desk:list")
    except NoReverseMatch:
        assert 'data-section="customers"' not in _page(world.admin)
    else:
        assert 'data-section="customers"' in _page(world.admin)


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("/desk/knowledge/", "knowledge"),
        ("/desk/supervision/", "supervision"),
        ("/desk/reports/", "reports"),
        ("/desk/settings/", "settings"),
        ("/desk/settings/calendars/", "settings"),
        ("/desk/reports/schedules/", "settings"),
        ("/desk/channels/robots/", "settings"),
    ],
)
def test_the_current_section_is_active(world: World, url: str, section: str) -> None:
    sidebar = _sidebar(_page(world.admin, url))
    active = re.findall(r'class="gd-nav-link active"[^>]*data-section="(\w+)"', sidebar)
    assert active == [section]


@pytest.mark.parametrize(
    "url",
    [
        "/notifications/",
        "/accounts/profile/",
        "/accounts/tokens/",
        "/desk/search/?q=x",
        "/desk/knowledge/",
        "/notifications/preferences/",
    ],
)
def test_staff_pages_live_in_the_shell(world: World, url: str) -> None:
    html = _page(world.agent, url)
    assert 'id="gd-sidebar"' in html and 'href="/desk/tickets/"' in html


def test_customers_keep_their_own_pages(world: World) -> None:
    html = _page(world.customer, "/notifications/")
    assert 'id="gd-sidebar"' not in html
    html = _page(world.customer, "/accounts/profile/")
    assert 'id="gd-sidebar"' not in html


# --- Settings index --------------------------------------------------------------------------


def _cards(html: str) -> set[str]:
    return set(re.findall(r'data-testid="settings-([a-z_]+)"', html))


def test_settings_index_lists_the_admins_pages(world: World) -> None:
    cards = _cards(_page(world.admin, "/desk/settings/"))
    assert {
        "calendars",
        "cost_rates",
        "report_schedules",
        "robots",
        "mail_templates",
        "assignment",
        "notification_defaults",
        "mailboxes",
        "webhooks",
    } <= cards


def test_settings_index_for_supervisors_leaves_out_admin_pages(world: World) -> None:
    cards = _cards(_page(world.supervisor, "/desk/settings/"))
    assert {"calendars", "cost_rates", "report_schedules", "assignment"} <= cards
    assert not cards & {
        "robots",
        "mail_templates",
        "mailboxes",
        "webhooks",
        "notification_defaults",
    }
    assert _cards(_page(world.agent, "/desk/settings/")) == {"assignment", "customers"}


def test_settings_index_for_agents_lists_only_staff_pages(world: World) -> None:
    html = _page(world.agent, "/desk/settings/")
    expected = {
        row["page"].key for group in visible_settings_pages(world.agent) for row in group["pages"]
    }
    assert _cards(html) == expected
    assert all(
        "agent" in row["page"].roles
        for g in visible_settings_pages(world.agent)
        for row in g["pages"]
    )
    if not expected:
        assert 'data-testid="no-settings"' in html


def test_settings_index_refuses_customers_and_visitors(world: World) -> None:
    assert _client(world.customer).get("/desk/settings/").status_code == 403
    response = Client().get("/desk/settings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_registered_page_opens_for_the_roles_it_names(world: World) -> None:
    """The menu never offers a page that refuses its reader."""
    for role in ("admin", "supervisor", "agent"):
        user = getattr(world, role)
        client = _client(user)
        for group in visible_settings_pages(user):
            for row in group["pages"]:
                assert client.get(row["url"]).status_code == 200, (role, row["url"])


def test_settings_index_costs_few_queries(world: World, django_assert_max_num_queries: Any) -> None:
    client = _client(world.admin)
    client.get("/desk/settings/")
    with django_assert_max_num_queries(3):  # session, user, the calendars banner
        client.get("/desk/settings/")


# --- Saved views in the sidebar ------------------------------------------------------------


def test_sidebar_views_and_g_v(world: World) -> None:
    from gongdan.tickets.services.saved_views import saved_view_create

    client = _client(world.agent)
    assert client.get("/desk/views/open/")["Location"] == "/desk/tickets/"
    assert "<li>" not in client.get("/desk/views/sidebar/").content.decode()
    saved_view_create(actor=world.agent, name="紧急", query="view=mine&priority=urgent")
    assert client.get("/desk/views/open/")["Location"] == "/desk/tickets/?view=mine&priority=urgent"
    assert "紧急" in client.get("/desk/views/sidebar/").content.decode()
    # Another agent's views are not shown.
    assert "紧急" not in _client(world.other_agent).get("/desk/views/sidebar/").content.decode()
    assert _client(world.customer).get("/desk/views/sidebar/").status_code == 403
    assert _client(world.customer).get("/desk/views/open/").status_code == 403


def test_the_desk_name_reaches_the_sidebar_out_of_band(world: World) -> None:
    """The cached sidebar shows the product's name; the views fragment swaps in the desk's own."""
    from gongdan.accounts.desk import desk_settings_update

    client = _client(world.agent)
    assert 'id="gd-brand"' not in client.get("/desk/views/sidebar/").content.decode()
    desk_settings_update(actor=world.admin, name="华信服务台")
    fragment = client.get("/desk/views/sidebar/").content.decode()
    assert 'id="gd-brand" hx-swap-oob="true"' in fragment
    assert "华信服务台" in fragment
    assert 'id="gd-brand"' in _page(world.agent)


def test_the_shell_adds_no_query_to_a_page(world: World, django_assert_num_queries: Any) -> None:
    """Sidebar, top bar and overlay are rendered without the database (views load by htmx)."""
    client = _client(world.agent)
    client.get("/accounts/tokens/")
    with django_assert_num_queries(3):  # session, user, the tokens
        client.get("/accounts/tokens/")


# --- Shortcuts and icons -------------------------------------------------------------------


def test_shortcut_overlay_lists_translated_shortcuts(world: World) -> None:
    html = _page(world.agent)
    overlay = html[html.index('id="gd-shortcuts"') :]
    for key in ("/", "g t", "g v", "g k", "g n", "?", "j", "k", "r", "n", "a", "s"):
        assert f'data-shortcut-help="{key}"' in overlay
    assert "Go to tickets" in overlay
    client = _client(world.agent)
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/desk/tickets/"})
    zh = client.get("/desk/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "快捷键" in zh and "转到工单" in zh


def test_global_shortcut_targets_are_on_every_shell_page(world: World) -> None:
    html = _page(world.agent, "/notifications/")
    for key in ("/", "g t", "g v", "g k", "g n"):
        assert f'data-shortcut="{key}"' in html


def test_ticket_page_and_list_carry_shortcut_attributes(world: World) -> None:
    ticket = world.ticket()
    html = _page(world.agent, f"/desk/tickets/{ticket.number}/")
    for key in ("r", "n", "s"):
        assert f'data-shortcut="{key}"' in html
    listing = _page(world.agent, "/desk/tickets/?view=all")
    assert f'data-ticket="{ticket.number}"' in listing


def test_icon_sprite_is_small_and_cached(client: Client) -> None:
    from gongdan.core.icons import ICONS, sprite

    body, digest = sprite()
    response = client.get(f"/icons.svg?v={digest}")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"] and len(body) < 20_000
    assert set(re.findall(r'<symbol id="([a-z-]+)"', body.decode())) == ICONS
    assert b"CC BY 4.0" in body  # the licence's attribution travels with the icons
