"""/api/v1/reports: every figure of the dashboards (period and filters as ``tickets_list`` names
them; bad input is a 422 with the code of ``reports.query``/``reports.periods``).

Staff see what :func:`~gongdan.reports.scope.report_scope` gives them. A customer organization
admin may read ``reports_overview`` and ``reports_timeseries`` of their own organization (without
drill-down queries, which name the staff ticket list); every other customer gets 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.policies import is_staff_user
from gongdan.core.api_support import ERRORS
from gongdan.core.errors import Forbidden
from gongdan.reports import selectors
from gongdan.reports.live import AT_RISK_WINDOW, live_board
from gongdan.reports.query import ReportQuery, report_query, series_options
from gongdan.reports.schemas import LiveOut, ReportOut, ReportQueryIn, SeriesOut, SeriesQueryIn
from gongdan.reports.scope import report_scope
from gongdan.reports.serialize import live_data, report_data, series_data

router = Router(tags=["reports"])


def _reader(request: HttpRequest, *, staff_only: bool) -> Any:
    user = api_user(request)
    if is_staff_user(user):
        return user
    if not staff_only and report_scope(user).organization is not None:
        return user
    raise Forbidden("permission.staff_only", _("Only service staff may read these figures."))


def _query(params: ReportQueryIn) -> ReportQuery:
    return report_query(params.model_dump())


def _report(request: HttpRequest, name: str, params: ReportQueryIn, *, staff_only: bool) -> Any:
    user = _reader(request, staff_only=staff_only)
    query = _query(params)
    report = getattr(selectors, f"report_{name}")(
        user=user, period=query.period, filters=query.filters
    )
    return report_data(report, drills=is_staff_user(user))


@router.get(
    "/reports/overview", response={200: ReportOut, **ERRORS}, operation_id="reports_overview"
)
def reports_overview(request: HttpRequest, params: Query[ReportQueryIn]) -> Any:
    """Headline figures with the previous period, and the overview's breakdowns."""
    return _report(request, "overview", params, staff_only=False)


@router.get(
    "/reports/timeseries", response={200: SeriesOut, **ERRORS}, operation_id="reports_timeseries"
)
def reports_timeseries(request: HttpRequest, params: Query[SeriesQueryIn]) -> Any:
    """One metric per day, week or month, one line per group (``group_by``)."""
    user = _reader(request, staff_only=False)
    query = _query(params)
    metric, interval, group_by = series_options(params.model_dump())
    series = selectors.report_timeseries(
        user=user,
        metric=metric,
        interval=interval,
        group_by=group_by,
        period=query.period,
        filters=query.filters,
    )
    return series_data(series)


@router.get("/reports/agents", response={200: ReportOut, **ERRORS}, operation_id="reports_agents")
def reports_agents(request: HttpRequest, params: Query[ReportQueryIn]) -> Any:
    """One row per agent in scope (staff only; an agent gets their own row)."""
    return _report(request, "agents", params, staff_only=True)


@router.get(
    "/reports/stage-dwell",
    response={200: ReportOut, **ERRORS},
    operation_id="reports_stage_dwell",
)
def reports_stage_dwell(request: HttpRequest, params: Query[ReportQueryIn]) -> Any:
    """Time spent in each status and team, and the bottleneck per ticket type (staff only)."""
    return _report(request, "stage_dwell", params, staff_only=True)


@router.get("/reports/insight", response={200: ReportOut, **ERRORS}, operation_id="reports_insight")
def reports_insight(request: HttpRequest, params: Query[ReportQueryIn]) -> Any:
    """Top organizations and categories, repeated problems, channel mix, arrivals heat map."""
    return _report(request, "insight", params, staff_only=True)


@router.get("/reports/live", response={200: LiveOut, **ERRORS}, operation_id="reports_live")
def reports_live(request: HttpRequest) -> Any:
    """The live board now: open by status and team, at risk, breached, unassigned, agents."""
    user = _reader(request, staff_only=True)
    board = live_board(user=user)
    return live_data(board, window_seconds=int(AT_RISK_WINDOW.total_seconds()))
