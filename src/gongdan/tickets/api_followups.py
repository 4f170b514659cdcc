"""/api/v1 reminders (on a ticket) and supervisions (督办): parse, call a service, render."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team, User
from gongdan.core.api_support import ERRORS, ErrorOut, InputSchema
from gongdan.core.errors import ValidationFailed
from gongdan.tickets import followup_selectors as fs
from gongdan.tickets import selectors, services
from gongdan.tickets.models import Reminder, Supervision

router = Router(tags=["follow-ups"])
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class ReminderIn(InputSchema):
    remind_at: datetime = Field(description="When to remind (ISO 8601, with offset).")
    note: str = Field(default="", max_length=500)
    recipient: int | None = Field(default=None, description="A colleague's user id; default: me.")


class ReminderOut(Schema):
    id: int
    ticket: str = Field(alias="ticket.number")
    recipient: int = Field(alias="recipient_id")
    created_by: int | None = Field(alias="created_by_id")
    remind_at: datetime
    note: str
    fired_at: datetime | None


class SupervisionIn(InputSchema):
    ticket: str | None = Field(default=None, description="Ticket number; or give a team.")
    team: int | None = Field(default=None, description="Team id; or give a ticket.")
    requirements: str = Field(max_length=4000)
    deadline: datetime


class ResponseIn(InputSchema):
    response: str = Field(max_length=4000)


class DecisionIn(InputSchema):
    note: str = Field(default="", max_length=500)


class SupervisionOut(Schema):
    id: int
    ticket: str | None
    team: int | None = Field(alias="team_id")
    status: str
    requirements: str
    deadline: datetime
    created_by: int = Field(alias="created_by_id")
    created_at: datetime
    response: str
    responded_by: int | None = Field(alias="responded_by_id")
    responded_at: datetime | None
    decision_note: str
    overdue_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_ticket(obj: Supervision) -> str | None:
        return obj.ticket.number if obj.ticket_id and obj.ticket else None


class SupervisionQuery(Schema):
    scope: str = Field(default="active", pattern="^(mine|active|closed)$")


# --- reminders --------------------------------------------------------------------------------


@router.get(
    "/tickets/{number}/reminders",
    response={200: list[ReminderOut], **ERRORS},
    operation_id="reminders_list",
)
def reminders_list(request: HttpRequest, number: str) -> list[Reminder]:
    """My pending reminders on the ticket (all of them, for supervisors and admins)."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    return fs.reminder_list(user=actor, ticket=ticket)


