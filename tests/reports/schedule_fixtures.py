"""Scheduled reports' fixtures: a report builder that shows whose view it built."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import pytest

from gongdan.accounts.models import Team, User
from gongdan.accounts.services import user_create
from gongdan.reports import schedule_engine
from gongdan.reports.results import Report, Stat
from gongdan.reports.schedule_models import ReportSchedule
from gongdan.reports.scope import report_scope
from gongdan.testing import PASSWORD, World
from tests.channels.conftest import Server
from tests.channels.email.conftest import Smtp


@dataclass
class Builds:
    """Every ``report_build`` call of the engine: (user, name, period, filters)."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def users(self) -> list[str]:
        return [c[0].username for c in self.calls]


def scoped_value(user: Any) -> int:
    """A figure that tells whose view a report is: desk 700, teams 20, own figures 7."""
    scope = report_scope(user)
    return 700 if scope.everything else 20 if scope.teams else 7 if scope.agent else 0


@pytest.fixture(name="builds")
def builds_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Builds]:
    """``report_build`` as the engine calls it, answering a report that names its reader's scope
    (until the engine's selectors exist, tests that need them use the real ones)."""
    seen = Builds()

    def fake_build(*, user: Any, name: str, period: Any, filters: Any) -> Report:
        seen.calls.append((user, name, period, filters))
        stat = Stat(key="created", label="Created", unit="count", value=scoped_value(user))
        return Report(name=name, title="Overview", period=period, filters=filters, stats=[stat])

    monkeypatch.setattr(schedule_engine, "report_build", fake_build)
    yield seen


@pytest.fixture(name="field_supervisor")
def field_supervisor_fixture(world: World) -> User:
    """The other team's supervisor: a supervisor in the Field team."""
    return user_create(
        actor=None,
        username="field_sup",
        role="supervisor",
        password=PASSWORD,
        email="field_sup@gongdan.test",
        display_name="field_sup",
        teams=[Team.objects.get(code="field")],
    )


def make_schedule(owner: User, **kw: Any) -> ReportSchedule:
    users = kw.pop("users", [])
    defaults: dict[str, Any] = {
        "name": "每日概览 Daily overview",
        "report": "overview",
        "period": "yesterday",
        "frequency": "daily",
        "time_of_day": time(8, 0),
        "file_format": "xlsx",
        "emails": [],
        "robots": [],
    }
    schedule = ReportSchedule.objects.create(owner=owner, **{**defaults, **kw})
    schedule.users.set(users)
    return schedule


@pytest.fixture(name="mail")
def mail_fixture(smtp_server: Smtp) -> Smtp:
    """The real SMTP server (``tests.channels.email.conftest.smtp``, imported as
    ``smtp_server`` by the test module)."""
    return smtp_server


@pytest.fixture(name="robot_server")
def robot_server_fixture(http_server: Server) -> Server:
    """The real HTTP server (``tests.channels.conftest.server``, imported as ``http_server``)."""
    return http_server
