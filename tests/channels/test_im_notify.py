"""Per-user notifications through DingTalk work notifications and Feishu app messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gongdan.channels.choices import Vendor
from gongdan.channels.im_notify import send_dingtalk_notification, send_feishu_notification
from gongdan.channels.models import ImApp, ImIdentity
from gongdan.notifications import services as notifications
from gongdan.testing import World
from gongdan.tickets import services as tickets
from tests.channels.conftest import Server
from tests.channels.vendors import FakeDingTalkApi, FakeFeishuApi

DATA = {"number": "GD-20261130-0001", "title": "打印机"}


@pytest.fixture
def dingtalk(world: World, server: Server, settings: Any) -> Iterator[FakeDingTalkApi]:
    fake = FakeDingTalkApi()
    server.responder = fake
    ImApp.objects.create(
        vendor=Vendor.DINGTALK,
        code="dt",
        name="钉钉服务台",
        app_key="dingkey",
        app_secret="dingsecret",
        agent_id=2233,
        api_base_url=server.url,
    )
    ImIdentity.objects.create(user=world.agent, vendor=Vendor.DINGTALK, external_id="manager01")
    settings.GONGDAN_DINGTALK_NOTIFY_APP = "dt"
    notifications.register_channel("dingtalk", send_dingtalk_notification)
    yield fake
    notifications._channels.pop("dingtalk", None)


@pytest.fixture
def feishu(world: World, server: Server, settings: Any) -> Iterator[FakeFeishuApi]:
    fake = FakeFeishuApi()
    server.responder = fake
    ImApp.objects.create(
        vendor=Vendor.FEISHU,
        code="fs",
        name="飞书服务台",
        app_key="cli_a1",
        app_secret="fs-secret",
        api_base_url=server.url,
    )
    ImIdentity.objects.create(user=world.agent, vendor=Vendor.FEISHU, external_id="ou_agent")
    settings.GONGDAN_FEISHU_NOTIFY_APP = "fs"
    notifications.register_channel("feishu", send_feishu_notification)
    yield fake
    notifications._channels.pop("feishu", None)


def test_an_assignment_reaches_the_agent_as_a_dingtalk_work_notification(
    world: World, server: Server, dingtalk: FakeDingTalkApi, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()
    with live():
        tickets.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    sends = [s for s in server.seen if s.path.endswith("asyncsend_v2")]
    assert len(sends) == 1
    body = sends[0].json()
    assert body["userid_list"] == "manager01"
    assert ticket.number in body["msg"]["markdown"]["text"]


def test_dingtalk_token_is_cached_and_refreshed_when_stale(
    world: World, dingtalk: FakeDingTalkApi
) -> None:
    assert send_dingtalk_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    assert send_dingtalk_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    assert dingtalk.issued == 1
    dingtalk.valid = "revoked"
    assert send_dingtalk_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    assert dingtalk.issued == 2


def test_an_assignment_reaches_the_agent_on_feishu(
    world: World, server: Server, feishu: FakeFeishuApi, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()
    with live():
        tickets.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    sends = [s for s in server.seen if s.path == "/open-apis/im/v1/messages"]
    assert len(sends) == 1
    assert sends[0].json()["receive_id"] == "ou_agent"
    assert ticket.number in sends[0].json()["content"]


def test_feishu_token_is_refreshed_when_rejected(world: World, feishu: FakeFeishuApi) -> None:
    assert send_feishu_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    feishu.valid = "revoked"
    assert send_feishu_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)
    assert feishu.issued == 2


def test_a_wrong_app_secret_is_a_failure(world: World, feishu: FakeFeishuApi) -> None:
    from gongdan.channels.http import ChannelError

    ImApp.objects.filter(code="fs").update(app_secret="wrong")
    with pytest.raises(ChannelError, match="10014"):
        send_feishu_notification.call_local(world.agent.pk, "ticket.assigned", None, DATA)


def test_users_without_an_account_are_skipped(
    world: World, server: Server, dingtalk: FakeDingTalkApi
) -> None:
    assert not send_dingtalk_notification.call_local(
        world.other_agent.pk, "ticket.assigned", None, DATA
    )
    assert server.seen == []
