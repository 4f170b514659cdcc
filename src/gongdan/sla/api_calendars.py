"""/api/v1/calendars: business calendars (working hours, special days, import and export).

Reads are for supervisors and administrators (403 ``permission.denied`` for agents and
customers); writes for administrators only (403 ``permission.admin_only``, checked before the
calendar is looked up). Unknown codes answer 404 ``calendar.not_found``; bad input 422 with a
message per field. Every write goes through :mod:`gongdan.sla.services`, which audits it and
re-aims open tickets' due times.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS
from gongdan.sla import io, selectors, services
from gongdan.sla.models import BusinessCalendar
from gongdan.sla.policies import require_calendar_admin
from gongdan.sla.schemas import (
    CalendarDetailOut,
    CalendarIn,
    CalendarListOut,
    CalendarOut,
    CalendarPatch,
    HoursIn,
    ImportOut,
    SpecialDayIn,
    SpecialDayListOut,
    SpecialDayOut,
)
from gongdan.sla.validation import intervals_to_json

router = Router(tags=["calendars"])

UPLOAD_ERRORS = {**ERRORS, 413: ERRORS[400]}


def _out(calendar: BusinessCalendar, years: list[tuple[int, int]] | None = None) -> dict[str, Any]:
    if years is None:
        years = selectors.special_day_years([calendar])[calendar.pk]
    return {
        "code": calendar.code,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "is_24x7": calendar.is_24x7,
        "is_default": calendar.is_default,
        "version": calendar.version,
        "updated_at": calendar.updated_at,
        "years": [{"year": year, "special_days": n} for year, n in years],
    }


def _detail(calendar: BusinessCalendar) -> dict[str, Any]:
    week: dict[str, list[Any]] = {}
    for row in calendar.working_hours.order_by("weekday", "start"):
        week.setdefault(str(row.weekday), []).append((row.start, row.end))
    return {
        **_out(calendar),
        "working_hours": {day: intervals_to_json(ivs) for day, ivs in week.items()},
    }


def _writable(request: HttpRequest, code: str) -> tuple[Any, BusinessCalendar]:
    actor = api_user(request)
    require_calendar_admin(actor)
    return actor, selectors.calendar_get(code=code, user=actor)


@router.get("/calendars", response={200: CalendarListOut, **ERRORS}, operation_id="calendars_list")
def calendars_list(request: HttpRequest) -> dict[str, Any]:
    """Every business calendar by name, with its special days per year (supervisors, admins)."""
    rows = selectors.calendar_list(user=api_user(request))
    return {"items": [_out(row.calendar, row.years) for row in rows]}


# /calendars/import comes before /calendars/{code}, which would otherwise match it.
@router.post("/calendars", response={201: CalendarOut, **ERRORS}, operation_id="calendars_create")
def calendars_create(request: HttpRequest, payload: CalendarIn) -> Status[dict[str, Any]]:
    """Create a calendar without working hours (administrators)."""
    actor = api_user(request)
    require_calendar_admin(actor)
    calendar = services.calendar_create(actor=actor, **payload.model_dump())
    return Status(201, _out(calendar, []))


@router.post(
    "/calendars/import", response={200: ImportOut, **UPLOAD_ERRORS}, operation_id="calendars_import"
)
def calendars_import(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[str] = "",
    calendar: Form[str] = "",
    replace: Form[bool] = False,
) -> dict[str, Any]:
    """Import a file (multipart ``file``; administrators). All or nothing.

    ``format`` json, csv or ical (default: from the file name). JSON creates a calendar, or
    replaces the one with its code when ``replace`` is set; CSV and iCal add or replace special
    days of ``calendar`` (a code). Problems: 422 ``calendar.import_invalid`` with a message per
    place (``line 7``, ``special_days[3]``).
    """
    actor = api_user(request)
    require_calendar_admin(actor)
    target = selectors.calendar_get(code=calendar, user=actor) if calendar else None
    fmt = io.import_format(filename=file.name or "", declared=format)
    text = io.decode_upload(file.read(io.MAX_IMPORT_BYTES + 1))
    result = io.calendar_import(actor=actor, fmt=fmt, text=text, calendar=target, replace=replace)
    return {
        "calendar": result.calendar.code,
        "format": result.format,
        "special_days": result.special_days,
    }


@router.get(
    "/calendars/{code}", response={200: CalendarDetailOut, **ERRORS}, operation_id="calendars_get"
)
def calendars_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """One calendar with its weekly working hours (supervisors, admins)."""
    return _detail(selectors.calendar_get(code=code, user=api_user(request)))


@router.patch(
    "/calendars/{code}",
    response={200: CalendarDetailOut, **ERRORS},
    operation_id="calendars_update",
)
def calendars_update(request: HttpRequest, code: str, payload: CalendarPatch) -> dict[str, Any]:
    """Change the name, time zone, 24×7 or default flag (administrators); the code is fixed."""
    actor, calendar = _writable(request, code)
    calendar = services.calendar_update(
        actor=actor, calendar=calendar, **payload.model_dump(exclude_none=True)
    )
    return _detail(calendar)


@router.put(
    "/calendars/{code}/hours",
    response={200: CalendarDetailOut, **ERRORS},
    operation_id="calendars_hours_set",
)
def calendars_hours_set(request: HttpRequest, code: str, payload: HoursIn) -> dict[str, Any]:
    """Replace the working hours of the weekdays given (administrators).

    Overlapping or reversed intervals and breaks outside the hours: 422 with fields
    ``hours.<weekday>`` / ``breaks.<weekday>``; nothing is changed.
    """
    actor, calendar = _writable(request, code)
    services.working_week_set(
        actor=actor, calendar=calendar, week=dict(payload.hours), breaks=dict(payload.breaks)
    )
    return _detail(calendar)


@router.get(
    "/calendars/{code}/special-days",
    response={200: SpecialDayListOut, **ERRORS},
    operation_id="calendars_special_days_list",
)
def calendars_special_days_list(
    request: HttpRequest, code: str, year: Query[int | None] = None
) -> dict[str, Any]:
    """The special days of one year (default: this year), by date (supervisors, admins)."""
    actor = api_user(request)
    calendar = selectors.calendar_get(code=code, user=actor)
    year = selectors.checked_year(year)
    days = selectors.special_day_list(user=actor, calendar=calendar, year=year)
    return {"year": year, "items": list(days)}


@router.put(
    "/calendars/{code}/special-days/{day}",
    response={200: SpecialDayOut, **ERRORS},
    operation_id="calendars_special_days_set",
)
def calendars_special_days_set(
    request: HttpRequest, code: str, day: date, payload: SpecialDayIn
) -> Any:
    """Create or replace the special day of ``day`` (administrators).

    A make-up workday (调休) must be a Saturday or Sunday; a half day needs its hours.
    """
    actor, calendar = _writable(request, code)
    return services.special_day_set(
        actor=actor, calendar=calendar, date=day, **payload.model_dump()
    )


@router.delete(
    "/calendars/{code}/special-days/{day}",
    response={204: None, **ERRORS},
    operation_id="calendars_special_days_delete",
)
def calendars_special_days_delete(request: HttpRequest, code: str, day: date) -> Status[None]:
    """Remove the special day of ``day`` (administrators); 404 when there is none."""
    actor, calendar = _writable(request, code)
    services.special_day_delete(actor=actor, calendar=calendar, date=day)
    return Status(204, None)


@router.get(
    "/calendars/{code}/export",
    response=ERRORS,
    operation_id="calendars_export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The calendar as a download (JSON: everything; CSV, iCal: the "
                "special days).",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/calendar": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def calendars_export(
    request: HttpRequest,
    code: str,
    format: Query[str] = "json",
) -> HttpResponse:
    """Download a calendar as ``format`` json, csv or ical (supervisors, admins)."""
    calendar = selectors.calendar_get(code=code, user=api_user(request))
    content, content_type, filename = io.calendar_export(calendar, format)
    response = HttpResponse(content.encode(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
