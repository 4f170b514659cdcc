"""Reading users and teams. Customers never list staff or other customers."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import Team, User
from gongdan.accounts.policies import has_role, is_admin, is_staff_user
from gongdan.core.errors import NotFound


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


def user_admin_list(
    *,
    user: User,
    q: str = "",
    role: str = "",
    team: int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """Every user (active or not) for the Users settings page, filtered; admins only (anyone
    else gets an empty list). Teams are prefetched for the rows."""
    if not is_admin(user):
        return User.objects.none()
    qs = User.objects.all()
    text = q.strip()[:100]
    if text:
        qs = qs.filter(
            Q(username__icontains=text)
            | Q(display_name__icontains=text)
            | Q(email__icontains=text)
            | Q(mobile__contains=text)
        )
    if role:
        qs = qs.filter(role=role)
    if team is not None:
        qs = qs.filter(teams=team)
    if active is not None:
        qs = qs.filter(is_active=active)
    teams = Prefetch("teams", queryset=Team.objects.order_by("name", "id"))
    return qs.prefetch_related(teams).order_by("username", "id")


def user_admin_get(*, user: User, pk: int) -> User:
    """One user for an admin (404 for anyone else, or an unknown id)."""
    try:
        return user_admin_list(user=user).get(pk=pk)
    except User.DoesNotExist:
        raise NotFound("user.not_found", _("No such user.")) from None


def team_admin_list(*, user: User, active: bool | None = None) -> QuerySet[Team]:
    """Every team (active or not) with its lead and member count; admins only."""
    if not is_admin(user):
        return Team.objects.none()
    qs = Team.objects.select_related("lead").annotate(member_count=Count("membership"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("group", "name", "id")


def team_admin_get(*, user: User, pk: int) -> Team:
    try:
        return team_admin_list(user=user).get(pk=pk)
    except Team.DoesNotExist:
        raise NotFound("team.not_found", _("No such team.")) from None


def team_get(*, user: User, pk: int) -> Team:
    """A team as staff see it (active ones; admins also deactivated ones); else 404."""
    qs = team_admin_list(user=user) if is_admin(user) else team_list(user=user)
    try:
        return qs.get(pk=pk)
    except Team.DoesNotExist:
        raise NotFound("team.not_found", _("No such team.")) from None


def user_get(*, user: User, pk: int) -> User:
    """A user as ``user`` may see them (:func:`user_list`; admins: anyone); else 404."""
    qs = user_admin_list(user=user) if is_admin(user) else user_list(user=user)
    try:
        return qs.get(pk=pk)
    except User.DoesNotExist:
        raise NotFound("user.not_found", _("No such user.")) from None


def staff_choices() -> QuerySet[User]:
    """Active staff, for picking members and leads."""
    return User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER).order_by("username")
