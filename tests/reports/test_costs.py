"""Time and cost reports: exact figures on a hand-built desk, scope per reader, filters, queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.services import user_create
from gongdan.reports.costs import cost_totals, report_cost, time_logged_by_agent
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.scope import report_scope
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import CostKind
from gongdan.tickets.models import CostEntry, Ticket

NONE = ReportFilters()


@dataclass
class Desk:
    it: Ticket
    field: Ticket
    period: Period


@pytest.fixture
def desk(world: World) -> Desk:
    """IT team 120/h, the agent's own 60/h (wins), the other agent 90/h; a 200-yuan part."""
    since = date(2020, 1, 1)
    for kwargs, cost in [
        ({"team": world.it_team}, "120"),
        ({"user": world.agent}, "60"),
        ({"user": world.other_agent}, "90"),
    ]:
        services.cost_rate_set(actor=world.admin, hourly_cost=cost, effective_from=since, **kwargs)
    it = world.ticket()
    field = world.ticket(by=world.other_customer, ticket_type=world.repair)
    assert (it.team_id, field.team_id) == (world.it_team.pk, world.field_team.pk)
    today = timezone.localdate()
    log = services.time_entry_create
    log(actor=world.agent, ticket=it, minutes=30, billable=True)  # 30.00
    log(actor=world.agent, ticket=it, minutes=15, billable=False)  # 15.00
    log(actor=world.other_agent, ticket=field, minutes=60)  # 90.00
    log(actor=world.agent, ticket=it, minutes=20, work_date=today - timedelta(days=10))  # 20.00
    CostEntry.objects.create(
        ticket=field,
        kind=CostKind.PART,
        amount=Decimal("200.00"),
        billable=True,
        reference="part:1",
        occurred_at=timezone.now(),
    )
    return Desk(it=it, field=field, period=Period(today - timedelta(days=6), today))


def _field_supervisor(world: World) -> User:
    return user_create(
        actor=None, username="field_lead", role=Role.SUPERVISOR, teams=[world.field_team]
    )


def test_totals_and_time_per_agent_for_the_whole_desk(world: World, desk: Desk) -> None:
    scope = report_scope(world.admin)

    assert cost_totals(scope=scope, period=desk.period, filters=NONE) == (6300, 335.0)
    assert cost_totals(scope=scope, period=desk.period.previous(), filters=NONE) == (1200, 20.0)
    assert time_logged_by_agent(scope=scope, period=desk.period, filters=NONE) == {
        world.agent.pk: 2700,
        world.other_agent.pk: 3600,
    }


def test_each_reader_sees_their_scope(world: World, desk: Desk) -> None:
    p = desk.period
    assert cost_totals(scope=report_scope(world.supervisor), period=p, filters=NONE) == (
        6300,
        335.0,
    )  # a supervisor without teams: the whole desk
    lead = report_scope(_field_supervisor(world))
    assert cost_totals(scope=lead, period=p, filters=NONE) == (3600, 290.0)
    mine = report_scope(world.agent)
    assert cost_totals(scope=mine, period=p, filters=NONE) == (2700, 45.0)
    assert time_logged_by_agent(scope=mine, period=p, filters=NONE) == {world.agent.pk: 2700}
    for customer in (world.org_admin, world.customer):
        assert cost_totals(scope=report_scope(customer), period=p, filters=NONE) == (0, 0.0)


def test_filters_narrow_by_the_tickets_fields(world: World, desk: Desk) -> None:
    scope = report_scope(world.admin)
    acme = ReportFilters(organization=world.acme.pk)
    repair = ReportFilters(ticket_type=world.repair.pk)

    assert cost_totals(scope=scope, period=desk.period, filters=acme) == (2700, 45.0)
    assert cost_totals(scope=scope, period=desk.period, filters=repair) == (3600, 290.0)


def test_the_cost_report_has_every_breakdown_with_exact_figures(world: World, desk: Desk) -> None:
    report = report_cost(user=world.admin, period=desk.period, filters=NONE)

    stats = {s.key: (s.value, s.previous) for s in report.stats}
    assert stats == {
        "time_logged": (6300, 1200),
        "cost_total": (335.0, 20.0),
        "cost_billable": (320.0, None),
        "cost_not_billable": (15.0, None),
        "cost_labour": (135.0, None),
        "cost_parts": (200.0, None),
        "cost_other": (0.0, None),
    }
    tables = {t.key: t for t in report.tables}
    assert [(r["number"], r["amount"]) for r in tables["cost_by_ticket"].rows] == [
        (desk.field.number, 290.0),
        (desk.it.number, 45.0),
    ]
    assert [(r["label"], r["amount"], r["tickets"]) for r in tables["cost_by_type"].rows] == [
        ("Field repair", 290.0, 1),
        ("Incident", 45.0, 1),
    ]
    assert tables["cost_by_type"].drills[0] == {"ticket_type": str(world.repair.pk)}
    assert [(r["label"], r["amount"]) for r in tables["cost_by_organization"].rows] == [
        ("环球 Globex", 290.0),
        ("艾克米 Acme", 45.0),
    ]
    assert [(r["label"], r["amount"]) for r in tables["cost_by_kind"].rows] == [
        ("Parts", 200.0),
        ("Labour", 135.0),
    ]
    assert [(r["label"], r["amount"]) for r in tables["cost_by_billable"].rows] == [
        ("Billable", 320.0),
        ("Not billable", 15.0),
    ]
    agents = [
        (r["label"], r["seconds"], r["billable_seconds"], r["amount"])
        for r in tables["time_by_agent"].rows
    ]
    assert agents == [("other_agent", 3600, 3600, 90.0), ("agent", 2700, 1800, 45.0)]


def test_an_agents_cost_report_holds_only_their_own_entries(world: World, desk: Desk) -> None:
    report = report_cost(user=world.agent, period=desk.period, filters=NONE)

    stats = {s.key: s.value for s in report.stats}
    assert (stats["time_logged"], stats["cost_total"], stats["cost_parts"]) == (2700, 45.0, 0.0)
    tables = {t.key: t for t in report.tables}
    assert [r["number"] for r in tables["cost_by_ticket"].rows] == [desk.it.number]
    customer = report_cost(user=world.org_admin, period=desk.period, filters=NONE)
    assert all(not t.rows for t in customer.tables)


def test_the_cost_report_costs_the_same_queries_for_few_and_many_entries(
    world: World, desk: Desk
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            report_cost(user=world.admin, period=desk.period, filters=NONE)
        return len(captured)

    few = count()
    for i in range(10):
        services.time_entry_create(actor=world.agent, ticket=desk.it, minutes=i + 1)
        services.time_entry_create(actor=world.agent, ticket=world.ticket(), minutes=5)
    assert count() == few == 15
