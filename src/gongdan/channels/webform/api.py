"""/api/v1/webforms: the public ticket forms companies embed (administrators only)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team
from gongdan.channels.models import WebForm
from gongdan.channels.policies import require_channel_manager
from gongdan.channels.webform import configure
from gongdan.core.api_support import ERRORS, InputSchema, pick
from gongdan.tickets.models import TicketType

router = Router(tags=["channels"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Origins = Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=50)]


class WebFormOut(Schema):
    id: int
    key: str = Field(description="The form's public key (in its URLs).")
    name: str
    team: int | None
    ticket_type: int | None
    allowed_origins: list[str] = Field(description="Sites that may embed the form.")
    is_active: bool
    page_url: str
    submit_url: str = Field(description="JSON endpoint for your own front end (CORS).")
    embed_snippet: str = Field(description="An <iframe> to paste into an allowed site.")


class WebFormIn(InputSchema):
    name: str = Field(max_length=100)
    team: Id | None = Field(default=None, description="Team id of the queue.")
    ticket_type: Id | None = Field(default=None, description="Ticket type id.")
    allowed_origins: Origins = Field(default_factory=list)
    is_active: bool = True


class WebFormPatch(InputSchema):
    """Only the fields sent change; ``team`` and ``ticket_type`` accept null."""

    name: str | None = Field(default=None, max_length=100)
    team: Id | None = None
    ticket_type: Id | None = None
    allowed_origins: Origins | None = None
    is_active: bool | None = None


def _out(form: WebForm) -> dict[str, Any]:
    return {
        "id": form.pk,
        "key": form.key,
        "name": form.name,
        "team": form.team_id,
        "ticket_type": form.ticket_type_id,
        "allowed_origins": form.origins(),
        "is_active": form.is_active,
        "page_url": configure.page_url(form),
        "submit_url": configure.submit_url(form),
        "embed_snippet": configure.embed_snippet(form),
    }


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if v is not None or k in ("team", "ticket_type")}
    if "team" in values:
        values["team"] = pick(Team.objects.all(), values["team"], field="team")
    if "ticket_type" in values:
        values["ticket_type"] = pick(
            TicketType.objects.all(), values["ticket_type"], field="ticket_type"
        )
    return values


@router.get("/webforms", response={200: list[WebFormOut], **ERRORS}, operation_id="webforms_list")
def webforms_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every web form with its embed snippet."""
    return [_out(f) for f in configure.webform_list(user=api_user(request))]


@router.post("/webforms", response={201: WebFormOut, **ERRORS}, operation_id="webforms_create")
def webforms_create(request: HttpRequest, payload: WebFormIn) -> Status:
    """A new web form: 422 ``webform.exists`` for a name in use, ``webform.bad_origin``."""
    actor = api_user(request)
    require_channel_manager(actor)
    form = configure.webform_create(actor=actor, **_values(payload.model_dump()))
    return Status(201, _out(form))


@router.patch(
    "/webforms/{webform_id}", response={200: WebFormOut, **ERRORS}, operation_id="webforms_update"
)
def webforms_update(request: HttpRequest, webform_id: int, payload: WebFormPatch) -> dict[str, Any]:
    """Change the fields sent; nothing is saved when a check fails."""
    actor = api_user(request)
    form = configure.webform_get(user=actor, pk=webform_id)
    values = _values(payload.model_dump(exclude_unset=True))
    return _out(configure.webform_update(actor=actor, form=form, **values))
