"""Each metric on the hand-built week (tests/reports/story.py), against its written formula
(docs/metrics.md). Durations are worked out by hand in the comments."""

from __future__ import annotations

from typing import Any

import pytest

from gongdan.reports import costs
from gongdan.reports.filters import ReportFilters
from gongdan.reports.results import Report
from gongdan.reports.selectors import (
    report_agents,
    report_insight,
    report_overview,
    report_stage_dwell,
    report_timeseries,
)
from gongdan.testing import World
from tests.reports.clock import mover
from tests.reports.story import WEEK, Story, build_story

ALL = ReportFilters()


@pytest.fixture
def story(world: World, monkeypatch: pytest.MonkeyPatch) -> Story:
    return build_story(world, mover(monkeypatch))


def stats(report: Report) -> dict[str, Any]:
    return {s.key: s.value for s in report.stats}


def table(report: Report, key: str) -> list[dict[str, Any]]:
    return next(t.rows for t in report.tables if t.key == key)


def test_overview_volume_durations_rates_and_sla(
    world: World, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(costs, "cost_totals", lambda **kw: (5400, 225.0))

    figures = stats(report_overview(user=world.admin, period=WEEK, filters=ALL))

    assert figures == {
        # T1..T4 created; T1 (Mon) and T2 (last resolution Thu) resolved; T1 closed; T4
        # cancelled; T2 reopened once; T3 open at the end of Sunday.
        "created": 4,
        "resolved": 2,
        "closed": 1,
        "cancelled": 1,
        "reopened": 1,
        "backlog": 1,
        # FRT: T1 09:00→09:45 = 2700 s; T2 (phone) 17:00→17:30 first action = 1800 s; both
        # inside office hours, so business time is the same.
        "frt_mean": 2250.0,
        "frt_median": 1800,
        "frt_p90": 2700,
        "frt_business_mean": 2250.0,
        "frt_business_median": 1800,
        "frt_business_p90": 2700,
        # Resolution: T1 09:00→14:00 = 18000 s (business 3 h + 1 h = 14400); T2 Tue 17:00 →
        # Thu 10:00 = 147600 s (business Tue 1 h + Wed 8 h + Thu 1 h = 36000).
        "resolution_mean": 82800.0,
        "resolution_median": 18000,
        "resolution_p90": 147600,
        "resolution_business_mean": 25200.0,
        "resolution_business_median": 14400,
        "resolution_business_p90": 36000,
        # FCR: T1 yes; T2 no (customer answered, reopened). Reopen rate 1/2. No hand-overs.
        "fcr_rate": 0.5,
        "reopen_rate": 0.5,
        "reassignments": 0.0,
        # First response: T1 met (45 min), T2 breached (business 90 min by the reply), T3
        # paused. Resolution: T1 and T2 met (T2: 3 h + 1 h after the reopen), T3 paused.
        "sla_first_response": 0.5,
        "sla_next_response": None,
        "sla_resolution": 1.0,
        "mttr": 18000.0,  # incidents resolved: T1 only (T2 is a field repair)
        "csat": None,  # no feedback yet
        "time_logged": 5400,  # from reports.costs
        "cost": 225.0,
    }


def test_overview_previous_period_is_empty_and_tables(world: World, story: Story) -> None:
    report = report_overview(user=world.admin, period=WEEK, filters=ALL)

    assert {s.key: s.previous for s in report.stats}["created"] == 0
    assert {s.key: s.previous for s in report.stats}["frt_mean"] is None
    assert [
        (r["day"], r["created"], r["outflow"], r["resolved"]) for r in table(report, "flow")
    ] == [
        ("2026-11-23", 1, 1, 1),  # T1 in and resolved
        ("2026-11-24", 1, 0, 0),
        ("2026-11-25", 1, 1, 0),  # T2 resolved (its resolution that counts is Thursday's)
        ("2026-11-26", 1, 2, 1),  # T2 resolved again, T4 cancelled
        ("2026-11-27", 0, 0, 0),
        ("2026-11-28", 0, 0, 0),
        ("2026-11-29", 0, 0, 0),
    ]
    assert [r["tickets"] for r in table(report, "backlog_age")] == [0, 0, 1, 0, 0]  # T3: 4.5 d
    assert [(r["met"], r["breached"], r["paused"]) for r in table(report, "sla")] == [
        (1, 1, 1),
        (0, 0, 0),
        (2, 0, 1),
    ]
    by_team = {r["name"]: (r["created"], r["resolved"]) for r in table(report, "by_team")}
    assert by_team == {"IT 运维 IT Ops": (2, 1), "现场服务 Field Service": (2, 1)}
    assert {r["key"]: r["created"] for r in table(report, "by_channel")} == {
        "portal": 3,
        "phone": 1,
    }


def test_drill_downs_name_the_ticket_list_filters(world: World, story: Story) -> None:
    report = report_overview(
        user=world.admin, period=WEEK, filters=ReportFilters(priority="normal")
    )
    drills = {s.key: s.drill for s in report.stats}

    assert drills["created"] == {
        "priority": "normal",
        "created_from": "2026-11-23",
        "created_to": "2026-11-29",
    }
    assert drills["cancelled"]["status"] == "cancelled"


def test_timeseries_backlog_levels_and_created_per_team(world: World, story: Story) -> None:
    backlog = report_timeseries(
        user=world.admin, metric="backlog", interval="day", group_by="", period=WEEK, filters=ALL
    )
    created = report_timeseries(
        user=world.admin,
        metric="created",
        interval="day",
        group_by="team",
        period=WEEK,
        filters=ALL,
    )

    assert [line.values for line in backlog.lines] == [[0, 1, 1, 1, 1, 1, 1]]
    assert {line.label: line.values for line in created.lines} == {
        "IT 运维 IT Ops": [1, 0, 0, 1, 0, 0, 0],
        "现场服务 Field Service": [0, 1, 1, 0, 0, 0, 0],  # T3 counts where it is now
    }


def test_timeseries_weeks_start_on_mondays_within_the_period(world: World, story: Story) -> None:
    from datetime import date

    from gongdan.reports.periods import Period

    period = Period(date(2026, 11, 20), date(2026, 11, 30))
    series = report_timeseries(
        user=world.admin,
        metric="resolved",
        interval="week",
        group_by="",
        period=period,
        filters=ALL,
    )

    assert series.buckets == [date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 30)]
    assert [line.values for line in series.lines] == [[0, 2, 0]]


