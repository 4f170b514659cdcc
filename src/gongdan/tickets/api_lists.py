"""/api/v1/views (saved views, personal and shared) and /api/v1/tickets/bulk (bulk actions).

Staff only: a customer's token gets 403 on every operation here. Views another user owns are
404 unless shared with the caller (then 403 to change them, unless the caller is an admin).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import User
from gongdan.accounts.schemas import TeamRef
from gongdan.accounts.selectors import team_list
from gongdan.core.api_support import ERRORS, InputSchema, pick
from gongdan.tickets import selectors
from gongdan.tickets.models import SavedView
from gongdan.tickets.schemas import SortKey
from gongdan.tickets.services import require_staff
from gongdan.tickets.services.bulk import BulkResult, tickets_bulk_apply
from gongdan.tickets.services.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)
from gongdan.tickets.view_filters import filters_from_query

router = Router(tags=["views"])
Visibility = Literal["personal", "team", "everyone"]


class ViewIn(InputSchema):
    name: str = Field(max_length=200)
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description="tickets_list parameters (view, status, priority, team, assignee, tag…).",
    )
    sort: SortKey | None = None
    columns: list[str] = Field(default_factory=list, max_length=30)
    visibility: Visibility = "personal"
    team: int | None = Field(default=None, ge=1, le=2**63 - 1, description="For visibility 'team'.")


class ViewPatch(InputSchema):
    name: str | None = Field(default=None, max_length=200)
    filters: dict[str, Any] | None = None
    sort: SortKey | None = None
    columns: list[str] | None = Field(default=None, max_length=30)
    visibility: Visibility | None = None
    team: int | None = Field(default=None, ge=1, le=2**63 - 1)


class ViewOwner(Schema):
    id: int
    username: str


class ViewOut(Schema):
    id: int
    name: str
    filters: dict[str, Any]
    sort: str
    columns: list[str]
    visibility: str
    team: TeamRef | None
    owner: ViewOwner = Field(alias="user")
    url: str

    @staticmethod
    def resolve_filters(obj: SavedView) -> dict[str, Any]:
        filters = filters_from_query(obj.query)
        filters.pop("sort", None)
        return filters

    @staticmethod
    def resolve_sort(obj: SavedView) -> str:
        return str(filters_from_query(obj.query).get("sort", "-updated"))

    @staticmethod
    def resolve_url(obj: SavedView) -> str:
        return f"{reverse('tickets:list')}?{obj.query}&saved={obj.pk}"


def _staff(request: HttpRequest) -> User:
    user = api_user(request)
    require_staff(user)
    return user


def _team(user: User, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("team") is not None:
        data["team"] = pick(team_list(user=user), data["team"], field="team")
    return data


@router.get("/views", response={200: list[ViewOut], **ERRORS}, operation_id="views_list")
def views_list(request: HttpRequest) -> list[SavedView]:
    """The caller's own saved views, then those shared with one of their teams or everyone."""
    return selectors.saved_view_list(user=_staff(request))


@router.post("/views", response={201: ViewOut, **ERRORS}, operation_id="views_create")
def views_create(request: HttpRequest, payload: ViewIn) -> Status[SavedView]:
    """Save a list. An unknown filter is 422 ``view.unknown_filter``, a duplicate name 422
    ``saved_view.exists``; sharing with a team or everyone is for supervisors and admins."""
    user = _staff(request)
    data = _team(user, payload.model_dump())
    return Status(201, saved_view_create(actor=user, **data))


@router.patch("/views/{view_id}", response={200: ViewOut, **ERRORS}, operation_id="views_update")
def views_update(request: HttpRequest, view_id: int, payload: ViewPatch) -> SavedView:
    """Change a view the caller owns (an admin: any shared view); only the fields sent."""
    user = _staff(request)
    data = _team(user, payload.model_dump(exclude_unset=True))
    return saved_view_update(actor=user, pk=view_id, **data)


@router.delete("/views/{view_id}", response={204: None, **ERRORS}, operation_id="views_delete")
def views_delete(request: HttpRequest, view_id: int) -> Status[None]:
    saved_view_delete(actor=_staff(request), pk=view_id)
    return Status(204, None)


class BulkIn(InputSchema):
    action: str = Field(
        max_length=40, description="assign, status, priority, team, tags, merge, or an app's."
    )
    numbers: list[str] = Field(min_length=1, max_length=1000, description="Ticket numbers.")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description='assign: {"assignee": "me"|"none"|id}; status: {"to", "comment"}; '
        'priority: {"priority"}; team: {"team": id|"none"}; tags: {"tags": [..]}; '
        'merge: {"target": number}.',
    )
    versions: dict[str, int] = Field(
        default_factory=dict, description="Number → the version you saw (stale: conflict)."
    )


class BulkItemOut(Schema):
    number: str
    outcome: Literal["ok", "unchanged", "conflict", "refused"]
    code: str
    message: str


class BulkOut(Schema):
    action: str
    applied: int
    failed: int
    items: list[BulkItemOut]


@router.post("/tickets/bulk", response={200: BulkOut, **ERRORS}, operation_id="tickets_bulk")
def tickets_bulk(request: HttpRequest, payload: BulkIn) -> BulkResult:
    """Apply one action to up to 100 tickets, each through the same service as a single change
    and in its own transaction; per-ticket results (a refusal or conflict stops nothing else)."""
    return tickets_bulk_apply(
        actor=_staff(request),
        numbers=payload.numbers,
        action=payload.action,
        params=payload.params,
        versions=payload.versions,
    )
