"""Races on PostgreSQL with real threads: refreshes of different tickets moving the same rollup
cells at the same moment all count (the upsert adds; no lost update, no deadlock)."""

from __future__ import annotations

import pytest
from django.db import connection

from gongdan.reports.facts import fact_refresh, reports_check
from gongdan.reports.models import (
    AgentRollup,
    DailyRollup,
    Histogram,
    MonthAgentRollup,
    MonthHistogram,
    MonthRollup,
    MonthTypeRollup,
    TeamRollup,
    TicketFact,
    TypeRollup,
)
from gongdan.testing import World, run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

TABLES = (
    AgentRollup,
    MonthAgentRollup,
    DailyRollup,
    TeamRollup,
    TypeRollup,
    MonthRollup,
    MonthTypeRollup,
    Histogram,
    MonthHistogram,
    TicketFact,
)


def test_concurrent_refreshes_of_different_tickets_sharing_cells_all_count(world: World) -> None:
    tickets = [world.ticket(title=f"race {i}") for i in range(6)]
    for model in TABLES:  # as if no event had been handled yet: every fact is new
        model._default_manager.all().delete()

    results = run_together(6, lambda i: fact_refresh([tickets[i].pk]))

    assert results == [1, 1, 1, 1, 1, 1]
    assert TicketFact.objects.count() == 6
    # Same day, team, type, channel and priority: all six land in one team-rollup row.
    assert list(TeamRollup.objects.filter(created__gt=0).values_list("created", flat=True)) == [6]
    assert sum(MonthRollup.objects.values_list("created", flat=True)) == 6
    assert reports_check().ok


def test_concurrent_refreshes_of_overlapping_ticket_sets_do_not_deadlock(world: World) -> None:
    tickets = [world.ticket(title=f"overlap {i}") for i in range(4)]
    for model in TABLES:
        model._default_manager.all().delete()
    ids = [t.pk for t in tickets]

    results = run_together(4, lambda i: fact_refresh(ids[i:] + ids[:i]))

    assert sum(results) == 4  # each fact changed once; the later refreshes found it current
    assert list(TeamRollup.objects.filter(created__gt=0).values_list("created", flat=True)) == [4]
    assert reports_check().ok