@router.post(
    "/tickets/{number}/reminders",
    response={201: ReminderOut, **ERRORS},
    operation_id="reminders_create",
)
def reminders_create(request: HttpRequest, number: str, payload: ReminderIn) -> Status[Reminder]:
    """Set a reminder (staff); 422 ``remind_at.in_past`` and friends for a bad time."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    services.require_staff(actor)  # before the recipient id is looked up
    recipient = None
    if payload.recipient is not None:
        recipient = User.objects.filter(pk=payload.recipient, is_active=True).first()
        if recipient is None:
            message = _("Unknown user.")
            raise ValidationFailed(
                "reminder.recipient_invalid", message, fields={"recipient": message}
            )
    reminder = services.reminder_create(
        actor=actor,
        ticket=ticket,
        remind_at=payload.remind_at,
        note=payload.note,
        recipient=recipient,
    )
    return Status(201, reminder)


@router.delete(
    "/reminders/{reminder_id}",
    response={204: None, **WRITE_ERRORS},
    operation_id="reminders_delete",
)
def reminders_delete(request: HttpRequest, reminder_id: int) -> Status[None]:
    """Cancel a pending reminder (its creator, its recipient, supervisors); 409 once sent."""
    actor = api_user(request)
    services.reminder_cancel(actor=actor, reminder=fs.reminder_get(user=actor, pk=reminder_id))
    return Status(204, None)


# --- supervisions -------------------------------------------------------------------------------


@router.get(
    "/supervisions",
    response={200: list[SupervisionOut], **ERRORS},
    operation_id="supervisions_list",
)
def supervisions_list(request: HttpRequest, query: Query[SupervisionQuery]) -> list[Supervision]:
    """Supervisions I may see: ``mine`` (to answer or opened by me), ``active``, ``closed``."""
    return fs.supervision_list(user=api_user(request), scope=query.scope)


@router.post(
    "/supervisions", response={201: SupervisionOut, **ERRORS}, operation_id="supervisions_create"
)
def supervisions_create(request: HttpRequest, payload: SupervisionIn) -> Status[Supervision]:
    """Open a 督办 on a ticket or a team (supervisors and admins; others 403)."""
    actor = api_user(request)
    services.require_supervisor(actor)  # before the ticket or team is looked up
    ticket = selectors.ticket_get(user=actor, number=payload.ticket) if payload.ticket else None
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            message = _("Unknown team.")
            raise ValidationFailed("team.not_found", message, fields={"team": message})
    supervision = services.supervision_open(
        actor=actor,
        ticket=ticket,
        team=team,
        requirements=payload.requirements,
        deadline=payload.deadline,
    )
    return Status(201, fs.supervision_get(user=actor, pk=supervision.pk))


@router.get(
    "/supervisions/{supervision_id}",
    response={200: SupervisionOut, **ERRORS},
    operation_id="supervisions_get",
)
def supervisions_get(request: HttpRequest, supervision_id: int) -> Supervision:
    return fs.supervision_get(user=api_user(request), pk=supervision_id)


@router.post(
    "/supervisions/{supervision_id}/response",
    response={200: SupervisionOut, **WRITE_ERRORS},
    operation_id="supervisions_respond",
)
def supervisions_respond(
    request: HttpRequest, supervision_id: int, payload: ResponseIn
) -> Supervision:
    """The assignee or team lead answers; 403 for anyone else, 409 once closed."""
    actor = api_user(request)
    supervision = fs.supervision_get(user=actor, pk=supervision_id)
    services.supervision_respond(actor=actor, supervision=supervision, response=payload.response)
    return fs.supervision_get(user=actor, pk=supervision_id)


@router.post(
    "/supervisions/{supervision_id}/accept",
    response={200: SupervisionOut, **WRITE_ERRORS},
    operation_id="supervisions_accept",
)
def supervisions_accept(
    request: HttpRequest, supervision_id: int, payload: DecisionIn
) -> Supervision:
    """Accept the answer (closes it); 409 ``supervision.not_answered`` before an answer."""
    return _decide(request, supervision_id, accept=True, note=payload.note)


@router.post(
    "/supervisions/{supervision_id}/return",
    response={200: SupervisionOut, **WRITE_ERRORS},
    operation_id="supervisions_return",
)
def supervisions_return(
    request: HttpRequest, supervision_id: int, payload: DecisionIn
) -> Supervision:
    """Return the answer with a reason (``note`` required); the supervision is open again."""
    return _decide(request, supervision_id, accept=False, note=payload.note)


def _decide(request: HttpRequest, supervision_id: int, *, accept: bool, note: str) -> Supervision:
    actor = api_user(request)
    supervision = fs.supervision_get(user=actor, pk=supervision_id)
    services.supervision_decide(actor=actor, supervision=supervision, accept=accept, note=note)
    return fs.supervision_get(user=actor, pk=supervision_id)


@router.post(
    "/supervisions/{supervision_id}/cancel",
    response={200: SupervisionOut, **WRITE_ERRORS},
    operation_id="supervisions_cancel",
)
def supervisions_cancel(request: HttpRequest, supervision_id: int) -> Supervision:
    actor = api_user(request)
    supervision = fs.supervision_get(user=actor, pk=supervision_id)
    services.supervision_cancel(actor=actor, supervision=supervision)
    return fs.supervision_get(user=actor, pk=supervision_id)
