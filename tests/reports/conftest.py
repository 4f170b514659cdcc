"""Shared pieces of the report tests: a movable clock, the outbox run by hand, and a hand-built
report (``fake_engine``) for tests of the rendering alone.

Times are Asia/Shanghai; ``at`` moves the clock that the services read (``timezone.now``),
``sync`` delivers the outbox events (the report facts are kept by its subscriber).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongdan.jobs.outbox import dispatch_outbox
from gongdan.reports import selectors
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Column, Line, Report, Series, Stat, Table

SHANGHAI = ZoneInfo("Asia/Shanghai")
At = Callable[[datetime], None]


def sh(*args: int) -> datetime:
    """A moment in Asia/Shanghai: ``sh(2026, 11, 23, 9)``."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> At:
    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def sync() -> None:
    """Deliver every pending outbox event (the facts and rollups follow)."""
    dispatch_outbox(max_batches=1000)


def sample_report(*, user: object, period: Period, filters: ReportFilters, **_: Any) -> Report:
    return Report(
        name="overview",
        title="Overview",
        period=period,
        filters=filters,
        stats=[
            Stat("created", "Created", "count", 12, 10, {"created_from": "2026-11-01"}),
            Stat("frt_mean", "FRT", "seconds", 5400, None),
            Stat("sla_resolution", "SLA", "ratio", 0.875, 0.9),
        ],
        tables=[
            Table(
                key="by_team",
                title="By team",
                columns=[Column("team", "Team", "text"), Column("created", "Created")],
                rows=[{"team": "IT", "created": 7}, {"team": "Field", "created": 5}],
                drills=[{"team": "1", "status": "new"}, {"team": "2"}],
                chart="bar",
            )
        ],
    )


def sample_series(*, metric: str, interval: str, group_by: str, period: Period, **_: Any) -> Series:
    return Series(
        metric=metric,
        label="Created",
        unit="count",
        interval=interval,
        group_by=group_by,
        buckets=[date(2026, 11, 1), date(2026, 11, 2)],
        lines=[Line("", "Total", [3, 4])],
    )


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("overview", "agents", "stage_dwell", "insight"):
        monkeypatch.setattr(selectors, f"report_{name}", sample_report)
    monkeypatch.setattr(selectors, "report_timeseries", sample_series)
