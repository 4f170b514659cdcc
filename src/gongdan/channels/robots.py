"""Team group robots: which robot posts which event, and the job that posts it.

Outbox subscribers (``subscribers.py``) call :func:`robots_enqueue` inside their delivery
transaction; the post itself is a background job with retries and exponential backoff (a vendor
error code counts as a failure), kept as a ``FailedTask`` after its last retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from gongdan.channels import messages
from gongdan.channels.choices import Vendor
from gongdan.channels.dingtalk import transport as dingtalk
from gongdan.channels.feishu import transport as feishu
from gongdan.channels.http import ChannelError
from gongdan.channels.models import TeamRobot
from gongdan.channels.wecom import transport as wecom
from gongdan.core.events import enqueue_on_commit
from gongdan.jobs.tasks import job
from gongdan.tickets.models import Ticket

SENDERS: dict[str, Callable[[str, str, str, str], None]] = {
    Vendor.WECOM: wecom.send_robot,
    Vendor.DINGTALK: dingtalk.send,
    Vendor.FEISHU: feishu.send,
}


def robots_enqueue(*, event_type: str, ticket: Ticket, data: dict[str, Any]) -> int:
    """Queue a post for every active robot of the ticket's team that takes ``event_type``."""
    if ticket.team_id is None:
        return 0
    robots = [
        r
        for r in TeamRobot.objects.filter(team_id=ticket.team_id, is_active=True)
        if event_type in (r.events or [])
    ]
    for robot in robots:
        enqueue_on_commit(send_robot_message, robot.pk, event_type, ticket.pk, data)
    return len(robots)


def robot_post(robot: TeamRobot, event_type: str, ticket: Ticket, data: dict[str, Any]) -> None:
    """Post now; raises ``ChannelError`` (after noting it on the robot) when it fails."""
    _post(robot, *messages.robot_message(event_type, ticket, data))


def robot_send(robot: TeamRobot, title: str, text: str) -> None:
    """Post ``title`` and markdown ``text`` now (scheduled reports); ``ChannelError`` on failure."""
    _post(robot, title, text)


def _post(robot: TeamRobot, title: str, text: str) -> None:
    try:
        SENDERS[robot.vendor](robot.webhook_url, robot.secret, title, text)
    except ChannelError as exc:
        TeamRobot.objects.filter(pk=robot.pk).update(last_error=str(exc)[:500])
        raise
    TeamRobot.objects.filter(pk=robot.pk).update(last_sent_at=timezone.now(), last_error="")


@job()
def send_robot_message(
    robot_id: int, event_type: str, ticket_id: int, data: dict[str, Any]
) -> None:
    """Post one team event through one robot (idempotent enough: a retry posts again)."""
    robot = TeamRobot.objects.filter(pk=robot_id, is_active=True).first()
    ticket = (
        Ticket.objects.select_related("team", "assignee").filter(pk=ticket_id).first()
        if robot is not None
        else None
    )
    if robot is None or ticket is None:
        return
    robot_post(robot, event_type, ticket, data)


def robot_test(robot: TeamRobot) -> None:
    """Post a test message now (admin action); raises ``ChannelError`` when it fails."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(settings.LANGUAGE_CODE):
        title = _("gongdan test message")
        text = _("This group will receive the team's ticket events. %(url)s") % {
            "url": settings.SITE_URL
        }
    _post(robot, title, text)
