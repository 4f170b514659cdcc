"""Shared pieces of the report tests: a movable clock, the outbox run by hand, and a hand-built
report (``fake_engine``) for tests of the rendering alone.

Times are Asia/Shanghai; ``mover(monkeypatch)`` moves the clock that the services read
(``timezone.now``); ``sync`` delivers the outbox events (which keep the report facts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.services import user_create
from gongdan.jobs.outbox import dispatch_outbox
from gongdan.reports import selectors
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Column, Line, Report, Series, Stat, Table
from gongdan.testing import PASSWORD, World
from gongdan.tickets import services
from gongdan.tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
At = Callable[[datetime], None]


def sh(*args: int) -> datetime:
    """A moment in Asia/Shanghai: ``sh(2026, 11, 23, 9)``."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def mover(monkeypatch: pytest.MonkeyPatch) -> At:
    """A function that sets the clock the services read (undone with ``monkeypatch``)."""

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


@dataclass
class Desk:
    """Two tickets in November 2026: ``it`` (IT team, the agent's, resolved after an hour's
    first response) and ``field`` (field team, other_agent's, resolved); ``field_lead`` is a
    supervisor of the field team."""

    it: Ticket
    field: Ticket
    field_lead: User
    start: str = "2026-11-01"
    end: str = "2026-11-30"

    @property
    def query(self) -> dict[str, str]:
        return {"period": "custom", "start": self.start, "end": self.end}


@pytest.fixture
def desk(world: World, at: At) -> Desk:
    at(sh(2026, 11, 23, 9))
    it = world.ticket(title="打印机 it")
    field = world.ticket(title="现场 field", ticket_type=world.repair)
    at(sh(2026, 11, 23, 10))
    services.comment_create(actor=world.agent, ticket=it, body="在处理")
    services.comment_create(actor=world.other_agent, ticket=field, body="上门")
    at(sh(2026, 11, 23, 11))
    for who, ticket in ((world.agent, it), (world.other_agent, field)):
        for step in ("in_progress", "resolved"):
            ticket = services.ticket_transition(actor=who, ticket=ticket, to=step)
    sync()
    lead = user_create(
        actor=None,
        username="field_lead",
        role=Role.SUPERVISOR,
        password=PASSWORD,
        display_name="field_lead",
        teams=[world.field_team],
    )
    return Desk(it=it, field=field, field_lead=lead)
