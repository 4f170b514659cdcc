"""Scheduled reports' summaries to group robots: the channels app's ``reports.hooks.RobotPoster``.

A supervisor may send to the active robots of the teams they belong to or lead; an
administrator to every active robot. Registered in ``ChannelsConfig.ready()``.
"""

from __future__ import annotations

from django.db.models import Q

from gongdan.accounts.policies import is_admin, is_manager
from gongdan.channels.models import TeamRobot
from gongdan.channels.robots import robot_send
from gongdan.reports.hooks import robot_posters


class ReportRobots:
    def choices(self, user: object) -> list[tuple[int, str]]:
        if not is_manager(user):
            return []
        robots = TeamRobot.objects.filter(is_active=True).select_related("team")
        if not is_admin(user):
            uid = user.pk  # type: ignore[attr-defined]
            robots = robots.filter(Q(team__membership__user_id=uid) | Q(team__lead_id=uid))
        return [
            (r.pk, f"{r.team.name} · {r}") for r in robots.distinct().order_by("team_id", "name")
        ]

    def post(self, robot_id: int, title: str, text: str) -> None:
        robot = TeamRobot.objects.filter(pk=robot_id, is_active=True).first()
        if robot is None:
            raise LookupError(f"group robot {robot_id} is gone or switched off")
        robot_send(robot, title, text)


poster = ReportRobots()


def install() -> None:
    """Serve ``reports.hooks.robot_posters`` (called from ``ChannelsConfig.ready()``)."""
    robot_posters.register(poster)
