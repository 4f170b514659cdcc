"""Report selectors: every figure of every dashboard, API operation, export and scheduled report.

Each takes the reader first and narrows to :func:`gongdan.reports.scope.report_scope` before any
filter. Figures come from the kept facts and rollups (``reports.models``), never from a scan of
the ticket table; definitions are in ``gongdan.reports.metrics`` and docs/metrics.md.

CONTRACT (engine work in progress): the signatures below are what the dashboards, API, exports
and schedules call.
"""

from __future__ import annotations

from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Report, Series

#: The named reports (``report_build(name=...)``, ``reports_export``, schedules).
REPORTS = ("overview", "agents", "stage_dwell", "insight", "cost")


def report_overview(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Headline stats (each with the previous period): created, resolved, closed, cancelled,
    reopened, backlog, FRT and resolution time (mean/median/p90, calendar and business), FCR
    rate, reopen rate, reassignments per ticket, SLA attainment per target, MTTR, CSAT (None
    until feedback exists), time logged, cost. Tables: inflow vs outflow per day, backlog age,
    SLA per target (met/breached/paused), by team, by type, by channel, by priority."""
    raise NotImplementedError


def report_timeseries(
    *,
    user: object,
    metric: str,
    interval: str,
    group_by: str,
    period: Period,
    filters: ReportFilters,
) -> Series:
    """``metric`` (a key of ``metrics.SERIES_METRICS``) per ``interval`` (day/week/month),
    one line per ``group_by`` value ("" for one total line). Unknown names: 422."""
    raise NotImplementedError


def report_agents(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """One row per agent in scope: handled, resolved, FRT, resolution time, SLA attainment,
    reopen rate, CSAT (None), time logged."""
    raise NotImplementedError


def report_stage_dwell(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Time in each status and in each team (mean/median/p90 seconds, tickets), and per ticket
    type the stage where tickets wait longest (the bottleneck)."""
    raise NotImplementedError


def report_insight(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Top organizations, top categories and repeated problems per organization, trend per
    category and per region (team kind region), channel mix, hour-of-week arrival heat map."""
    raise NotImplementedError


def report_build(*, user: object, name: str, period: Period, filters: ReportFilters) -> Report:
    """The report called ``name`` (one of :data:`REPORTS`; else 422 ``report.unknown_report``)."""
    raise NotImplementedError
