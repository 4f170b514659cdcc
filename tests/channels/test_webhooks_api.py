"""/api/v1/webhooks and the workspace pages: admins manage, everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.models import User
from gongdan.channels.choices import Vendor
from gongdan.channels.models import TeamRobot, WebhookDelivery, WebhookSubscription
from gongdan.channels.webhooks import services
from gongdan.testing import Api, World
from tests.channels.conftest import Server

SECRET = "whsec_api_0123456789abcdef"


def _sub(world: World, url: str = "https://erp.example.cn/hook") -> WebhookSubscription:
    sub, _ = services.webhook_create(
        actor=world.admin, name="ERP", url=url, event_types=["ticket.created"], secret=SECRET
    )
    return sub


def _snapshot() -> list[tuple[Any, ...]]:
    rows = WebhookSubscription.objects.order_by("pk").values_list(
        "pk", "name", "url", "secret", "event_types", "is_active", "include_internal"
    )
    return [*rows, ("deliveries", WebhookDelivery.objects.count())]


def test_admin_creates_lists_updates_and_deletes(world: World, api: Api) -> None:
    admin = api.as_(world.admin)

    created = admin.post(
        "/webhooks",
        {
            "name": "ERP 同步",
            "url": "https://erp.example.cn/hook",
            "event_types": ["ticket.created"],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 20

    listed = admin.get("/webhooks").json()
    assert [w["name"] for w in listed] == ["ERP 同步"]
    assert listed[0]["secret"].startswith("••••") and body["secret"] not in listed[0]["secret"]

    patched = admin.patch(
        f"/webhooks/{body['id']}", {"event_types": ["sla.breached", "sla.warning"]}
    )
    assert patched.status_code == 200 and patched.json()["event_types"] == [
        "sla.breached",
        "sla.warning",
    ]

    assert admin._send("delete", f"/webhooks/{body['id']}").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_bad_input_is_422_with_fields(world: World, api: Api) -> None:
    response = api.as_(world.admin).post(
        "/webhooks", {"name": "", "url": "ftp://x", "event_types": ["ticket.deleted"]}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "webhook.invalid"
    assert set(response.json()["fields"]) == {"name", "url", "event_types"}
    assert not WebhookSubscription.objects.exists()


def test_unknown_ids_are_404_for_admins(world: World, api: Api) -> None:
    admin = api.as_(world.admin)
    sub = _sub(world)
    assert admin.patch("/webhooks/999999", {"name": "x"}).status_code == 404
    assert admin.get("/webhooks/999999/deliveries").status_code == 404
    assert admin.post(f"/webhooks/{sub.pk}/deliveries/999999/redeliver").status_code == 404


def test_deliveries_log_and_redelivery(
    world: World, api: Api, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = lambda seen: (500, {"error": "down"})
    sub = _sub(world, url=f"{server.url}/hook")
    with live():
        world.ticket()
    admin = api.as_(world.admin)

    log = admin.get(f"/webhooks/{sub.pk}/deliveries").json()
    assert [(d["attempt"], d["status"]) for d in log["items"]] == [(2, "pending"), (1, "failed")]
    assert log["items"][1]["status_code"] == 500

    server.responder = lambda seen: (200, {"ok": True})
    with live():
        again = admin.post(f"/webhooks/{sub.pk}/deliveries/{log['items'][1]['id']}/redeliver")
    assert again.status_code == 202 and again.json()["manual"] is True
    assert WebhookDelivery.objects.get(pk=again.json()["id"]).status == "succeeded"


@pytest.mark.parametrize("who", ["agent", "supervisor", "customer", "org_admin"])
def test_outsiders_can_neither_see_nor_change_webhooks(world: World, api: Api, who: str) -> None:
    sub = _sub(world)
    delivery = WebhookDelivery.objects.create(
        subscription=sub,
        event_id="evt_1",
        event_type="ticket.created",
        body="{}",
        scheduled_at=sub.created_at,
        status="failed",
    )
    before = _snapshot()
    caller = api.as_(getattr(world, who))

    answers = [
        caller.get("/webhooks"),
        caller.post(
            "/webhooks", {"name": "x", "url": "https://a.cn/h", "event_types": ["sla.breached"]}
        ),
        caller.patch(f"/webhooks/{sub.pk}", {"url": "https://evil.example/h"}),
        caller._send("delete", f"/webhooks/{sub.pk}"),
        caller.get(f"/webhooks/{sub.pk}/deliveries"),
        caller.post(f"/webhooks/{sub.pk}/deliveries/{delivery.pk}/redeliver"),
        caller.post(f"/webhooks/{sub.pk}/ping"),
    ]

    assert [a.status_code for a in answers] == [403] * 7
    assert {a.json()["code"] for a in answers} == {"permission.admin_only"}
    assert SECRET not in "".join(a.content.decode() for a in answers)
    assert _snapshot() == before


def test_anonymous_api_callers_get_401(world: World, api: Api) -> None:
    _sub(world)
    assert api.as_(None).get("/webhooks").status_code == 401


# --- workspace pages -----------------------------------------------------------------------------


def test_admin_pages_list_create_edit_ping_and_delete(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = lambda seen: (200, {})
    client = world.client_for(world.admin)
    assert client.get("/desk/channels/webhooks/").status_code == 200

    response = client.post(
        "/desk/channels/webhooks/new/",
        {
            "name": "工单同步",
            "url": f"{server.url}/h",
            "event_types": ["ticket.created"],
            "is_active": "on",
        },
    )
    sub = WebhookSubscription.objects.get()
    assert response.status_code == 302 and response.url == f"/desk/channels/webhooks/{sub.pk}/"

    first = client.get(f"/desk/channels/webhooks/{sub.pk}/")  # the secret, this once
    assert first.status_code == 200 and sub.secret in first.content.decode()
    page = client.get(f"/desk/channels/webhooks/{sub.pk}/")
    assert page.status_code == 200 and sub.secret not in page.content.decode()

    client.post(
        f"/desk/channels/webhooks/{sub.pk}/",
        {"name": "工单同步2", "url": f"{server.url}/h", "event_types": ["sla.breached"]},
    )
    sub.refresh_from_db()
    assert (sub.name, sub.event_types, sub.is_active) == ("工单同步2", ["sla.breached"], False)

    with live():
        client.post(f"/desk/channels/webhooks/{sub.pk}/ping/")
    assert server.seen[0].json()["type"] == "ping"
    assert "ping" in client.get(f"/desk/channels/webhooks/{sub.pk}/").content.decode()

    client.post(f"/desk/channels/webhooks/{sub.pk}/delete/")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("who", ["agent", "supervisor", "customer"])
def test_outsiders_get_403_from_the_pages_and_change_nothing(world: World, who: str) -> None:
    sub = _sub(world)
    before = _snapshot()
    client = world.client_for(getattr(world, who))

    codes = [
        client.get("/desk/channels/webhooks/").status_code,
        client.get("/desk/channels/webhooks/new/").status_code,
        client.get(f"/desk/channels/webhooks/{sub.pk}/").status_code,
        client.post(
            "/desk/channels/webhooks/new/",
            {"name": "x", "url": "https://a.cn/h", "event_types": ["ticket.created"]},
        ).status_code,
        client.post(
            f"/desk/channels/webhooks/{sub.pk}/",
            {"name": "x", "url": "https://evil.example/h", "event_types": ["ticket.created"]},
        ).status_code,
        client.post(f"/desk/channels/webhooks/{sub.pk}/ping/").status_code,
        client.post(f"/desk/channels/webhooks/{sub.pk}/delete/").status_code,
    ]

    assert codes == [403] * 7
    assert _snapshot() == before


def test_anonymous_visitors_are_sent_to_the_login_page(world: World) -> None:
    response = Client().get("/desk/channels/webhooks/")
    assert response.status_code == 302 and "/login" in response.url


def test_an_unknown_subscription_page_is_404(world: World) -> None:
    assert world.client_for(world.admin).get("/desk/channels/webhooks/424242/").status_code == 404


# --- robots and WeCom apps in the Django admin ---------------------------------------------------


def test_robot_secrets_are_never_shown_back(world: World) -> None:
    robot = TeamRobot.objects.create(
        team=world.it_team,
        vendor=Vendor.DINGTALK,
        name="值班群",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
        secret="SECabcdefghijklmnopqrstuvwxyz123456",
        events=["ticket.created"],
    )
    page = world.client_for(world.admin).get(f"/admin/channels/teamrobot/{robot.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert robot.secret not in html and "abcdef123456" not in html


def test_robots_are_read_only_in_the_django_admin(world: World) -> None:
    """Robots are edited on their workspace pages (``channels.services.robot_save``)."""
    robot = TeamRobot.objects.create(
        team=world.it_team,
        vendor=Vendor.FEISHU,
        name="飞书群",
        webhook_url="https://open.feishu.cn/open-apis/bot/v2/hook/keep-me",
        secret="keep-this-secret-please",
        events=["ticket.created"],
    )
    response = world.client_for(world.admin).post(
        f"/admin/channels/teamrobot/{robot.pk}/change/",
        {"team": world.it_team.pk, "vendor": "feishu", "name": "飞书群 2", "is_active": "on"},
    )
    assert response.status_code == 403
    robot.refresh_from_db()
    assert (robot.name, robot.secret) == ("飞书群", "keep-this-secret-please")


@pytest.mark.parametrize("who", ["agent", "supervisor", "customer"])
def test_outsiders_cannot_reach_robot_or_wecom_config(world: World, who: str) -> None:
    robot = TeamRobot.objects.create(
        team=world.it_team, vendor=Vendor.WECOM, name="群", webhook_url="https://q.cn/x?key=k"
    )
    user: User = getattr(world, who)
    client = world.client_for(user)
    for path in (
        "/admin/channels/teamrobot/",
        f"/admin/channels/teamrobot/{robot.pk}/change/",
        "/admin/channels/wecomapp/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response.url
    client.post(f"/admin/channels/teamrobot/{robot.pk}/delete/", {"post": "yes"})
    assert TeamRobot.objects.filter(pk=robot.pk, name="群").exists()


def test_lists_take_a_fixed_number_of_queries(
    world: World, api: Api, django_assert_max_num_queries: Any
) -> None:
    subs = [_sub(world, url=f"https://erp{i}.example.cn/hook") for i in range(3)]
    for i in range(30):
        WebhookDelivery.objects.create(
            subscription=subs[0],
            event_id=f"evt_{i}",
            event_type="ticket.created",
            body="{}",
            scheduled_at=subs[0].created_at,
        )
    admin = api.as_(world.admin)
    admin.get("/webhooks")  # token lookup warmed

    with django_assert_max_num_queries(4):
        assert len(admin.get("/webhooks").json()) == 3
    with django_assert_max_num_queries(5):
        assert len(admin.get(f"/webhooks/{subs[0].pk}/deliveries?size=25").json()["items"]) == 25
    client = world.client_for(world.admin)
    with django_assert_max_num_queries(12):
        assert client.get(f"/desk/channels/webhooks/{subs[0].pk}/").status_code == 200


def test_a_wecom_app_needs_a_valid_encoding_aes_key(world: World) -> None:
    from gongdan.channels.models import WecomApp

    client = world.client_for(world.admin)
    form = {
        "code": "desk",
        "name": "服务台",
        "corp_id": "ww1",
        "token": "tok",
        "encoding_aes_key": "too-short",
        "api_base_url": "https://qyapi.weixin.qq.com",
        "is_active": "on",
    }
    refused = client.post("/admin/channels/wecomapp/add/", form)
    assert refused.status_code == 200 and not WecomApp.objects.exists()

    form["encoding_aes_key"] = "A" * 43
    assert client.post("/admin/channels/wecomapp/add/", form).status_code == 302
    page = client.get(f"/admin/channels/wecomapp/{WecomApp.objects.get().pk}/change/")
    assert "A" * 43 not in page.content.decode()
