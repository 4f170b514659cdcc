"""/desk/channels/robots/: admins configure team robots; URL keys and secrets stay hidden."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongdan.audit.models import AuditEvent
from gongdan.channels.choices import Vendor
from gongdan.channels.models import TeamRobot
from gongdan.testing import World
from tests.channels.conftest import Server
from tests.channels.vendors import dingtalk_robot

SECRET = "SECf00dfeedcafe0123456789abcdef"


def _robot(
    world: World, url: str = "https://oapi.dingtalk.com/robot/send?access_token=tok9876"
) -> TeamRobot:
    return TeamRobot.objects.create(
        team=world.it_team,
        vendor=Vendor.DINGTALK,
        name="IT 值班群",
        webhook_url=url,
        secret=SECRET,
        events=["ticket.created"],
    )


def _rows() -> list[tuple[Any, ...]]:
    return list(
        TeamRobot.objects.order_by("pk").values_list(
            "pk", "team", "vendor", "name", "webhook_url", "secret", "events", "is_active"
        )
    )


def test_admin_creates_a_robot_and_never_sees_its_url_key_or_secret_again(world: World) -> None:
    client = world.client_for(world.admin)
    response = client.post(
        "/desk/channels/robots/new/",
        {
            "team": world.it_team.pk,
            "vendor": "dingtalk",
            "name": "IT 值班群",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=tok9876",
            "secret": SECRET,
            "events": ["ticket.created", "sla.breached"],
            "is_active": "on",
        },
    )
    robot = TeamRobot.objects.get()
    assert response.status_code == 302 and response.url == f"/desk/channels/robots/{robot.pk}/"
    assert (robot.secret, robot.events) == (SECRET, ["ticket.created", "sla.breached"])

    for path in ("/desk/channels/robots/", f"/desk/channels/robots/{robot.pk}/"):
        html = client.get(path).content.decode()
        assert SECRET not in html and "tok9876" not in html
    audit = AuditEvent.objects.filter(action="robot.created").get()
    assert SECRET not in str(audit.data) and "tok9876" not in str(audit.data)


def test_an_edit_with_empty_url_and_secret_keeps_them(world: World) -> None:
    robot = _robot(world)
    world.client_for(world.admin).post(
        f"/desk/channels/robots/{robot.pk}/",
        {"team": world.field_team.pk, "vendor": "dingtalk", "name": "现场群", "events": []},
    )
    robot.refresh_from_db()
    assert (robot.team, robot.name, robot.is_active) == (world.field_team, "现场群", False)
    assert robot.secret == SECRET and robot.webhook_url.endswith("tok9876")


def test_bad_input_is_shown_on_the_form(world: World) -> None:
    response = world.client_for(world.admin).post(
        "/desk/channels/robots/new/",
        {"team": world.it_team.pk, "vendor": "dingtalk", "name": "x", "webhook_url": "ftp://x"},
    )
    assert response.status_code == 200
    assert "webhook URL" in response.content.decode()
    assert not TeamRobot.objects.exists()


def test_the_test_button_posts_a_signed_message(world: World, server: Server) -> None:
    server.responder = dingtalk_robot(SECRET)
    robot = _robot(world, url=f"{server.url}/robot/send?access_token=tok")
    client = world.client_for(world.admin)

    client.post(f"/desk/channels/robots/{robot.pk}/test/")
    assert server.seen[0].json()["msgtype"] == "markdown"
    assert "Test message sent." in client.get(f"/desk/channels/robots/{robot.pk}/").content.decode()

    TeamRobot.objects.filter(pk=robot.pk).update(secret="SEC-wrong-one-entirely")
    client.post(f"/desk/channels/robots/{robot.pk}/test/")
    assert "310000" in client.get(f"/desk/channels/robots/{robot.pk}/").content.decode()


def test_admin_deletes_a_robot(world: World) -> None:
    robot = _robot(world)
    world.client_for(world.admin).post(f"/desk/channels/robots/{robot.pk}/delete/")
    assert not TeamRobot.objects.exists()


@pytest.mark.parametrize("who", ["agent", "supervisor", "customer", "org_admin"])
def test_outsiders_get_403_and_change_nothing(world: World, who: str, server: Server) -> None:
    robot = _robot(world, url=f"{server.url}/robot/send?access_token=tok")
    before = _rows()
    client = world.client_for(getattr(world, who))
    form = {
        "team": world.it_team.pk,
        "vendor": "wecom",
        "name": "x",
        "webhook_url": "https://e.cn/x",
    }

    codes = [
        client.get("/desk/channels/robots/").status_code,
        client.get("/desk/channels/robots/new/").status_code,
        client.get(f"/desk/channels/robots/{robot.pk}/").status_code,
        client.post("/desk/channels/robots/new/", form).status_code,
        client.post(f"/desk/channels/robots/{robot.pk}/", form).status_code,
        client.post(f"/desk/channels/robots/{robot.pk}/test/").status_code,
        client.post(f"/desk/channels/robots/{robot.pk}/delete/").status_code,
    ]

    assert codes == [403] * 7
    assert _rows() == before and server.seen == []


def test_anonymous_visitors_log_in_first_and_unknown_robots_are_404(world: World) -> None:
    response = Client().get("/desk/channels/robots/")
    assert response.status_code == 302 and "/login" in response.url
    assert world.client_for(world.admin).get("/desk/channels/robots/4242/").status_code == 404
