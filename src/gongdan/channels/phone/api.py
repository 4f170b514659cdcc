"""``POST /api/v1/calls`` (``calls_log``): log a phone call, as the workspace page does."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongdan.accounts.api_auth import api_user
from gongdan.channels.phone.services import CallKind, CallResult, call_log
from gongdan.core.api_support import ERRORS, ErrorOut, InputSchema
from gongdan.core.errors import ValidationFailed
from gongdan.customers.schemas import ContactOut
from gongdan.tickets import refdata
from gongdan.tickets.choices import Priority

router = Router(tags=["calls"])


class CallIn(InputSchema):
    number: Annotated[str, Field(min_length=1, max_length=30)] = Field(
        description="The caller's number; spaces, dashes and a +86 prefix are ignored."
    )
    kind: CallKind = CallKind.TICKET
    name: Annotated[str, Field(max_length=100)] = Field(
        default="", description="Name for a new contact when the number is unknown."
    )
    ticket: Annotated[str, Field(max_length=40)] = Field(
        default="", description="Number of the caller's open ticket (kind reply or note)."
    )
    title: Annotated[str, Field(max_length=200)] = ""
    body: Annotated[str, Field(max_length=50_000)] = ""
    ticket_type: int | None = Field(default=None, description="Ticket type id (kind ticket).")
    priority: Priority = Priority.NORMAL


class CallOut(Schema):
    kind: CallKind
    contact: ContactOut
    contact_created: bool
    ticket: str = Field(description="The ticket number.")
    comment: int | None = Field(description="The comment id (kind reply or note).")


@router.post("/calls", response={201: CallOut, **ERRORS, 409: ErrorOut}, operation_id="calls_log")
def calls_log(request: HttpRequest, payload: CallIn) -> Status[dict[str, object]]:
    """Log a call (staff only): a new ticket for the caller (channel ``phone``), or a public reply
    or internal note on one of their open tickets. An unknown number makes a new contact."""
    ticket_type = None
    if payload.ticket_type is not None:
        ticket_type = refdata.ticket_type_get(payload.ticket_type)
        if ticket_type is None:
            message = _("Unknown or inaccessible id %(id)s.") % {"id": payload.ticket_type}
            raise ValidationFailed("invalid_reference", message, fields={"ticket_type": message})
    result: CallResult = call_log(
        actor=api_user(request),
        number=payload.number,
        kind=payload.kind,
        name=payload.name,
        ticket_number=payload.ticket,
        title=payload.title,
        body=payload.body,
        ticket_type=ticket_type,
        priority=payload.priority,
    )
    return Status(
        201,
        {
            "kind": payload.kind,
            "contact": result.contact,
            "contact_created": result.contact_created,
            "ticket": result.ticket.number,
            "comment": result.comment.pk if result.comment else None,
        },
    )
