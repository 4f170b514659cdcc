"""A :class:`~gongdan.reports.results.Report` made ready for a template: every figure as text in
its unit with its drill-down link, every chart's spec beside its table (``json_script`` ids)."""

from __future__ import annotations

from typing import Any

from gongdan.reports.present import change_text, drill_url, table_chart, value_text
from gongdan.reports.results import Report, Stat, Table
from gongdan.reports.scope import Scope


def stat_context(stat: Stat, scope: Scope | None) -> dict[str, Any]:
    return {
        "key": stat.key,
        "label": stat.label,
        "text": value_text(stat.value, stat.unit),
        "previous": value_text(stat.previous, stat.unit),
        "change": change_text(stat.change),
        "url": drill_url(stat.drill, scope),
    }


def table_context(table: Table, scope: Scope | None, index: int) -> dict[str, Any]:
    urls = [drill_url(d, scope) for d in table.drills]
    urls += [""] * (len(table.rows) - len(urls))
    rows = [
        {
            "url": url,
            "cells": [
                {"text": value_text(row.get(c.key), c.unit), "numeric": c.unit != "text"}
                for c in table.columns
            ],
        }
        for row, url in zip(table.rows, urls, strict=False)
    ]
    chart = table_chart(table, scope)
    return {
        "key": table.key,
        "title": table.title,
        "columns": table.columns,
        "rows": rows,
        "chart": chart,
        "chart_id": f"chart-{index}-{table.key}",
    }


def report_context(report: Report, scope: Scope | None) -> dict[str, Any]:
    """``report`` with its stats and tables as text and links."""
    return {
        "report": report,
        "period": report.period,
        "stats": [stat_context(s, scope) for s in report.stats],
        "tables": [table_context(t, scope, i) for i, t in enumerate(report.tables)],
    }
