"""Smart-assignment fixtures: a desk whose IT team assigns automatically, agents to order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongdan.accounts.choices import Role
from gongdan.accounts.models import AgentProfile, AgentSkill, Skill, Team, User
from gongdan.accounts.services import user_create
from gongdan.assignment.choices import OnUnavailable
from gongdan.assignment.models import TeamAssignment
from gongdan.testing import World


def skill(code: str, name: str | None = None) -> Skill:
    return Skill.objects.get_or_create(code=code, defaults={"name": name or code})[0]


def agent(
    name: str,
    team: Team,
    *,
    availability: str = "online",
    capacity: int = 10,
    skills: dict[str, int] | None = None,
    seniority: int = 0,
    home: tuple[float, float] | None = None,
    role: str = Role.AGENT,
) -> User:
    """A staff member of ``team`` with a profile as given."""
    user = user_create(
        actor=None,
        username=name,
        role=role,
        password="Gongdan-test-2026",
        email=f"{name}@gongdan.test",
        display_name=name,
        teams=[team],
    )
    AgentProfile.objects.filter(user=user).update(
        availability=availability,
        capacity=capacity,
        seniority=seniority,
        latitude=Decimal(str(home[0])) if home else None,
        longitude=Decimal(str(home[1])) if home else None,
    )
    profile = AgentProfile.objects.get(user=user)
    for code, level in (skills or {}).items():
        AgentSkill.objects.create(profile=profile, skill=skill(code), level=level)
    return user


def auto(team: Team, on_unavailable: str = OnUnavailable.KEEP) -> TeamAssignment:
    from gongdan.assignment import services

    row, _ = TeamAssignment.objects.update_or_create(
        team=team, defaults={"auto_assign": True, "on_unavailable": on_unavailable}
    )
    services.invalidate()
    return row


def offline(user: User) -> None:
    AgentProfile.objects.filter(user=user).update(availability="offline")


@pytest.fixture
def desk(world: World) -> World:
    """The world with automatic assignment on in the IT team; ``world.agent`` is offline."""
    auto(world.it_team)
    return world
