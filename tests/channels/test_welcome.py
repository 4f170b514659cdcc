"""The first-run page: a new install's first administrator lands on it, goes through the desk's
name, the calendar, the first team and ticket type and a mailbox link, and never sees it again;
it can be skipped; other roles and configured desks (demo data, upgrades) never see it."""

from __future__ import annotations

import pytest

from gongdan.accounts.desk import desk_brand
from gongdan.accounts.models import DeskSettings, Team
from gongdan.audit.models import AuditEvent
from gongdan.core import cache
from gongdan.sla.models import BusinessCalendar
from gongdan.testing import World
from gongdan.tickets.models import TicketType


@pytest.fixture
def new_desk(world: World) -> World:
    """The personas' desk as if it were a fresh install (the flag not yet set)."""
    DeskSettings.objects.filter(pk=1).update(welcome_done=False)
    cache.clear_all()
    return world


def test_a_configured_desk_sends_the_admin_to_the_tickets(world: World) -> None:
    response = world.client_for(world.admin).get("/")

    assert response["Location"] == "/desk/tickets/"


def test_the_first_admin_is_guided_through_the_steps(new_desk: World) -> None:
    world = new_desk
    BusinessCalendar.objects.create(name="中国大陆工作日", code="cn", time_zone="Asia/Shanghai")
    client = world.client_for(world.admin)

    home = client.get("/")
    first = client.get(home["Location"])
    name = client.post("/desk/settings/welcome/desk/", {"name": "华信服务台"})
    calendar = client.post(
        "/desk/settings/welcome/calendar/",
        {"calendar": BusinessCalendar.objects.get().pk, "time_zone": "Asia/Urumqi"},
    )
    team = client.post(
        "/desk/settings/welcome/team/", {"name": "华东服务台", "code": "east", "kind": "region"}
    )
    east = Team.objects.get(code="east")
    ticket_type = client.post(
        "/desk/settings/welcome/type/",
        {"name": "网络故障", "code": "network", "default_team": east.pk},
    )
    mailbox = client.get("/desk/settings/welcome/mailbox/")
    finished = client.post("/desk/settings/welcome/finish/")
    again = client.get("/")

    assert home["Location"] == "/desk/settings/welcome/"
    assert first.status_code == 200 and 'data-testid="welcome-form"' in first.content.decode()
    assert [r["Location"] for r in (name, calendar, team, ticket_type)] == [
        "/desk/settings/welcome/calendar/",
        "/desk/settings/welcome/team/",
        "/desk/settings/welcome/type/",
        "/desk/settings/welcome/mailbox/",
    ]
    assert "/desk/channels/mailboxes/new/" in mailbox.content.decode()
    assert finished["Location"] == "/desk/tickets/"
    assert again["Location"] == "/desk/tickets/"
    assert desk_brand().name == "华信服务台"
    cal = BusinessCalendar.objects.get()
    assert (cal.time_zone, cal.is_default) == ("Asia/Urumqi", True)
    assert TicketType.objects.get(code="network").default_team == east
    assert AuditEvent.objects.filter(action="desk.welcome_done", data={"skipped": False}).exists()


def test_the_guide_can_be_skipped_and_is_shown_once(new_desk: World) -> None:
    client = new_desk.client_for(new_desk.admin)

    skipped = client.post("/desk/settings/welcome/finish/", {"skipped": "1"})

    assert skipped["Location"] == "/desk/tickets/"
    assert client.get("/")["Location"] == "/desk/tickets/"
    assert DeskSettings.objects.get(pk=1).welcome_done


def test_a_bad_step_is_a_form_error_and_saves_nothing(new_desk: World) -> None:
    client = new_desk.client_for(new_desk.admin)
    teams = Team.objects.count()

    response = client.post(
        "/desk/settings/welcome/team/", {"name": "重复", "code": "it", "kind": "function"}
    )

    assert response.status_code == 422
    assert Team.objects.count() == teams


@pytest.mark.parametrize("persona", ["supervisor", "agent", "customer"])
def test_only_admins_see_the_guide(new_desk: World, persona: str) -> None:
    client = new_desk.client_for(getattr(new_desk, persona))

    home = client.get("/")
    page = client.get("/desk/settings/welcome/")
    finish = client.post("/desk/settings/welcome/finish/")

    assert home["Location"] != "/desk/settings/welcome/"
    assert (page.status_code, finish.status_code) == (403, 403)
    assert not DeskSettings.objects.get(pk=1).welcome_done


@pytest.mark.usefixtures("empty_db")  # a fresh install: migrated tables, no personas
def test_a_fresh_installs_first_admin_lands_on_the_guide() -> None:
    from django.test import Client

    from gongdan.accounts.services import user_create

    cache.clear_all()
    boss = user_create(actor=None, username="boss", role="admin", password="Fresh-install-2026!")
    client = Client()
    client.force_login(boss)

    assert client.get("/")["Location"] == "/desk/settings/welcome/"
