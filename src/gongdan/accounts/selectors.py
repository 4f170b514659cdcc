"""Reading users and teams. Customers never list staff or other customers."""

from __future__ import annotations

from django.db.models import QuerySet

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Team, User
from gongdan.accounts.policies import has_role, is_staff_user


def user_list(*, user: User) -> QuerySet[User]:
    if not is_staff_user(user):
        return User.objects.filter(pk=user.pk)
    qs = User.objects.filter(is_active=True).order_by("username", "id")
    if has_role(user, Role.ADMIN):
        return qs
    return qs.exclude(role=Role.CUSTOMER)


def team_list(*, user: User) -> QuerySet[Team]:
    if not is_staff_user(user):
        return Team.objects.none()
    return Team.objects.filter(is_active=True).select_related("lead").order_by("name", "id")


def assignable_staff(*, team: Team | None) -> QuerySet[User]:
    """Staff who may own a ticket of ``team``: its members, plus supervisors and admins."""
    qs = User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER)
    if team is not None:
        qs = qs.filter(teams=team) | qs.filter(role__in=[Role.ADMIN, Role.SUPERVISOR])
    return qs.distinct().order_by("username")
