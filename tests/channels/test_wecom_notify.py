"""Per-user notifications through a WeCom self-built app (gettoken + message/send)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gongdan.channels.choices import Vendor
from gongdan.channels.models import ImIdentity, WecomApp
from gongdan.channels.wecom.notify import send_wecom_notification
from gongdan.notifications import services as notifications
from gongdan.testing import World
from gongdan.tickets import services as tickets
from tests.channels.conftest import Server
from tests.channels.vendors import FakeWecomApi


@pytest.fixture
def wecom_channel(world: World, server: Server, settings: Any) -> Iterator[FakeWecomApi]:
    fake = FakeWecomApi()
    server.responder = fake
    WecomApp.objects.create(
        code="desk",
        name="服务台",
        corp_id="wwcorp",
        agent_id=1000002,
        secret="app-secret",
        token="t",
        encoding_aes_key="a" * 43,
        api_base_url=server.url,
    )
    ImIdentity.objects.create(user=world.agent, vendor=Vendor.WECOM, external_id="ZhangSan")
    settings.GONGDAN_WECOM_NOTIFY_APP = "desk"
    notifications.register_channel("wecom", send_wecom_notification)
    yield fake
    notifications._channels.pop("wecom", None)


def test_an_assignment_reaches_the_agent_on_wecom(
    world: World, server: Server, wecom_channel: FakeWecomApi, live: Callable[[], Any]
) -> None:
    ticket = world.ticket()
    with live():
        tickets.ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent)

    sends = [s for s in server.seen if s.path == "/cgi-bin/message/send"]
    assert len(sends) == 1
    body = sends[0].json()
    assert body["touser"] == "ZhangSan"
    assert ticket.number in body["markdown"]["content"]


def test_the_token_is_cached_and_fetched_again_when_stale(
    world: World, server: Server, wecom_channel: FakeWecomApi
) -> None:
    data = {"number": "GD-1", "title": "t"}
    assert send_wecom_notification.call_local(world.agent.pk, "ticket.assigned", None, data)
    assert send_wecom_notification.call_local(world.agent.pk, "ticket.assigned", None, data)
    assert wecom_channel.issued == 1

    wecom_channel.valid = "rotated-by-wecom"  # the cached token no longer works
    assert send_wecom_notification.call_local(world.agent.pk, "ticket.assigned", None, data)
    assert wecom_channel.issued == 2
    assert WecomApp.objects.get().access_token == "TOKEN2"


def test_users_without_a_wecom_account_are_skipped(
    world: World, server: Server, wecom_channel: FakeWecomApi
) -> None:
    data = {"number": "GD-1", "title": "t"}
    assert not send_wecom_notification.call_local(
        world.other_agent.pk, "ticket.assigned", None, data
    )
    assert server.seen == []
