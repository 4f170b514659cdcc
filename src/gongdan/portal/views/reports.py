"""An organization admin's figures on the portal (/portal/reports/): their organization's volume,
SLA attainment and resolution times over a period (``report_overview`` in the organization
scope). Other customers get 403; staff go to the workspace, where the reports live."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongdan.accounts.access import customer_required
from gongdan.core.errors import DomainError
from gongdan.reports.filters import ReportFilters
from gongdan.reports.forms import PERIOD_CHOICES
from gongdan.reports.present import change_text, value_text
from gongdan.reports.query import report_query
from gongdan.reports.results import Report
from gongdan.reports.scope import report_scope
from gongdan.reports.selectors import report_overview

#: The workspace's period choices, less the very short and the custom ones.
PERIODS = [(key, label) for key, label in PERIOD_CHOICES if key not in ("today", "7d", "custom")]
#: The overview's figures a customer sees (no staff-internal ones such as cost or time logged).
SHOWN = (
    "created",
    "resolved",
    "closed",
    "backlog",
    "sla_first_response",
    "sla_resolution",
    "frt_mean",
    "frt_median",
    "resolution_mean",
    "resolution_median",
    "resolution_p90",
)
SHOWN_TABLES = ("sla",)


def _figures(report: Report) -> dict[str, Any]:
    stats = [
        {
            "key": s.key,
            "label": s.label,
            "text": value_text(s.value, s.unit),
            "previous": value_text(s.previous, s.unit),
            "change": change_text(s.change),
        }
        for s in report.stats
        if s.key in SHOWN
    ]
    stats.sort(key=lambda s: SHOWN.index(s["key"]))
    tables = [
        {
            "title": t.title,
            "columns": t.columns,
            "rows": [[value_text(r.get(c.key), c.unit) for c in t.columns] for r in t.rows],
        }
        for t in report.tables
        if t.key in SHOWN_TABLES
    ]
    return {"stats": stats, "tables": tables, "period": report.period}


@customer_required
@require_GET
def org_report(request: HttpRequest) -> HttpResponse:
    """The organization's figures (organization admins only)."""
    user = request.user
    if report_scope(user).organization is None:
        raise PermissionDenied
    period = request.GET.get("period") or "30d"
    context: dict[str, Any] = {"periods": PERIODS, "current": period}
    try:
        query = report_query({"period": period})
        report = report_overview(user=user, period=query.period, filters=ReportFilters())
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "portal/org_report.html", context, status=422)
    context |= _figures(report)
    return render(request, "portal/org_report.html", context)
