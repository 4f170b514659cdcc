"""API shapes of the reports (``/api/v1/reports/...``): times ISO 8601 with offset, durations in
seconds, ratios 0..1, money in yuan; ``null`` is "no value" (never 0)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

Value = int | float | str | None


class ReportQueryIn(Schema):
    """Period and filters; the filters have the ``tickets_list`` names."""

    period: str = Field(
        default="30d",
        max_length=20,
        description="today, 7d, 30d, 90d, month, last_month, quarter, year or custom.",
    )
    start: str = Field(default="", max_length=10, description="custom: first day (YYYY-MM-DD).")
    end: str = Field(default="", max_length=10, description="custom: last day (YYYY-MM-DD).")
    team: int | None = Field(default=None, ge=1, le=2**63 - 1)
    assignee: int | None = Field(default=None, ge=1, le=2**63 - 1)
    ticket_type: int | None = Field(default=None, ge=1, le=2**63 - 1)
    category: int | None = Field(default=None, ge=1, le=2**63 - 1)
    channel: str = Field(default="", max_length=16)
    organization: int | None = Field(default=None, ge=1, le=2**63 - 1)
    priority: str = Field(default="", max_length=16)


class SeriesQueryIn(ReportQueryIn):
    metric: str = Field(default="created", max_length=40)
    interval: str = Field(default="day", max_length=10, description="day, week or month.")
    group_by: str = Field(
        default="",
        max_length=20,
        description="team, assignee, ticket_type, category, channel, organization, priority, "
        'or "" for one total line.',
    )


class PeriodOut(Schema):
    start: date
    end: date
    days: int
    previous_start: date
    previous_end: date


class StatOut(Schema):
    key: str
    label: str
    unit: str
    value: Value
    previous: Value
    change: float | None = Field(description="Relative change against the previous period.")
    drill: dict[str, str] = Field(description="The tickets_list query behind the figure.")


class ColumnOut(Schema):
    key: str
    label: str
    unit: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    drills: list[dict[str, str]]
    chart: str


class LineOut(Schema):
    key: str
    label: str
    values: list[Value]


class SeriesOut(Schema):
    metric: str
    label: str
    unit: str
    interval: str
    group_by: str
    buckets: list[date]
    lines: list[LineOut]


class ReportOut(Schema):
    name: str
    title: str
    period: PeriodOut
    filters: dict[str, str]
    stats: list[StatOut]
    tables: list[TableOut]
    series: list[SeriesOut]
    generated_at: datetime | None


class LiveCountsOut(Schema):
    open: int
    unassigned: int
    at_risk: int
    breached: int


class LiveStatusOut(Schema):
    status: str
    label: str
    open: int


class LiveTeamOut(LiveCountsOut):
    team: int | None
    name: str


class LiveAgentOut(Schema):
    id: int
    name: str
    availability: str
    load: int


class LiveTicketOut(Schema):
    number: str
    title: str
    team: int | None
    assignee: int | None
    sla_due_at: datetime | None
    sla_breached_at: datetime | None


class LiveOut(Schema):
    generated_at: datetime
    at_risk_window_seconds: int
    totals: LiveCountsOut
    by_status: list[LiveStatusOut]
    by_team: list[LiveTeamOut]
    agents: list[LiveAgentOut]
    at_risk: list[LiveTicketOut]
    breached: list[LiveTicketOut]
