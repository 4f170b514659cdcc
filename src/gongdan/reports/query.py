"""A report request's period and filters from a query string: one parser for the dashboards, the
API and the portal page, so the same bad input gets the same 422 code everywhere.

Codes: the period's (``report.unknown_period``, ``report.period_reversed``,
``report.period_too_long``, ``report.period_required``), ``report.unknown_filter`` for a filter
value that is no choice (channel, priority) or no id; ``report.unknown_metric``,
``report.unknown_interval``, ``report.unknown_group`` for a timeseries' options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongdan.core.errors import ValidationFailed
from gongdan.reports.filters import GROUPS, INTERVALS, ReportFilters, check_choice
from gongdan.reports.metrics import SERIES_METRICS
from gongdan.reports.periods import Period, period_parse
from gongdan.tickets.choices import Channel, Priority

ID_FILTERS = ("team", "assignee", "ticket_type", "category", "organization")
MAX_ID = 2**63 - 1
UNKNOWN_FILTER = "report.unknown_filter"
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class ReportQuery:
    period: Period
    filters: ReportFilters
    period_name: str


def _day(params: Mapping[str, Any], name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        day = date.fromisoformat(str(value).strip())
        if not FIRST_DAY <= day <= LAST_DAY:  # no ticket lives there; the far ends overflow
            raise ValueError(day)
        return day
    except ValueError:
        raise ValidationFailed(
            "report.invalid_date",
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": str(value)[:40]},
            fields={name: _("Enter a date as YYYY-MM-DD.")},
        ) from None


def _id(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise ValidationFailed(
            UNKNOWN_FILTER,
            _("“%(value)s” is not a valid choice.") % {"value": text[:40]},
            fields={name: _("Choose a value from the list.")},
        )
    return int(text)


def _choice(params: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = str(params.get(name) or "").strip()
    return check_choice(value, allowed, code=UNKNOWN_FILTER, field=name) if value else ""


def report_query(params: Mapping[str, Any], *, today: date | None = None) -> ReportQuery:
    """Period (``period``, ``start``, ``end``; 30 days by default) and filters (the
    ``tickets_list`` names) from ``params``; ``ValidationFailed`` on bad input."""
    name = str(params.get("period") or "30d").strip()
    period = period_parse(name, start=_day(params, "start"), end=_day(params, "end"), today=today)
    filters = ReportFilters(
        **{key: _id(params, key) for key in ID_FILTERS},
        channel=_choice(params, "channel", tuple(Channel.values)),
        priority=_choice(params, "priority", tuple(Priority.values)),
    )
    return ReportQuery(period=period, filters=filters, period_name=name)


def series_options(params: Mapping[str, Any]) -> tuple[str, str, str]:
    """(metric, interval, group_by) of a timeseries (422 ``report.unknown_metric``,
    ``report.unknown_interval``, ``report.unknown_group``)."""
    metric = str(params.get("metric") or "created").strip()
    check_choice(metric, tuple(SERIES_METRICS), code="report.unknown_metric", field="metric")
    interval = str(params.get("interval") or "day").strip()
    check_choice(interval, INTERVALS, code="report.unknown_interval", field="interval")
    group = str(params.get("group_by") or "").strip()
    if group:
        check_choice(group, GROUPS, code="report.unknown_group", field="group_by")
    return metric, interval, group
