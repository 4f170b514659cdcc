"""/api/v1/me, /users and /teams: thin wrappers around the accounts services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from gongdan.accounts import selectors, services
from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team, User
from gongdan.accounts.schemas import MeOut, TeamIn, TeamOut, TeamPage, UserIn, UserOut, UserPage
from gongdan.core.api_support import ERRORS, PageQuery, paginate, pick
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


@router.post("/teams", response={201: TeamOut, **ERRORS}, operation_id="teams_create")
def teams_create(request: HttpRequest, payload: TeamIn) -> Status[Team]:
    """Create a team (administrators only); the lead, if given, becomes a member."""
    actor = api_user(request)
    services.require_admin(actor)  # before any id is looked up
    lead = pick(
        selectors.user_list(user=actor).exclude(role="customer"), payload.lead, field="lead"
    )
    team = services.team_create(
        actor=actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        lead=lead,
    )
    return Status(201, team)
