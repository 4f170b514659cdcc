"""Showing a :class:`~gongdan.reports.results.Report` on a page: values in their units, drill-down
links to the ticket list, and chart specifications for ``reports/charts.js`` (ECharts 3).

A drill-down link is the ticket list with the figure's ``drill`` query (only
:data:`~gongdan.reports.filters.DRILL_PARAMS`), kept inside the reader's scope: an agent's links
name them as assignee and a supervisor of one team's name the team, since the ticket list itself
shows agents their teams' tickets and supervisors every ticket.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gongdan.reports.filters import DRILL_PARAMS
from gongdan.reports.results import Number, Series, Table
from gongdan.reports.scope import Scope

DASH = "—"
#: A timeseries metric's ticket-list day range (the rest are counted by creation day).
SERIES_DAY_PARAM = {"created": "created", "resolved": "resolved", "closed": "closed"}


def drill_query(drill: Mapping[str, Any], scope: Scope | None = None) -> dict[str, str]:
    """The ticket-list query of ``drill`` inside ``scope`` ({} when there is no list behind)."""
    if not drill:
        return {}
    query = {k: v for k, v in drill.items() if k in DRILL_PARAMS and v not in (None, "")}
    query.setdefault("view", "all")
    if scope is not None and scope.agent is not None:
        query.setdefault("assignee", str(scope.agent))
    elif scope is not None and len(scope.teams) == 1:
        query.setdefault("team", str(next(iter(scope.teams))))
    return query


def drill_url(drill: Mapping[str, Any], scope: Scope | None = None) -> str:
    """``/desk/tickets/?…`` for ``drill`` ("" when the figure has no list behind it)."""
    query = drill_query(drill, scope)
    if not query:
        return ""
    return f"{reverse('tickets:list')}?{urlencode(query, doseq=True)}"


def duration(seconds: float) -> str:
    """A duration for people: 45 s, 12 min, 3 h 05 min, 2 d 4 h."""
    s = round(seconds)
    if s < 60:
        return _("%(s)d s") % {"s": s}
    if s < 3600:
        return _("%(m)d min") % {"m": s // 60}
    if s < 86400:
        return _("%(h)d h %(m)02d min") % {"h": s // 3600, "m": s % 3600 // 60}
    return _("%(d)d d %(h)d h") % {"d": s // 86400, "h": s % 86400 // 3600}


def value_text(value: Any, unit: str) -> str:
    """``value`` in ``unit`` as shown on a page ("—" for no value, never 0)."""
    if value is None or value == "":
        return DASH
    if unit == "seconds":
        return duration(float(value))
    if unit == "minutes":
        return duration(float(value) * 60)
    if unit == "ratio":
        return f"{float(value) * 100:.1f}%"
    if unit == "money":
        return f"¥{float(value):,.2f}"
    if unit == "count" and isinstance(value, int | float):
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,.2f}"
    return str(value)


def change_text(change: float | None) -> dict[str, str] | None:
    """Arrow, percent and direction of a change against the previous period."""
    if change is None:
        return None
    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    return {"arrow": arrow, "percent": f"{abs(change) * 100:.1f}%", "direction": direction}


def chart_value(value: Number, unit: str) -> float | None:
    """A value on a chart axis: durations in hours, ratios in percent."""
    if value is None or isinstance(value, str):
        return None
    if unit == "seconds":
        return round(float(value) / 3600, 2)
    if unit == "minutes":
        return round(float(value) / 60, 2)
    if unit == "ratio":
        return round(float(value) * 100, 1)
    return float(value)


def axis_unit(unit: str) -> str:
    return {"seconds": _("hours"), "minutes": _("hours"), "ratio": "%", "money": "¥"}.get(unit, "")


def table_chart(table: Table, scope: Scope | None = None) -> dict[str, Any] | None:
    """The ECharts spec of a table (None for a table-only one or no rows)."""
    if not table.chart or not table.rows or not table.columns:
        return None
    label = next((c for c in table.columns if c.unit == "text"), table.columns[0])
    values = [c for c in table.columns if c is not label and c.unit != "text"]
    if not values:
        return None
    if table.chart not in ("heatmap",):  # one unit per axis
        values = [c for c in values if c.unit == values[0].unit]
    if table.chart == "pie":
        values = values[:1]
    links = [drill_url(d, scope) for d in table.drills] + [""] * len(table.rows)
    return {
        "type": table.chart,
        "title": str(table.title),
        "unit": axis_unit(values[0].unit),
        "categories": [str(row.get(label.key, "")) for row in table.rows],
        "series": [
            {
                "name": str(c.label),
                "data": [chart_value(row.get(c.key), c.unit) for row in table.rows],
            }
            for c in values
        ],
        "links": links[: len(table.rows)],
    }


def series_chart(
    series: Series, query: Mapping[str, str], scope: Scope | None = None
) -> dict[str, Any]:
    """A line chart of a timeseries; a point of a count by day (created, resolved, closed)
    drills to the tickets of its bucket and line."""
    day = SERIES_DAY_PARAM.get(series.metric)
    ends = [*series.buckets[1:], None]
    links: list[list[str]] = []
    for line in series.lines:
        row: list[str] = []
        for start, nxt in zip(series.buckets, ends, strict=True):
            if day is None:  # a duration or rate: no ticket list is "behind" one point
                row.append("")
                continue
            drill = dict(query) | {f"{day}_from": start.isoformat()}
            if nxt is not None:
                drill[f"{day}_to"] = (nxt - timedelta(days=1)).isoformat()
            elif query.get("end"):
                drill[f"{day}_to"] = query["end"]
            if series.group_by and line.key:
                drill[series.group_by] = line.key
            row.append(drill_url(drill, scope))
        links.append(row)
    return {
        "type": "line",
        "title": str(series.label),
        "unit": axis_unit(series.unit),
        "categories": [b.isoformat() for b in series.buckets],
        "series": [
            {"name": str(line.label), "data": [chart_value(v, series.unit) for v in line.values]}
            for line in series.lines
        ],
        "links": links,
    }


def _at(values: list[Any], i: int) -> Any:
    return values[i] if i < len(values) else None


def series_rows(series: Series, chart: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The table beside a trend chart: one row per bucket, one cell per line (with its link)."""
    links = chart.get("links") or []
    return [
        {
            "bucket": bucket.isoformat(),
            "cells": [
                {
                    "text": value_text(
                        line.values[i] if i < len(line.values) else None, series.unit
                    ),
                    "url": links[j][i] if j < len(links) and i < len(links[j]) else "",
                }
                for j, line in enumerate(series.lines)
            ],
        }
        for i, bucket in enumerate(series.buckets)
    ]
