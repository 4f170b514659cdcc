"""Where apps above ``reports`` join the scheduled reports, registered at start-up.

Group robots (WeCom, DingTalk, Feishu) live in ``gongdan.channels``, above this app, so a
schedule stores robot ids and the channels app registers a :class:`RobotPoster` in
``ChannelsConfig.ready()`` (docs/decisions/0004-layers-and-hooks.md). Without one, a schedule
offers no robots and a run records its robot recipients as failed ("no robot channel").
"""

from __future__ import annotations

from typing import Protocol

from gongdan.core.hooks import Hooks


class RobotPoster(Protocol):
    """Posts a scheduled report's short summary to a group robot."""

    def choices(self, user: object) -> list[tuple[int, str]]:
        """The active robots ``user`` may send a schedule's summary to: (id, label)."""
        ...

    def post(self, robot_id: int, title: str, text: str) -> None:
        """Post ``title`` and a markdown ``text`` now; raises when the robot is gone or refuses."""
        ...


robot_posters: Hooks[RobotPoster] = Hooks("reports.robot_posters")


def robot_choices(user: object) -> list[tuple[int, str]]:
    """Robots ``user`` may choose (empty when no app registered a poster)."""
    for poster in robot_posters:
        return poster.choices(user)
    return []


def robot_post(robot_id: int, title: str, text: str) -> None:
    """Post through the registered poster; ``LookupError`` when there is none."""
    for poster in robot_posters:
        poster.post(robot_id, title, text)
        return
    raise LookupError("no robot channel is installed")
