"""A per-process cache of ticket types: a few dozen rows that every ticket creation reads.

Each web process keeps the types (with their default teams) for ``TTL`` seconds. A save or delete
of a type or a team in this process drops the cache at once; other processes see the change
within ``TTL`` seconds. Creating a ticket with a type that an admin deactivated a moment ago in
another process is the worst that staleness can do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongdan.accounts.choices import MANAGER_ROLES, STAFF_ROLES
from gongdan.accounts.models import Membership, Team, User
from gongdan.core.cache import ProcessCache
from gongdan.tickets.models import Category, TicketType

TTL = 5.0


def _load() -> tuple[dict[int, TicketType], TicketType | None]:
    types = list(TicketType.objects.select_related("default_team").order_by("sort_order", "id"))
    default = next((t for t in types if t.is_active), None)
    return {t.pk: t for t in types}, default


_types = ProcessCache(_load, ttl=TTL)
# Imported by TicketsConfig.ready(): saves and deletes of types and teams drop the cache.
_types.invalidate_on(TicketType, Team, uid="refdata")


def ticket_type_get(pk: int) -> TicketType | None:
    """The type ``pk`` (active or not), with its default team; None when there is none."""
    return _types.get()[0].get(pk)


def default_ticket_type() -> TicketType | None:
    """The first active type in the admins' order: the type of a ticket that names none."""
    return _types.get()[1]


def invalidate(**_kwargs: Any) -> None:
    """Drop the cache (saves and deletes of types and teams do; used by tests)."""
    _types.invalidate()
    _choices.invalidate()


# --- The rows behind the workspace forms' choice lists -------------------------------------------
@dataclass(frozen=True)
class ChoiceRows:
    """What the ticket page's and the list's select boxes offer (active rows, in their order)."""

    types: list[TicketType]
    categories: list[Category]
    teams: list[Team]
    staff: list[User]  # active staff by username
    members: dict[int, frozenset[int]]  # team id -> user ids


def _load_choices() -> ChoiceRows:
    staff = list(
        User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("username", "id")
    )
    members: dict[int, set[int]] = {}
    for team_id, user_id in Membership.objects.values_list("team_id", "user_id"):
        members.setdefault(team_id, set()).add(user_id)
    return ChoiceRows(
        types=list(TicketType.objects.filter(is_active=True).order_by("sort_order", "id")),
        categories=list(Category.objects.filter(is_active=True).order_by("sort_order", "id")),
        teams=list(
            Team.objects.filter(is_active=True).select_related("lead").order_by("name", "id")
        ),
        staff=staff,
        members={team: frozenset(users) for team, users in members.items()},
    )


_choices = ProcessCache(_load_choices, ttl=TTL)
_choices.invalidate_on(
    TicketType, Category, Team, User, Membership, m2m=(User.teams.through,), uid="refdata-choices"
)


def choice_rows() -> ChoiceRows:
    """The rows of the forms' choice lists, kept per process like the types (``TTL``)."""
    return _choices.get()


def assignable(team_id: int | None) -> list[User]:
    """``accounts.selectors.assignable_staff`` from the cached rows: the team's members and the
    managers (everyone active on staff when there is no team)."""
    rows = choice_rows()
    if team_id is None:
        return rows.staff
    members = rows.members.get(team_id, frozenset())
    return [u for u in rows.staff if u.pk in members or u.role in MANAGER_ROLES]


def team_members(team_id: int | None) -> list[User]:
    """The active members of a team, by username, from the cached rows (none without a team)."""
    if team_id is None:
        return []
    members = choice_rows().members.get(team_id, frozenset())
    return [u for u in choice_rows().staff if u.pk in members]
