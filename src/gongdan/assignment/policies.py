"""Who may configure assignment, see agents' load and change their availability."""

from __future__ import annotations

from django.db.models import Q

from gongdan.accounts.models import Membership, Team, User
from gongdan.accounts.policies import is_manager


def led_team_ids(user: User) -> list[int]:
    return list(Team.objects.filter(lead=user).values_list("pk", flat=True))


def agent_visibility(user: User) -> Q:
    """The ``AgentProfile`` rows ``user`` may see with their load: managers all; a team lead
    the members of the teams they lead; an agent themself; customers nothing."""
    if not user.is_authenticated or not user.is_active or not user.is_staff_member:
        return Q(pk__in=[])
    if is_manager(user):
        return Q()
    led = Membership.objects.filter(team__lead=user).values("user_id")
    return Q(user=user) | Q(user__in=led)


def may_manage_agent(actor: User, user: User) -> bool:
    """Capacity, seniority and home location: managers, or a lead of one of the user's teams."""
    if is_manager(actor):
        return True
    return Membership.objects.filter(user=user, team__lead=actor).exists()


def may_set_availability(actor: User, user: User) -> bool:
    """Agents switch themselves; leads and managers may switch the agents they manage."""
    if not actor.is_authenticated or not actor.is_active or not actor.is_staff_member:
        return False
    if not user.is_staff_member:  # customers have no availability
        return False
    return actor.pk == user.pk or may_manage_agent(actor, user)


def may_preview(actor: User, team_id: int | None) -> bool:
    """A dry run reveals agents' load: managers, or members and leads of the ticket's team."""
    if is_manager(actor):
        return True
    if team_id is None or not actor.is_staff_member:
        return False
    return Team.objects.filter(pk=team_id).filter(Q(lead=actor) | Q(members=actor)).exists()