def test_agents(world: World, story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(costs, "time_logged_by_agent", lambda **kw: {world.agent.pk: 1200})

    rows = table(report_agents(user=world.admin, period=WEEK, filters=ALL), "agents")

    assert rows == [
        {
            "key": world.agent.pk,
            "name": "agent",
            "handled": 1,
            "resolved": 1,
            "frt_mean": 2700.0,
            "resolution_mean": 18000.0,
            "sla_attainment": 1.0,
            "reopen_rate": 0.0,
            "csat": None,
            "time_logged": 1200,
        },
        {
            "key": world.other_agent.pk,
            "name": "other_agent",
            "handled": 1,
            "resolved": 1,
            "frt_mean": 1800.0,
            "resolution_mean": 147600.0,
            "sla_attainment": 0.5,  # first response breached, resolution met
            "reopen_rate": 1.0,
            "csat": None,
            "time_logged": None,
        },
    ]


def test_stage_dwell_and_bottleneck(world: World, story: Story) -> None:
    report = report_stage_dwell(user=world.admin, period=WEEK, filters=ALL)

    statuses = {
        r["stage"]: (r["tickets"], r["mean"], r["median"], r["p90"])
        for r in table(report, "dwell_status")
    }
    assert statuses == {
        "status.new": (4, 2700.0, 1800, 3600),  # 3600, 1800, 3600, 1800
        "status.in_progress": (3, 27000.0, 14400, 63000),  # 14400, 63000, 3600
        "status.resolved": (2, 205200.0, 79200, 331200),  # T2 Wed 11:00→Thu 09:00; T1 →Fri
        "status.reopened": (1, 3600.0, 3600, 3600),
    }
    teams = {r["name"]: (r["tickets"], r["mean"]) for r in table(report, "dwell_team")}
    assert teams == {"IT 运维 IT Ops": (1, 162000.0)}  # T3 Wed 12:00 → Fri 09:00
    assert [(r["ticket_type"], r["stage"]) for r in table(report, "bottlenecks")] == [
        ("Field repair", "Resolved"),
        ("Incident", "Resolved"),
    ]


def test_stage_dwell_for_an_agent_reads_their_tickets_only(world: World, story: Story) -> None:
    report = report_stage_dwell(user=world.agent, period=WEEK, filters=ALL)

    statuses = {r["stage"]: r["tickets"] for r in table(report, "dwell_status")}
    assert statuses == {"status.new": 1, "status.in_progress": 1, "status.resolved": 1}


def test_insight(world: World, story: Story) -> None:
    report = report_insight(user=world.admin, period=WEEK, filters=ALL)

    assert [(r["name"], r["created"]) for r in table(report, "top_organization")] == [
        ("艾克米 Acme", 4)
    ]
    assert [(r["name"], r["created"]) for r in table(report, "top_category")] == [("Printer", 2)]
    assert table(report, "repeated") == [
        {"organization": "艾克米 Acme", "category": "Printer", "created": 2}
    ]
    heat = {
        r["weekday"]: {k: v for k, v in r.items() if k != "weekday" and v}
        for r in table(report, "arrivals")
    }
    assert heat == {
        "Mon": {"h09": 1},
        "Tue": {"h17": 1},
        "Wed": {"h12": 1},
        "Thu": {"h09": 1},
        "Fri": {},
        "Sat": {},
        "Sun": {},
    }
    by_category = report.series[0]
    assert {line.label: line.values for line in by_category.lines} == {
        "Printer": [0, 0, 1, 1, 0, 0, 0],
        "None": [1, 1, 0, 0, 0, 0, 0],
    }


def test_a_whole_month_reads_the_monthly_tables_with_the_same_figures(
    world: World, story: Story
) -> None:
    from datetime import date

    from gongdan.reports.periods import Period

    week = stats(report_overview(user=world.admin, period=WEEK, filters=ALL))
    november = Period(date(2026, 11, 1), date(2026, 11, 30))

    month = stats(report_overview(user=world.admin, period=november, filters=ALL))
    dwell = report_stage_dwell(user=world.admin, period=november, filters=ALL)

    assert month == week  # every ticket of the story lives in that week of November
    assert [r["tickets"] for r in table(dwell, "dwell_status")] == [3, 4, 1, 2]


def test_monthly_series_read_whole_months(world: World, story: Story) -> None:
    from datetime import date

    from gongdan.reports.periods import Period

    period = Period(date(2026, 10, 15), date(2026, 12, 10))

    created = report_timeseries(
        user=world.admin,
        metric="created",
        interval="month",
        group_by="team",
        period=period,
        filters=ALL,
    )
    backlog = report_timeseries(
        user=world.admin,
        metric="backlog",
        interval="month",
        group_by="",
        period=period,
        filters=ALL,
    )
    frt = report_timeseries(
        user=world.admin,
        metric="frt_mean",
        interval="month",
        group_by="",
        period=period,
        filters=ALL,
    )

    assert created.buckets == [date(2026, 10, 15), date(2026, 11, 1), date(2026, 12, 1)]
    assert {line.label: line.values for line in created.lines} == {
        "IT 运维 IT Ops": [0, 2, 0],
        "现场服务 Field Service": [0, 2, 0],
    }
    assert [line.values for line in backlog.lines] == [[0, 1, 1]]
    assert [line.values for line in frt.lines] == [[None, 2250.0, None]]


def test_a_channel_filter_reads_exact_durations_from_the_facts(
    world: World, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The histograms keep no channel: a channel-filtered question reads the facts."""
    monkeypatch.setattr(costs, "cost_totals", lambda **kw: (0, 0.0))

    phone = stats(
        report_overview(user=world.admin, period=WEEK, filters=ReportFilters(channel="phone"))
    )
    portal = stats(
        report_overview(user=world.admin, period=WEEK, filters=ReportFilters(channel="portal"))
    )

    # T2 (phone): FRT 1800 s, resolution 147600 s (business 36000); T1 (portal): 2700, 18000.
    assert (phone["created"], phone["frt_median"], phone["resolution_p90"]) == (1, 1800, 147600)
    assert phone["resolution_business_median"] == 36000
    assert (portal["created"], portal["frt_median"], portal["resolution_median"]) == (
        3,
        2700,
        18000,
    )
