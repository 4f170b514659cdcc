"""The reports in the workspace (/desk/reports/): dashboards, trends and the live board.

Staff only (customers get 403; an organization admin's figures are on the portal). What each
reader sees is narrowed by the selectors (``report_scope``): an agent's pages are "My figures".
Bad input (period, filter) re-renders the page with the translated message and status 422.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import DomainError
from gongdan.core.htmx import htmx_target, vary_on_htmx
from gongdan.core.pages import page_guard
from gongdan.reports import report_files, selectors
from gongdan.reports.forms import ReportForm, SeriesForm
from gongdan.reports.live import AT_RISK_WINDOW, live_board
from gongdan.reports.metrics import SERIES_METRICS
from gongdan.reports.present import series_chart, series_rows
from gongdan.reports.query import report_query, series_options
from gongdan.reports.scope import report_scope
from gongdan.reports.shown import report_context

PAGES = ("overview", "agents", "stage_dwell", "insight", "cost")


# Sign-in first; staff pass (their scope narrows the figures); customers get 403.
staff_reports = page_guard(is_staff_user)


def _page(request: HttpRequest, tab: str) -> dict[str, Any]:
    scope = report_scope(request.user)
    form = ReportForm(request.GET or None, user=request.user, scope=scope)  # type: ignore[arg-type]
    return {"form": form, "tab": tab, "scope": scope, "personal": scope.is_personal}


def _refused(request: HttpRequest, context: dict[str, Any], exc: DomainError) -> HttpResponse:
    context |= {"error": exc.message, "error_fields": exc.fields}
    return render(request, "reports/report.html", context, status=422)


@require_GET
@staff_reports
def report_tab(request: HttpRequest, name: str) -> HttpResponse:
    """One report tab (``PAGES``): the overview (an agent's is "My figures"), agents, stage
    dwell, customer insight, time and cost."""
    context = _page(request, name)
    try:
        query = report_query(request.GET)
        report = selectors.report_build(
            user=request.user, name=name, period=query.period, filters=query.filters
        )
    except DomainError as exc:
        return _refused(request, context, exc)
    # The download buttons ask for the same report with the same period and filters.
    params = request.GET.copy()
    params.pop("format", None)
    params["name"] = name
    context |= report_context(report, context["scope"]) | {"export_query": params.urlencode()}
    return render(request, "reports/report.html", context)


@require_GET
@staff_reports
def export(request: HttpRequest) -> HttpResponse:
    """The report of a tab (``name``) with the page's period and filters, as .xlsx or PDF."""
    name = request.GET.get("name", "")
    context = _page(request, name if name in PAGES else "overview")
    try:
        query = report_query(request.GET)
        rendered = report_files.report_file_for(
            user=request.user,
            name=name,
            format=request.GET.get("format", ""),
            period=query.period,
            filters=query.filters,
        )
    except DomainError as exc:
        return _refused(request, context, exc)
    return report_files.file_response(*rendered)


@require_GET
@staff_reports
def trends(request: HttpRequest) -> HttpResponse:
    """One metric over time (day/week/month), one line per group; points drill down."""
    context = _page(request, "trends")
    metrics = [(key, getattr(m, "label", key)) for key, m in SERIES_METRICS.items()]
    context["series_form"] = SeriesForm(request.GET or None, metrics=metrics)
    try:
        query = report_query(request.GET)
        metric, interval, group_by = series_options(request.GET)
        series = selectors.report_timeseries(
            user=request.user,
            metric=metric,
            interval=interval,
            group_by=group_by,
            period=query.period,
            filters=query.filters,
        )
    except DomainError as exc:
        return _refused(request, context, exc)
    drill = query.filters.as_query() | {"end": query.period.end.isoformat()}
    chart = series_chart(series, drill, context["scope"])
    rows = series_rows(series, chart)
    context |= {"series": series, "period": query.period, "chart": chart, "series_rows": rows}
    return render(request, "reports/report.html", context)


@require_GET
@staff_reports
def live(request: HttpRequest) -> HttpResponse:
    """The live board; htmx polls ``#live-board`` every 30 s for the fragment alone."""
    board = live_board(user=request.user)
    context = {
        "board": board,
        "tab": "live",
        "at_risk_minutes": int(AT_RISK_WINDOW.total_seconds() // 60),
    }
    if htmx_target(request) == "live-board":
        return vary_on_htmx(render(request, "reports/live.html#board", context))
    return vary_on_htmx(render(request, "reports/live.html", context))
