"""Who sees which figures (``reports.scope``), bad input, and the overview's query count."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gongdan.accounts.models import Membership
from gongdan.core.errors import ValidationFailed
from gongdan.reports import costs
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.selectors import (
    report_agents,
    report_build,
    report_insight,
    report_overview,
    report_timeseries,
)
from gongdan.testing import World
from tests.reports.clock import mover
from tests.reports.story import WEEK, Story, build_story

ALL = ReportFilters()


@pytest.fixture
def story(world: World, monkeypatch: pytest.MonkeyPatch) -> Story:
    return build_story(world, mover(monkeypatch))


def figures(user: Any, filters: ReportFilters = ALL) -> dict[str, Any]:
    report = report_overview(user=user, period=WEEK, filters=filters)
    return {s.key: s.value for s in report.stats}


def test_an_agent_sees_only_their_own_tickets(world: World, story: Story) -> None:
    mine = figures(world.agent)
    theirs = figures(world.other_agent)

    assert (mine["created"], mine["resolved"], mine["frt_mean"]) == (1, 1, 2700.0)  # T1
    assert (theirs["created"], theirs["resolved"], theirs["frt_mean"]) == (1, 1, 1800.0)  # T2
    # A filter naming someone else does not widen an agent's scope.
    assert figures(world.agent, ReportFilters(assignee=world.other_agent.pk))["created"] == 0
    agents = report_agents(user=world.agent, period=WEEK, filters=ALL)
    assert [r["name"] for r in agents.tables[0].rows] == ["agent"]


def test_a_supervisor_of_the_field_team_sees_the_field_team_only(
    world: World, story: Story
) -> None:
    Membership.objects.create(team=world.field_team, user=world.supervisor)

    field = figures(world.supervisor)
    outside = figures(world.supervisor, ReportFilters(team=world.it_team.pk))

    assert (field["created"], field["resolved"], field["backlog"]) == (2, 1, 1)  # T2, T3
    assert (outside["created"], outside["resolved"]) == (0, 0)
    agents = report_agents(user=world.supervisor, period=WEEK, filters=ALL)
    assert [r["name"] for r in agents.tables[0].rows] == ["other_agent"]


def test_a_supervisor_without_teams_and_an_admin_see_the_whole_desk(
    world: World, story: Story
) -> None:
    assert figures(world.supervisor)["created"] == 4
    assert figures(world.admin)["created"] == 4


def test_an_organization_admin_sees_their_organization(world: World, story: Story) -> None:
    assert figures(world.org_admin)["created"] == 4  # every ticket is Acme's
    insight = report_insight(user=world.org_admin, period=WEEK, filters=ALL)
    assert [r["name"] for r in insight.tables[0].rows] == ["艾克米 Acme"]


@pytest.mark.parametrize("persona", ["customer", "other_customer"])
def test_customers_who_are_not_the_organization_admin_see_nothing(
    world: World, story: Story, persona: str
) -> None:
    user = getattr(world, persona)

    shown = figures(user)

    assert (shown["created"], shown["resolved"], shown["backlog"], shown["frt_mean"]) == (
        0,
        0,
        0,
        None,
    )
    assert report_agents(user=user, period=WEEK, filters=ALL).tables[0].rows == []
    series = report_timeseries(
        user=user, metric="created", interval="day", group_by="team", period=WEEK, filters=ALL
    )
    assert series.lines == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"metric": "speed"}, "report.unknown_metric"),
        ({"interval": "hour"}, "report.unknown_interval"),
        ({"group_by": "region"}, "report.unknown_group"),
    ],
)
def test_unknown_metric_interval_or_group_is_refused(
    world: World, kwargs: dict[str, str], code: str
) -> None:
    args = {"metric": "created", "interval": "day", "group_by": "", **kwargs}

    with pytest.raises(ValidationFailed) as caught:
        report_timeseries(user=world.admin, period=WEEK, filters=ALL, **args)

    assert caught.value.code == code


def test_an_unknown_report_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        report_build(user=world.admin, name="nope", period=WEEK, filters=ALL)

    assert caught.value.code == "report.unknown_report"


@pytest.mark.parametrize(("persona", "queries"), [("admin", 11), ("agent", 7)])
def test_the_overview_reads_a_constant_number_of_queries(
    world: World,
    story: Story,
    persona: str,
    queries: int,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Any,
) -> None:
    monkeypatch.setattr(costs, "cost_totals", lambda **kw: (0, 0.0))
    user = getattr(world, persona)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))

    # Sums with the team and type breakdowns, the channel and priority breakdowns, backlog,
    # durations (coarse: each 2 queries, whole months + the other days; an agent's: 1, fine),
    # 1 flow, names (team, type); no scope query.
    with django_assert_num_queries(queries):
        report_overview(user=user, period=WEEK, filters=ALL)
    with django_assert_num_queries(queries):
        report_overview(user=user, period=year, filters=ALL)
