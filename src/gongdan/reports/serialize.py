"""Reports as plain data for the API (labels in the active language, dates as ISO strings)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from gongdan.reports.live import LiveBoard, LiveRow
from gongdan.reports.results import Report, Series


def plain(value: Any) -> Any:
    """A JSON value: lazy labels as text, times with their offset, decimals as numbers."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def series_data(series: Series) -> dict[str, Any]:
    return {
        "metric": series.metric,
        "label": str(series.label),
        "unit": series.unit,
        "interval": series.interval,
        "group_by": series.group_by,
        "buckets": series.buckets,
        "lines": [
            {"key": str(line.key), "label": str(line.label), "values": plain(line.values)}
            for line in series.lines
        ],
    }


def report_data(report: Report, *, drills: bool = True) -> dict[str, Any]:
    """``report`` for ``ReportOut`` (``drills=False``: no ticket-list queries, for customers)."""
    previous = report.period.previous()
    return {
        "name": report.name,
        "title": str(report.title),
        "period": {
            "start": report.period.start,
            "end": report.period.end,
            "days": report.period.days,
            "previous_start": previous.start,
            "previous_end": previous.end,
        },
        "filters": report.filters.as_query(),
        "stats": [
            {
                "key": s.key,
                "label": str(s.label),
                "unit": s.unit,
                "value": plain(s.value),
                "previous": plain(s.previous),
                "change": s.change,
                "drill": dict(s.drill) if drills else {},
            }
            for s in report.stats
        ],
        "tables": [
            {
                "key": t.key,
                "title": str(t.title),
                "columns": [
                    {"key": c.key, "label": str(c.label), "unit": c.unit} for c in t.columns
                ],
                "rows": plain(t.rows),
                "drills": [dict(d) for d in t.drills] if drills else [],
                "chart": t.chart,
            }
            for t in report.tables
        ],
        "series": [series_data(s) for s in report.series],
        "generated_at": report.generated_at,
    }


def _counts(row: LiveRow) -> dict[str, int]:
    return {
        "open": row.open,
        "unassigned": row.unassigned,
        "at_risk": row.at_risk,
        "breached": row.breached,
    }


def _tickets(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "number": t.number,
            "title": t.title,
            "team": t.team_id,
            "assignee": t.assignee_id,
            "sla_due_at": t.sla_due_at,
            "sla_breached_at": t.sla_breached_at,
        }
        for t in rows
    ]


def live_data(board: LiveBoard, *, window_seconds: int) -> dict[str, Any]:
    return {
        "generated_at": board.generated_at,
        "at_risk_window_seconds": window_seconds,
        "totals": _counts(board.totals),
        "by_status": [{"status": r.key, "label": r.label, "open": r.open} for r in board.by_status],
        "by_team": [
            {"team": int(r.key) if r.key else None, "name": r.label, **_counts(r)}
            for r in board.by_team
        ],
        "agents": [
            {k: v for k, v in asdict(a).items() if k in ("id", "name", "availability", "load")}
            for a in board.agents
        ],
        "at_risk": _tickets(board.at_risk_tickets),
        "breached": _tickets(board.breached_tickets),
    }
