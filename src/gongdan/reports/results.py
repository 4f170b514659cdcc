"""What a report returns: one shape for the dashboards, the API, the exports and the scheduled
mails, so every figure is computed once and rendered four ways.

Units: ``count``, ``seconds`` (durations, always seconds), ``ratio`` (0..1), ``money`` (yuan,
2 decimals), ``minutes``, ``text``. ``None`` is "no value" (shown as "—"), never 0.
A ``drill`` is the ticket-list query (``tickets_list`` parameter names) behind a figure; an empty
mapping means the figure has no ticket list behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise

from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period

Label = str | Promise
Number = int | float | None


@dataclass(frozen=True)
class Column:
    key: str
    label: Label
    unit: str = "count"


@dataclass
class Stat:
    """One headline figure with the same figure for the previous period."""

    key: str
    label: Label
    unit: str
    value: Number
    previous: Number = None
    drill: dict[str, str] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (None when either side is missing/0)."""
        if self.value is None or not self.previous:
            return None
        return (float(self.value) - float(self.previous)) / float(self.previous)


@dataclass
class Table:
    """Rows of one breakdown; ``chart`` hints how a dashboard draws it (bar, line, pie,
    heatmap, stack, or "" for a table only). ``drills[i]`` is row i's drill-down (may be {})."""

    key: str
    title: Label
    columns: list[Column]
    rows: list[dict[str, Any]]
    drills: list[dict[str, str]] = field(default_factory=list)
    chart: str = "bar"


@dataclass
class Line:
    key: str
    label: Label
    values: list[Number]


@dataclass
class Series:
    """A metric over time: ``buckets[i]`` is the first day of bucket i; one line per group."""

    metric: str
    label: Label
    unit: str
    interval: str
    group_by: str
    buckets: list[date]
    lines: list[Line]


@dataclass
class Report:
    """A named report for a reader, period and filters."""

    name: str
    title: Label
    period: Period
    filters: ReportFilters
    stats: list[Stat] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    generated_at: datetime | None = None
