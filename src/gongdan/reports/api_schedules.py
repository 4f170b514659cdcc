"""/api/v1/report-schedules: scheduled reports (supervisors and administrators).

A supervisor sees and changes only their own schedules, an administrator every one; agents and
customers get 403 ``permission.denied`` before anything is read, another supervisor's schedule
is 404 ``schedule.not_found``. Bad input is 422 with a code (``schedule.no_recipients``,
``schedule.invalid_email``, ``report.unknown_report``, ``report.unknown_filter``,
``schedule.unknown_frequency``, ``schedule.weekday_out_of_range``, ``schedule.day_out_of_range``,
…) and nothing is saved. Times are ISO 8601 with offset; ``time_of_day`` is in ``time_zone``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS, InputSchema
from gongdan.reports import schedules as svc
from gongdan.reports.schedule_models import ReportRun, ReportSchedule

router = Router(tags=["reports"])
LISTS = ("users", "emails", "robots", "filters")


class ScheduleIn(InputSchema):
    name: str = Field(max_length=100)
    report: str = Field(description="overview, agents, stage_dwell, insight or cost.")
    filters: dict[str, Any] = Field(
        default_factory=dict, description="ReportFilters names (as tickets_list names them)."
    )
    period: str = Field(
        description="yesterday, last_7_days, last_week, last_month or month_to_date."
    )
    frequency: str = Field(description="daily, weekly or monthly.")
    weekday: int | None = Field(default=None, description="Weekly: 0 (Monday) to 6 (Sunday).")
    day_of_month: int | None = Field(
        default=None, description="Monthly: 1-31 (29-31: the last day of shorter months)."
    )
    time_of_day: time = Field(description="HH:MM in the desk's time zone.")
    file_format: str = Field(default="xlsx", description="xlsx, pdf or both.")
    users: list[int] = Field(default_factory=list, description="Staff user ids.")
    emails: list[str] = Field(default_factory=list)
    robots: list[int] = Field(default_factory=list, description="Group robot ids.")
    is_active: bool = True


class SchedulePatch(InputSchema):
    name: str | None = Field(default=None, max_length=100)
    report: str | None = None
    filters: dict[str, Any] | None = None
    period: str | None = None
    frequency: str | None = None
    weekday: int | None = None
    day_of_month: int | None = None
    time_of_day: time | None = None
    file_format: str | None = None
    users: list[int] | None = None
    emails: list[str] | None = None
    robots: list[int] | None = None
    is_active: bool | None = None


class OutcomeOut(Schema):
    recipient: str
    ok: bool
    error: str
    at: str


class RunOut(Schema):
    id: int
    due_at: datetime
    manual: bool
    period_start: date
    period_end: date
    status: str
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    error: str
    outcomes: list[OutcomeOut]


class ScheduleOut(Schema):
    id: int
    owner: int
    name: str
    report: str
    filters: dict[str, Any]
    period: str
    frequency: str
    weekday: int | None
    day_of_month: int | None
    time_of_day: str
    time_zone: str
    file_format: str
    users: list[int]
    emails: list[str]
    robots: list[int]
    is_active: bool
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_status: str


class ScheduleDetailOut(ScheduleOut):
    runs: list[RunOut]


class ScheduleListOut(Schema):
    items: list[ScheduleOut]


def _run(run: ReportRun) -> dict[str, Any]:
    return {
        **{k: getattr(run, k) for k in RunOut.model_fields if k != "outcomes"},
        "outcomes": [{"recipient": k, **v} for k, v in sorted(run.outcomes.items())],
    }


def _out(schedule: ReportSchedule, *, runs: bool = False) -> dict[str, Any]:
    data = {k: getattr(schedule, k) for k in ScheduleOut.model_fields if hasattr(schedule, k)}
    data.update(
        owner=schedule.owner_id,
        time_of_day=schedule.time_of_day.strftime("%H:%M"),
        time_zone=settings.TIME_ZONE,
        users=sorted(u.pk for u in schedule.users.all()),
    )
    if runs:
        data["runs"] = [_run(r) for r in svc.recent_runs(schedule)]
    return data


def _get(request: HttpRequest, schedule_id: int) -> tuple[Any, ReportSchedule]:
    actor = api_user(request)
    return actor, svc.schedule_get(user=actor, pk=schedule_id)


@router.get(
    "/report-schedules",
    response={200: ScheduleListOut, **ERRORS},
    operation_id="report_schedules_list",
)
def report_schedules_list(request: HttpRequest) -> dict[str, Any]:
    """The caller's schedules (an administrator: every one), by name."""
    rows = svc.schedule_list(user=api_user(request)).prefetch_related("users")
    return {"items": [_out(s) for s in rows]}


@router.post(
    "/report-schedules",
    response={201: ScheduleDetailOut, **ERRORS},
    operation_id="report_schedules_create",
)
def report_schedules_create(request: HttpRequest, payload: ScheduleIn) -> Status[dict[str, Any]]:
    """Schedule a report; at least one recipient (user, address or robot)."""
    data = svc.ScheduleInput(**payload.model_dump())
    schedule = svc.schedule_create(actor=api_user(request), data=data)
    return Status(201, _out(schedule, runs=True))


@router.get(
    "/report-schedules/{schedule_id}",
    response={200: ScheduleDetailOut, **ERRORS},
    operation_id="report_schedules_get",
)
def report_schedules_get(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    """One schedule with its recent runs (status, attempts, each recipient's outcome)."""
    return _out(_get(request, schedule_id)[1], runs=True)


@router.patch(
    "/report-schedules/{schedule_id}",
    response={200: ScheduleDetailOut, **ERRORS},
    operation_id="report_schedules_update",
)
def report_schedules_update(
    request: HttpRequest, schedule_id: int, payload: SchedulePatch
) -> dict[str, Any]:
    """Change what is given (``is_active: false`` pauses); the next run is computed again."""
    actor, schedule = _get(request, schedule_id)
    data = svc.schedule_input(schedule)
    for key, value in payload.model_dump(exclude_unset=True).items():
        if value is None and key in LISTS:
            value = {} if key == "filters" else []  # null clears a list
        elif value is None and key not in ("weekday", "day_of_month"):
            continue  # null leaves a setting as it is
        setattr(data, key, value)
    return _out(svc.schedule_update(actor=actor, schedule=schedule, data=data), runs=True)


@router.delete(
    "/report-schedules/{schedule_id}",
    response={204: None, **ERRORS},
    operation_id="report_schedules_delete",
)
def report_schedules_delete(request: HttpRequest, schedule_id: int) -> Status[None]:
    """Delete a schedule and its runs."""
    actor, schedule = _get(request, schedule_id)
    svc.schedule_delete(actor=actor, schedule=schedule)
    return Status(204, None)


@router.post(
    "/report-schedules/{schedule_id}/run",
    response={202: RunOut, **ERRORS},
    operation_id="report_schedules_run",
)
def report_schedules_run(request: HttpRequest, schedule_id: int) -> Status[dict[str, Any]]:
    """Send now (the engine's next tick, within a minute); the schedule itself is unchanged."""
    actor, schedule = _get(request, schedule_id)
    return Status(202, _run(svc.schedule_run_now(actor=actor, schedule=schedule)))
