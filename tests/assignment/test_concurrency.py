"""Concurrency proofs on PostgreSQL: real threads, real transactions (skipped on SQLite)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from gongdan.assignment.engine import loads_of
from gongdan.assignment.models import AssignmentRule, PendingAssignment
from gongdan.assignment.services import take_next
from gongdan.testing import World, run_together
from gongdan.tickets.models import Ticket
from gongdan.tickets.services import ticket_create
from tests.assignment.conftest import agent, auto

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_world(world: World) -> World:
    auto(world.it_team)
    return world


def _create_many(world: World, threads: int, each: int) -> list[object]:
    priorities = ["low", "normal", "high", "urgent"]

    def work(i: int) -> int:
        for k in range(each):
            ticket_create(
                actor=world.customer,
                title=f"并发 {i}-{k}",
                ticket_type=world.incident,
                priority=priorities[(i + k) % 4],
            )
            connection.close()  # back to the pool between creations: 20 threads share it
        return each

    return run_together(threads, work)


def test_200_concurrent_creations_never_push_an_agent_past_capacity(tx_world: World) -> None:
    agents = [agent(f"cap{i}", tx_world.it_team, capacity=15) for i in range(8)]

    results = _create_many(tx_world, 20, 10)

    loads = loads_of([a.pk for a in agents])
    assert results == [10] * 20
    assert Ticket.objects.count() == 200
    assert all(loads.get(a.pk, 0) <= 15 for a in agents), loads
    assert sum(loads.values()) >= 8 * 15 - 4  # they were filled (up to one urgent ticket short)
    unassigned = Ticket.objects.filter(assignee__isnull=True).count()
    assert PendingAssignment.objects.count() == unassigned > 0


def test_round_robin_among_equals_stays_within_one(tx_world: World) -> None:
    AssignmentRule.objects.create(
        name="轮询", weight_round_robin=10, weight_workload=0, weight_skills=0
    )
    agents = [agent(f"rr{i}", tx_world.it_team, capacity=500) for i in range(7)]

    _create_many(tx_world, 20, 10)

    counts = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    per_agent = [counts[a.pk] for a in agents]
    assert sum(per_agent) == 200
    assert max(per_agent) - min(per_agent) <= 1, per_agent


def test_agents_pressing_take_next_at_once_never_get_the_same_ticket(tx_world: World) -> None:
    takers = [agent(f"t{i}", tx_world.it_team, availability="offline") for i in range(10)]
    for i in range(6):
        tx_world.ticket(title=f"队列 {i}")

    results = run_together(10, lambda i: take_next(actor=takers[i]))

    taken = [r.pk for r in results if isinstance(r, Ticket)]
    assert [r for r in results if not isinstance(r, Ticket | type(None))] == []
    assert len(taken) == len(set(taken)) == 6
    assert results.count(None) == 4
    owners = dict(Ticket.objects.values_list("pk", "assignee_id"))
    assert sorted(owners.values()) == sorted(r.assignee_id for r in results if r is not None)
