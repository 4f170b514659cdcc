from __future__ import annotations

from datetime import date

from gongdan.reports.facts import reports_check
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.selectors import (
    report_agents,
    report_insight,
    report_overview,
    report_stage_dwell,
    report_timeseries,
)
from gongdan.testing import World
from gongdan.tickets import services
from tests.reports.conftest import At, sh, sync


def test_smoke(world: World, at: At) -> None:
    at(sh(2026, 11, 23, 9))
    t = world.ticket()
    at(sh(2026, 11, 23, 10))
    services.comment_create(actor=world.agent, ticket=t, body="hi")
    at(sh(2026, 11, 23, 11))
    services.ticket_transition(actor=world.agent, ticket=t, to="in_progress")
    services.ticket_transition(actor=world.agent, ticket=t, to="resolved")
    sync()
    p = Period(date(2026, 11, 1), date(2026, 11, 30))
    f = ReportFilters()
    r = report_overview(user=world.admin, period=p, filters=f)
    stats = {s.key: s.value for s in r.stats}
    print(stats)
    assert stats["created"] == 1
    assert stats["resolved"] == 1
    assert stats["frt_mean"] == 3600
    for fn in (report_agents, report_stage_dwell, report_insight):
        fn(user=world.admin, period=p, filters=f)
        fn(user=world.agent, period=p, filters=f)
    s = report_timeseries(
        user=world.admin, metric="backlog", interval="week", group_by="team", period=p, filters=f
    )
    print(s)
    assert reports_check().ok
