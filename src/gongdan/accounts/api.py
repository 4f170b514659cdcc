"""/api/v1/me, /users and /teams: thin wrappers around the accounts services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from gongdan.accounts import people, selectors, services
from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team, User
from gongdan.accounts.schemas import (
    MeOut,
    TeamDetailOut,
    TeamIn,
    TeamPage,
    TeamPatch,
    UserDetailOut,
    UserIn,
    UserInvite,
    UserOut,
    UserPage,
    UserPatch,
)
from gongdan.core.api_support import ERRORS, ErrorOut, PageQuery, paginate, pick
from gongdan.core.pagination import Page

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, **ERRORS}, operation_id="me_get")
def me_get(request: HttpRequest) -> dict[str, Any]:
    """The caller's own profile: role, teams (staff) or organization (customers)."""
    user = api_user(request)
    # A customer login's contact (customers sit above accounts: read the relation, no import).
    contact = getattr(user, "contact", None)
    return {
        **{name: getattr(user, name) for name in UserOut.model_fields},
        "is_staff_member": user.is_staff_member,
        "teams": list(user.teams.order_by("name", "id")),
        "organization_id": contact.organization_id if contact else None,
        "is_org_admin": bool(contact and contact.is_org_admin),
    }


@router.get("/users", response={200: UserPage, **ERRORS}, operation_id="users_list")
def users_list(request: HttpRequest, page: Query[PageQuery]) -> Page[User]:
    """Active users, by login name. Customers see only themselves; agents see staff only."""
    qs = selectors.user_list(user=api_user(request))
    return paginate(qs, ordering=["username", "id"], size=page.size, cursor=page.cursor)


@router.post("/users", response={201: UserOut, **ERRORS}, operation_id="users_create")
def users_create(request: HttpRequest, payload: UserIn) -> Status[User]:
    """Create a user (administrators only). Staff users get an agent profile."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    teams = [pick(selectors.team_list(user=actor), pk, field="teams") for pk in payload.teams]
    user = services.user_create(
        actor=actor,
        username=payload.username,
        role=payload.role,
        password=payload.password,
        email=payload.email,
        mobile=payload.mobile,
        display_name=payload.display_name,
        language=payload.language or "",
        teams=[t for t in teams if t is not None],
    )
    return Status(201, user)


@router.get("/teams", response={200: TeamPage, **ERRORS}, operation_id="teams_list")
def teams_list(request: HttpRequest, page: Query[PageQuery]) -> Page[Team]:
    """Active teams (service desks), by name. Staff only; customers get an empty list."""
    qs = selectors.team_list(user=api_user(request))
    return paginate(qs, ordering=["name", "id"], size=page.size, cursor=page.cursor)


@router.post("/users/invite", response={201: UserDetailOut, **ERRORS}, operation_id="users_invite")
def users_invite(request: HttpRequest, payload: UserInvite) -> Status[dict[str, Any]]:
    """Invite a user by mail (administrators only): no password yet; a set-password link is
    mailed to the address, which is also the login name."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    teams = _teams(actor, payload.teams)
    user = people.user_invite(
        actor=actor,
        email=payload.email,
        role=payload.role,
        display_name=payload.display_name,
        language=payload.language or "",
        teams=teams,
    )
    return Status(201, _user_detail(user))


def _teams(actor: User, ids: list[int]) -> list[Team]:
    found = [pick(selectors.team_admin_list(user=actor), pk, field="teams") for pk in ids]
    return [t for t in found if t is not None]


def _user_detail(user: User) -> dict[str, Any]:
    return {
        **{name: getattr(user, name) for name in UserOut.model_fields},
        "teams": list(user.teams.order_by("name", "id")),
        "last_login": user.last_login,
        "date_joined": user.date_joined,
    }


