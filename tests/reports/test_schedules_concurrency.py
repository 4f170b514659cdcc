"""Races on PostgreSQL with real threads: consumers ticking at the same moment send once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from gongdan.reports.schedule_engine import tick
from gongdan.reports.schedule_models import ReportRun
from gongdan.testing import World, run_together
from tests.channels.email.conftest import Smtp
from tests.channels.email.conftest import smtp as smtp_server  # noqa: F401 - a real SMTP server
from tests.reports.schedule_fixtures import (  # noqa: F401 - fixtures
    Builds,
    builds_fixture,
    mail_fixture,
    make_schedule,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

DUE = datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_six_consumers_ticking_together_send_each_schedule_once(
    world: World, mail: Smtp, builds: Builds
) -> None:
    for i in range(3):
        make_schedule(world.supervisor, name=f"S{i}", emails=[f"s{i}@example.com"], next_run_at=DUE)

    results = run_together(6, lambda i: tick(DUE + timedelta(seconds=30)))

    assert sum(r.claimed for r in results) == 3
    assert sum(r.sent for r in results) == 3
    assert ReportRun.objects.count() == 3
    assert sorted(str(m["To"]) for m in mail.messages) == [
        "s0@example.com",
        "s1@example.com",
        "s2@example.com",
    ]
