"""Which hints a stream passes on: decided in memory from what the hint carries, per event.

A ticket hint names the ticket's team, assignee and staff watchers; the viewer's role and teams
are read once when the stream opens. The rule is ``tickets.policies.ticket_visibility`` for
staff: managers see every ticket; agents their teams' tickets, tickets without a team, tickets
assigned to them and tickets they watch. Notification hints go to their recipient only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongdan.accounts.models import Membership, User
from gongdan.accounts.policies import is_manager


@dataclass(frozen=True)
class Viewer:
    id: int
    manager: bool
    teams: frozenset[int]


def viewer_for(user: User) -> Viewer:
    teams = Membership.objects.filter(user=user).values_list("team_id", flat=True)
    return Viewer(id=user.pk, manager=is_manager(user), teams=frozenset(teams))


def may_see(viewer: Viewer, data: dict[str, Any]) -> bool:
    if "team" not in data:
        return False  # not a ticket hint
    if viewer.manager:
        return True
    team = data["team"]
    return (
        team is None
        or team in viewer.teams
        or data.get("assignee") == viewer.id
        or viewer.id in data.get("watchers", ())
    )


def wants(viewer: Viewer, kind: str, data: dict[str, Any]) -> bool:
    if kind == "notification":
        return bool(data.get("user") == viewer.id)
    if kind in {"ticket", "presence"}:
        return may_see(viewer, data)
    return False


# What the browser gets: the visibility fields (team, assignee, watcher ids) stay on the server.
PUBLIC_FIELDS = {
    "ticket": ("t", "v", "kind", "by", "who"),
    "presence": ("t", "people"),
    "notification": ("t", "title"),
}


def public(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in PUBLIC_FIELDS.get(kind, ())}
