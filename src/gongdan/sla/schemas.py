from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from gongdan.core.api_support import InputSchema


class PreviewTargets(InputSchema):
    first_response: int | None = Field(default=None, description="Minutes.")
    next_response: int | None = Field(default=None, description="Minutes.")
    resolution: int | None = Field(default=None, description="Minutes.")


class PreviewIn(InputSchema):
    start: datetime = Field(description="ISO 8601; without an offset, the calendar's local time.")
    policy: int | None = Field(default=None, description="An SLA policy id (its targets and mode).")
    targets: PreviewTargets | None = None
    mode: Literal["business", "calendar"] = "business"
    calendar: str = Field(default="", description="Calendar code (default: the default calendar).")


class DueOut(Schema):
    target: str
    minutes: int
    due_at: datetime


class PreviewOut(Schema):
    calendar: str | None
    mode: Literal["business", "calendar"]
    start: datetime
    dues: list[DueOut]


# --- Business calendars ---------------------------------------------------------------------

Pairs = list[list[str]]


class CalendarIn(InputSchema):
    name: str = Field(max_length=100)
    code: str = Field(max_length=50, description="Letters, digits, - and _; cannot change later.")
    time_zone: str = Field(default="Asia/Shanghai", max_length=64, description="IANA name.")
    is_24x7: bool = False
    is_default: bool = Field(default=False, description="Takes the default flag from any other.")


class CalendarPatch(InputSchema):
    name: str | None = Field(default=None, max_length=100)
    time_zone: str | None = Field(default=None, max_length=64)
    is_24x7: bool | None = None
    is_default: bool | None = None


class YearOut(Schema):
    year: int
    special_days: int


class CalendarOut(Schema):
    code: str
    name: str
    time_zone: str
    is_24x7: bool
    is_default: bool
    version: int
    updated_at: datetime
    years: list[YearOut] = Field(description="Special days per year (the years covered).")


class CalendarListOut(Schema):
    items: list[CalendarOut]


class CalendarDetailOut(CalendarOut):
    working_hours: dict[str, Pairs] = Field(
        description='Weekday "0" (Monday) to "6" → [[start, end], ...]; missing: no work.'
    )


class HoursIn(InputSchema):
    hours: dict[int, Pairs] = Field(
        description='Weekday (0 = Monday) → intervals like [["09:00", "12:00"], ["13:00", '
        '"18:00"]]; an empty list: no work. Weekdays not given keep their hours.'
    )
    breaks: dict[int, Pairs] = Field(
        default_factory=dict, description="Weekday → breaks cut out of its hours."
    )


class SpecialDayOut(Schema):
    date: date
    kind: str
    name: str
    intervals: Pairs


class SpecialDayListOut(Schema):
    year: int
    items: list[SpecialDayOut]


class SpecialDayIn(InputSchema):
    kind: str = Field(max_length=20, description="holiday, makeup_workday or half_day.")
    name: str = Field(default="", max_length=100)
    intervals: Pairs = Field(
        default_factory=list,
        description="Working hours: a half day's (required), a make-up day's (default: Monday's).",
    )


class ImportOut(Schema):
    calendar: str
    format: Literal["json", "csv", "ical"]
    special_days: int = Field(description="Special days written (JSON: all of the calendar's).")


class SlaClockOut(Schema):
    """One SLA target of a ticket and its clock."""

    target: Literal["first_response", "next_response", "resolution"]
    target_minutes: int = Field(description="The promise, in minutes.")
    business_time: bool = Field(description="Counted in business hours (else around the clock).")
    state: Literal["running", "paused", "met", "breached", "stopped"]
    due_at: datetime | None = Field(description="When it is due; null while paused or stopped.")
    met_at: datetime | None
    breached_at: datetime | None
    remaining_minutes: int | None = Field(
        description="Target time left on the clock's own time (negative: overdue); "
        "null when the clock does not run."
    )


class TicketSlaOut(Schema):
    """A ticket's SLA: the next due time and one clock per target (null: no such target)."""

    due_at: datetime | None = Field(description="The earliest due time of a running clock.")
    breached_at: datetime | None = Field(description="When the ticket first breached a target.")
    first_response: SlaClockOut | None
    next_response: SlaClockOut | None
    resolution: SlaClockOut | None
