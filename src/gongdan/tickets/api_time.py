"""/api/v1 time entries on tickets, the timer, and hourly cost rates: parse, call, render.

Durations are whole minutes (``minutes``); amounts are yuan as decimal strings (``"12.50"``);
times are ISO 8601 with offset. Staff only: customers get 403, tickets one cannot see 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team, User
from gongdan.core.api_support import ERRORS, ErrorOut, InputSchema, PageQuery, paginate, pick
from gongdan.core.pagination import Page
from gongdan.tickets import selectors, services
from gongdan.tickets import time_selectors as ts
from gongdan.tickets.models import TIME_ENTRY_MAX_MINUTES, CostRate, TimeEntry
from gongdan.tickets.services.time import require_rate_manager

router = Router(tags=["time and cost"])
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class TimeEntryIn(InputSchema):
    minutes: int = Field(description=f"Whole minutes worked, 1 … {TIME_ENTRY_MAX_MINUTES}.")
    billable: bool = True
    note: str = Field(default="", max_length=500)
    work_date: date | None = Field(default=None, description="The day worked; default today.")


class TimeEntryOut(Schema):
    id: int
    ticket: str = Field(alias="ticket.number")
    user: int = Field(alias="user_id")
    user_name: str
    minutes: int = Field(description="Whole minutes worked.")
    billable: bool
    note: str
    comment: int | None = Field(alias="comment_id", description="The reply or note it came with.")
    work_date: date
    started_at: datetime | None = Field(description="When its timer started (timer entries).")
    created_at: datetime
    amount: Decimal | None = Field(description="Labour cost in yuan at the rate then in force.")
    hourly_rate: Decimal | None = Field(description="That rate (yuan/hour); null: none was set.")

    @staticmethod
    def resolve_user_name(obj: TimeEntry) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_amount(obj: TimeEntry) -> Decimal | None:
        cost = getattr(obj, "cost_entry", None)
        return cost.amount if cost else None

    @staticmethod
    def resolve_hourly_rate(obj: TimeEntry) -> Decimal | None:
        cost = getattr(obj, "cost_entry", None)
        return cost.hourly_rate if cost else None


class TimeEntryPage(Schema):
    items: list[TimeEntryOut]
    next_cursor: str | None
    prev_cursor: str | None


class TimeEntryQuery(PageQuery):
    user: int | None = Field(default=None, description="Supervisors/admins: one agent's id.")
    start: date | None = Field(default=None, description="First work date (inclusive).")
    end: date | None = Field(default=None, description="Last work date (inclusive).")


class TimerStopIn(InputSchema):
    billable: bool = True
    note: str = Field(default="", max_length=500)


class TimerOut(Schema):
    ticket: str
    running: bool
    started_at: datetime | None


class CostRateIn(InputSchema):
    user: int | None = Field(default=None, description="An agent's id; or give a team.")
    team: int | None = Field(default=None, description="A team's id; or give an agent.")
    hourly_cost: Decimal = Field(description="Yuan per hour, 0 … 100000, 2 decimals.")
    effective_from: date


class CostRateOut(Schema):
    id: int
    user: int | None = Field(alias="user_id")
    team: int | None = Field(alias="team_id")
    hourly_cost: Decimal
    effective_from: date
    created_at: datetime


@router.post(
    "/tickets/{number}/time-entries",
    response={201: TimeEntryOut, **ERRORS},
    operation_id="time_entries_create",
)
def time_entries_create(
    request: HttpRequest, number: str, payload: TimeEntryIn
) -> Status[TimeEntry]:
    """Log minutes on the ticket with their labour cost; 422 ``time.minutes_invalid`` etc."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    entry = services.time_entry_create(actor=actor, ticket=ticket, **payload.model_dump())
    return Status(201, ts.time_entry_get(user=actor, pk=entry.pk))


@router.get(
    "/tickets/{number}/time-entries",
    response={200: list[TimeEntryOut], **ERRORS},
    operation_id="time_entries_list",
)
def time_entries_list(request: HttpRequest, number: str) -> list[TimeEntry]:
    """Every time entry on the ticket, newest first (staff who can see it)."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    return ts.ticket_time_entries(user=actor, ticket=ticket)


@router.get(
    "/time-entries",
    response={200: TimeEntryPage, **ERRORS},
    operation_id="time_entries_search",
)
def time_entries_search(request: HttpRequest, query: Query[TimeEntryQuery]) -> Page[TimeEntry]:
    """Time entries across the desk by work date (supervisors/admins: everyone's, ``user``
    narrows; agents: their own); newest first, keyset-paged; 422 for a bad date range."""
    actor = api_user(request)
    qs = ts.time_entry_list(user=actor, agent=query.user, start=query.start, end=query.end)
    return paginate(qs, ordering=["-work_date", "-id"], size=query.size, cursor=query.cursor)


@router.delete(
    "/time-entries/{entry_id}",
    response={204: None, **ERRORS},
    operation_id="time_entries_delete",
)
def time_entries_delete(request: HttpRequest, entry_id: int) -> Status[None]:
    """Delete a time entry and its cost (its author, or a supervisor/admin)."""
    actor = api_user(request)
    entry = ts.time_entry_get(user=actor, pk=entry_id)
    services.time_entry_delete(actor=actor, entry=entry)
    return Status(204, None)


@router.post(
    "/tickets/{number}/timer/start",
    response={201: TimerOut, **WRITE_ERRORS},
    operation_id="timers_start",
)
def timers_start(request: HttpRequest, number: str) -> Status[dict[str, object]]:
    """Start my timer on the ticket; 409 ``timer.running`` if it runs already."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    timer = services.timer_start(actor=actor, ticket=ticket)
    return Status(201, {"ticket": ticket.number, "running": True, "started_at": timer.started_at})


@router.post(
    "/tickets/{number}/timer/stop",
    response={201: TimeEntryOut, **WRITE_ERRORS},
    operation_id="timers_stop",
)
def timers_stop(request: HttpRequest, number: str, payload: TimerStopIn) -> Status[TimeEntry]:
    """Stop my timer and log the elapsed minutes; 409 ``timer.not_running`` without one."""
    actor = api_user(request)
    ticket = selectors.ticket_get(user=actor, number=number)
    entry = services.timer_stop(actor=actor, ticket=ticket, **payload.model_dump())
    return Status(201, ts.time_entry_get(user=actor, pk=entry.pk))


@router.get(
    "/cost-rates", response={200: list[CostRateOut], **ERRORS}, operation_id="cost_rates_list"
)
def cost_rates_list(request: HttpRequest) -> list[CostRate]:
    """Every hourly cost rate (supervisors and admins)."""
    return ts.cost_rate_list(user=api_user(request))


@router.post("/cost-rates", response={201: CostRateOut, **ERRORS}, operation_id="cost_rates_set")
def cost_rates_set(request: HttpRequest, payload: CostRateIn) -> Status[CostRate]:
    """Set an agent's or a team's hourly cost from a date on (supervisors and admins); a rate
    for the same agent/team and day is replaced; logged time keeps its cost."""
    actor = api_user(request)
    require_rate_manager(actor)  # before any id is looked up
    rate = services.cost_rate_set(
        actor=actor,
        user=pick(User.objects.all(), payload.user, field="user"),
        team=pick(Team.objects.all(), payload.team, field="team"),
        hourly_cost=payload.hourly_cost,
        effective_from=payload.effective_from,
    )
    return Status(201, rate)
