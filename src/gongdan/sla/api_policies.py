"""/api/v1/sla-policies: SLA policies with their targets and escalation levels.

Supervisors and administrators read them; administrators create and change them through
``sla.policy_services`` (the same validation as the settings pages: 422 with a code).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team
from gongdan.core.api_support import ERRORS, InputSchema, pick
from gongdan.core.errors import ValidationFailed
from gongdan.sla import policy_services as services
from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.sla.policies import require_calendar_admin
from gongdan.tickets.models import Category, TicketType

router = Router(tags=["sla"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
PriorityName = Literal["low", "normal", "high", "urgent"]


class EscalationLevelIn(InputSchema):
    after_minutes: int = Field(description="Minutes after the breach (0: at the breach).")
    notify_assignee: bool = True
    notify_team_lead: bool = True
    notify_supervisors: bool = False
    raise_priority: bool = False
    move_to_team: Id | None = Field(default=None, description="Team id to reassign to.")


class EscalationLevelOut(Schema):
    after_minutes: int
    notify_assignee: bool
    notify_team_lead: bool
    notify_supervisors: bool
    raise_priority: bool
    move_to_team: int | None = Field(validation_alias="move_to_team_id")


class SlaPolicyOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    calendar: str | None = Field(description="Business calendar code (null: none).")
    business_time: bool
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    remind_before_minutes: int | None
    priorities: list[str] = Field(description="Applies to these priorities (empty: any).")
    ticket_types: list[int] = Field(description="Applies to these ticket type ids (empty: any).")
    categories: list[int] = Field(description="Applies to these category ids (empty: any).")
    levels: list[EscalationLevelOut]

    @staticmethod
    def resolve_calendar(obj: SlaPolicy) -> str | None:
        return obj.calendar.code if obj.calendar else None

    @staticmethod
    def resolve_ticket_types(obj: SlaPolicy) -> list[int]:
        return [t.pk for t in obj.ticket_types.all()]

    @staticmethod
    def resolve_categories(obj: SlaPolicy) -> list[int]:
        return [c.pk for c in obj.categories.all()]

    @staticmethod
    def resolve_levels(obj: SlaPolicy) -> list[Any]:
        return list(obj.levels.all())


class SlaPolicyIn(InputSchema):
    name: str = Field(max_length=100)
    position: int = Field(default=100, description="Lower positions are tried first.")
    is_active: bool = True
    calendar: str | None = Field(default=None, description="Business calendar code.")
    business_time: bool = True
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    remind_before_minutes: int | None = None
    priorities: list[PriorityName] = Field(default_factory=list, max_length=10)
    ticket_types: list[Id] = Field(default_factory=list, max_length=500)
    categories: list[Id] = Field(default_factory=list, max_length=500)
    levels: list[EscalationLevelIn] = Field(default_factory=list, max_length=20)


class SlaPolicyPatch(InputSchema):
    """Only the fields sent change; ``levels`` replaces all levels; ``calendar`` accepts null."""

    name: str | None = Field(default=None, max_length=100)
    position: int | None = None
    is_active: bool | None = None
    calendar: str | None = None
    business_time: bool | None = None
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    remind_before_minutes: int | None = None
    priorities: list[PriorityName] | None = Field(default=None, max_length=10)
    ticket_types: list[Id] | None = Field(default=None, max_length=500)
    categories: list[Id] | None = Field(default=None, max_length=500)
    levels: list[EscalationLevelIn] | None = Field(default=None, max_length=20)


NULLABLE = {
    "calendar",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "remind_before_minutes",
}


def _many(model: Any, ids: list[int], field: str) -> list[Any]:
    rows = list(model.objects.filter(pk__in=ids))
    if len(rows) != len(set(ids)):
        missing = sorted(set(ids) - {r.pk for r in rows})
        message = _unknown(missing[0])
        raise ValidationFailed("invalid_reference", message, fields={field: message})
    return rows


def _unknown(pk: int) -> str:
    return _("Unknown or inaccessible id %(id)s.") % {"id": pk}


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """API ids and codes → rows and :class:`LevelIn` (422 ``invalid_reference``)."""
    values = {k: v for k, v in data.items() if v is not None or k in NULLABLE}
    if "calendar" in values:
        code = values["calendar"]
        calendar = BusinessCalendar.objects.filter(code=code).first() if code else None
        if code and calendar is None:
            message = _unknown_calendar(code)
            raise ValidationFailed("invalid_reference", message, fields={"calendar": message})
        values["calendar"] = calendar
    if "ticket_types" in values:
        values["ticket_types"] = _many(TicketType, values["ticket_types"], "ticket_types")
    if "categories" in values:
        values["categories"] = _many(Category, values["categories"], "categories")
    if "levels" in values:
        teams = Team.objects.all()
        values["levels"] = [
            services.LevelIn(
                **{**level, "move_to_team": pick(teams, level.get("move_to_team"), field="levels")}
            )
            for level in values["levels"]
        ]
    return values


def _unknown_calendar(code: str) -> str:
    return _("No business calendar has the code “%(code)s”.") % {"code": code}


def _reload(request: HttpRequest, policy: SlaPolicy) -> SlaPolicy:
    return services.policy_get(user=api_user(request), pk=policy.pk)


@router.get(
    "/sla-policies",
    response={200: list[SlaPolicyOut], **ERRORS},
    operation_id="sla_policies_list",
)
def sla_policies_list(request: HttpRequest) -> list[SlaPolicy]:
    """Every SLA policy in the order they are tried (supervisors and administrators)."""
    return list(services.policy_list(user=api_user(request)))


@router.get(
    "/sla-policies/{policy_id}",
    response={200: SlaPolicyOut, **ERRORS},
    operation_id="sla_policies_get",
)
def sla_policies_get(request: HttpRequest, policy_id: int) -> SlaPolicy:
    """One SLA policy with its targets, conditions and escalation levels."""
    return services.policy_get(user=api_user(request), pk=policy_id)


@router.post(
    "/sla-policies",
    response={201: SlaPolicyOut, **ERRORS},
    operation_id="sla_policies_create",
)
def sla_policies_create(request: HttpRequest, payload: SlaPolicyIn) -> Status[SlaPolicy]:
    """A new policy (administrators): 422 ``sla_policy.exists`` for a name in use,
    ``sla_policy.levels_invalid`` for thresholds out of order, ``sla_policy.invalid``."""
    actor = api_user(request)
    require_calendar_admin(actor)  # before any id or code is looked up
    policy = services.policy_create(actor=actor, **_values(payload.model_dump()))
    return Status(201, _reload(request, policy))


@router.patch(
    "/sla-policies/{policy_id}",
    response={200: SlaPolicyOut, **ERRORS},
    operation_id="sla_policies_update",
)
def sla_policies_update(request: HttpRequest, policy_id: int, payload: SlaPolicyPatch) -> SlaPolicy:
    """Change the fields sent (administrators); nothing is saved when a check fails."""
    actor = api_user(request)
    require_calendar_admin(actor)
    policy = services.policy_get(user=actor, pk=policy_id)
    values = _values(payload.model_dump(exclude_unset=True))
    services.policy_update(actor=actor, policy=policy, **values)
    return _reload(request, policy)
