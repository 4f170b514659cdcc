"""Team group robots: signatures as each vendor documents them, team events, retries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from huey.contrib.djhuey import HUEY

from gongdan.channels.choices import RobotEvent, Vendor
from gongdan.channels.http import ChannelError
from gongdan.channels.models import TeamRobot
from gongdan.channels.robots import robot_test
from gongdan.core.events import emit
from gongdan.jobs.models import FailedTask
from gongdan.testing import World
from tests.channels.conftest import Server
from tests.channels.vendors import dingtalk_robot, feishu_bot, wecom_robot

SECRET = "SEC0123456789abcdef0123456789abcdef"


def _robot(world: World, server: Server, vendor: str, **kw: Any) -> TeamRobot:
    defaults: dict[str, Any] = {
        "team": world.it_team,
        "vendor": vendor,
        "name": f"{vendor} 值班群",
        "webhook_url": f"{server.url}/robot/send?access_token=tok",
        "secret": SECRET,
        "events": [RobotEvent.TICKET_CREATED, RobotEvent.SLA_BREACHED],
    }
    return TeamRobot.objects.create(**{**defaults, **kw})


def test_dingtalk_robot_signs_as_documented(world: World, server: Server) -> None:
    server.responder = dingtalk_robot(SECRET)
    robot = _robot(world, server, Vendor.DINGTALK)

    robot_test(robot)

    seen = server.seen[0]
    assert seen.path == "/robot/send" and seen.query["access_token"] == "tok"
    assert seen.json()["msgtype"] == "markdown"
    robot.refresh_from_db()
    assert robot.last_error == "" and robot.last_sent_at is not None


def test_dingtalk_refusal_is_a_failure(world: World, server: Server) -> None:
    server.responder = dingtalk_robot("SEC-another-secret-entirely")
    robot = _robot(world, server, Vendor.DINGTALK)

    with pytest.raises(ChannelError, match="310000"):
        robot_test(robot)

    robot.refresh_from_db()
    assert "310000" in robot.last_error and robot.last_sent_at is None


def test_feishu_bot_signs_as_documented(world: World, server: Server) -> None:
    server.responder = feishu_bot(SECRET)
    robot = _robot(
        world, server, Vendor.FEISHU, webhook_url=f"{server.url}/open-apis/bot/v2/hook/x"
    )

    robot_test(robot)

    body = server.seen[0].json()
    assert body["msg_type"] == "interactive" and body["card"]["elements"][0]["tag"] == "markdown"


def test_feishu_refusal_is_a_failure(world: World, server: Server) -> None:
    server.responder = feishu_bot(SECRET)
    robot = _robot(world, server, Vendor.FEISHU, secret="a-wrong-secret-for-this-bot")

    with pytest.raises(ChannelError, match="19021"):
        robot_test(robot)


def test_wecom_robot_posts_markdown_with_the_key_in_the_url(world: World, server: Server) -> None:
    server.responder = wecom_robot("k-693a91f6")
    robot = _robot(
        world, server, Vendor.WECOM, webhook_url=f"{server.url}/cgi-bin/webhook/send?key=k-693a91f6"
    )
    robot_test(robot)
    assert server.seen[0].json()["msgtype"] == "markdown"

    robot.webhook_url = f"{server.url}/cgi-bin/webhook/send?key=wrong"
    with pytest.raises(ChannelError, match="93000"):
        robot_test(robot)


def test_a_ticket_created_in_the_team_is_posted_with_a_link(
    world: World, server: Server, live: Callable[[], Any], settings: Any
) -> None:
    settings.SITE_URL = "https://desk.example.cn"
    server.responder = dingtalk_robot(SECRET)
    _robot(world, server, Vendor.DINGTALK)
    _robot(world, server, Vendor.DINGTALK, team=world.field_team, name="现场群")
    _robot(world, server, Vendor.DINGTALK, name="只看违约", events=[RobotEvent.SLA_BREACHED])

    with live():
        ticket = world.ticket()  # incident → IT team

    assert len(server.seen) == 1
    text = server.seen[0].json()["markdown"]["text"]
    assert ticket.number in text
    assert f"https://desk.example.cn/desk/tickets/{ticket.number}/" in text


def test_sla_breach_reaches_the_team_robot(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = feishu_bot(SECRET)
    _robot(world, server, Vendor.FEISHU, events=[RobotEvent.SLA_BREACHED])
    ticket = world.ticket()

    with live(), transaction.atomic():
        emit("sla.breached", ticket=ticket.number, target="resolution")

    assert len(server.seen) == 1
    assert ticket.number in server.seen[0].json()["card"]["header"]["title"]["content"]


def test_a_failing_post_is_retried_with_backoff_then_kept_as_a_failed_task(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = dingtalk_robot("SEC-not-the-robot-secret")
    _robot(world, server, Vendor.DINGTALK)
    with live():
        world.ticket()
    assert len(server.seen) == 1

    delays = []
    for _ in range(10):
        due = HUEY.scheduled()
        if not due:
            break
        HUEY.storage.flush_schedule()
        task = due[0]
        started = HUEY._get_timestamp()
        HUEY.execute(task, timestamp=task.eta + timedelta(seconds=1))
        for later in HUEY.scheduled():
            delays.append(round((later.eta - started).total_seconds()))

    assert delays == [20, 40, 80, 160]  # after the first retry at +10 s
    assert len(server.seen) == 6  # the first try and 5 retries
    failed = FailedTask.objects.get()
    assert failed.task_name.endswith("send_robot_message") and "310000" in failed.error


def test_customer_text_cannot_inject_links_into_the_group(
    world: World, server: Server, live: Callable[[], Any]
) -> None:
    server.responder = dingtalk_robot(SECRET)
    _robot(world, server, Vendor.DINGTALK)

    with live():
        world.ticket(title="[点此领奖](http://evil.example/x) **紧急**")

    text = server.seen[0].json()["markdown"]["text"]
    assert "](http://evil.example" not in text and "**紧急**" not in text
    assert "［点此领奖］(http://evil.example/x) ＊＊紧急＊＊" in text