@router.get("/users/{user_id}", response={200: UserDetailOut, **ERRORS}, operation_id="users_get")
def users_get(request: HttpRequest, user_id: int) -> dict[str, Any]:
    """One user: any user for administrators; active staff (and themselves) for anyone else."""
    return _user_detail(selectors.user_get(user=api_user(request), pk=user_id))


@router.patch(
    "/users/{user_id}", response={200: UserDetailOut, **ERRORS}, operation_id="users_update"
)
def users_update(request: HttpRequest, user_id: int, payload: UserPatch) -> dict[str, Any]:
    """Change a user's role, name, email, mobile number, language or teams (administrators)."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    user = selectors.user_admin_get(user=actor, pk=user_id)
    data = payload.model_dump(exclude_unset=True)
    if "teams" in data:
        data["teams"] = None if data["teams"] is None else _teams(actor, data["teams"])
    people.user_update(actor=actor, user=user, **data)
    return _user_detail(user)


@router.post(
    "/users/{user_id}/deactivate",
    response={200: UserDetailOut, **ERRORS, 409: ErrorOut},
    operation_id="users_deactivate",
)
def users_deactivate(request: HttpRequest, user_id: int) -> dict[str, Any]:
    """Deactivate a user (administrators): no more sign-ins, their API tokens stop working;
    their tickets stay assigned. Not oneself, not the last active administrator (409)."""
    actor = api_user(request)
    services.require_admin(actor)
    user = people.user_deactivate(
        actor=actor, user=selectors.user_admin_get(user=actor, pk=user_id)
    )
    return _user_detail(user)


@router.post(
    "/users/{user_id}/reactivate",
    response={200: UserDetailOut, **ERRORS},
    operation_id="users_reactivate",
)
def users_reactivate(request: HttpRequest, user_id: int) -> dict[str, Any]:
    """Let a deactivated user sign in again (administrators)."""
    actor = api_user(request)
    services.require_admin(actor)
    user = people.user_reactivate(
        actor=actor, user=selectors.user_admin_get(user=actor, pk=user_id)
    )
    return _user_detail(user)


@router.post("/teams", response={201: TeamDetailOut, **ERRORS}, operation_id="teams_create")
def teams_create(request: HttpRequest, payload: TeamIn) -> Status[Team]:
    """Create a team (administrators only); the lead, if given, becomes a member. A code or a
    name already in use is a 422 (``team.code_taken`` / ``team.name_taken``)."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    staff = selectors.staff_choices()
    lead = pick(staff, payload.lead, field="lead")
    members = [pick(staff, pk, field="members") for pk in payload.members]
    team = people.team_create_checked(
        actor=actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        group=payload.group,
        description=payload.description,
        lead=lead,
        members=[m for m in members if m is not None],
    )
    return Status(201, selectors.team_admin_get(user=actor, pk=team.pk))


@router.get("/teams/{team_id}", response={200: TeamDetailOut, **ERRORS}, operation_id="teams_get")
def teams_get(request: HttpRequest, team_id: int) -> Team:
    """One team with its members (staff; deactivated teams for administrators only)."""
    return selectors.team_get(user=api_user(request), pk=team_id)


@router.patch(
    "/teams/{team_id}", response={200: TeamDetailOut, **ERRORS}, operation_id="teams_update"
)
def teams_update(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    """Change a team's name, grouping, lead (0 removes it), members or active flag
    (administrators). A name already in use is a 422 (``team.name_taken``)."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    team = selectors.team_admin_get(user=actor, pk=team_id)
    data = payload.model_dump(exclude_unset=True)
    staff = selectors.staff_choices()
    lead_id = data.pop("lead", None)
    if "members" in data and data["members"] is not None:
        data["members"] = [
            m for m in (pick(staff, pk, field="members") for pk in data["members"]) if m
        ]
    people.team_update(
        actor=actor,
        team=team,
        lead=pick(staff, lead_id, field="lead") if lead_id else None,
        clear_lead=lead_id == 0,
        **data,
    )
    return selectors.team_admin_get(user=actor, pk=team.pk)
