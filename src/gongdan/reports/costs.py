"""Time logged and cost, for the reports (the entries live in ``tickets``: TimeEntry/CostEntry).

CONTRACT (work in progress): signatures the engine's reports call.
"""

from __future__ import annotations

from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Report
from gongdan.reports.scope import Scope


def time_logged_by_agent(*, scope: Scope, period: Period, filters: ReportFilters) -> dict[int, int]:
    """Seconds logged per agent (user id) on entries dated in ``period``, within ``scope``."""
    raise NotImplementedError


def cost_totals(*, scope: Scope, period: Period, filters: ReportFilters) -> tuple[int, float]:
    """(seconds logged, total cost in yuan) for the period, within ``scope``."""
    raise NotImplementedError


def report_cost(*, user: object, period: Period, filters: ReportFilters) -> Report:
    """Cost per ticket (top), per type and per organization; labour vs parts vs other;
    billable vs not; time logged per agent."""
    raise NotImplementedError
