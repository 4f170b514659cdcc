"""The facts subscriber in batches: a batch of events — several for one ticket, others for
different tickets sharing rollup cells, new and revised facts — leaves exactly the rollups and
facts that the same events delivered one by one leave."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models, transaction

from gongdan.core.models import OutboxEvent
from gongdan.jobs.outbox import dispatch_event
from gongdan.reports import subscribers
from gongdan.reports.facts import ROLLUP_DIMS, reports_check
from gongdan.reports.models import Histogram, MonthHistogram, TicketFact
from gongdan.testing import World
from gongdan.tickets import services
from tests.reports.clock import mover, sh, sync

TABLES: tuple[type[models.Model], ...] = (*ROLLUP_DIMS, Histogram, MonthHistogram, TicketFact)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row and every fact, without surrogate ids and computation times."""
    out = {}
    for model in TABLES:
        names = [
            f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "computed_at")
        ]
        out[model.__name__] = sorted(
            model._default_manager.values_list(*names), key=lambda row: repr(row)
        )
    return out


def test_a_batch_leaves_the_rollups_of_its_events_one_by_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = mover(monkeypatch)
    at(sh(2026, 11, 23, 9))
    a = world.ticket(title="批量 a")
    b = world.ticket(title="批量 b")
    c = world.ticket(title="批量 c")
    sync()  # their facts exist: the batch below revises them
    at(sh(2026, 11, 23, 10))
    services.comment_create(actor=world.agent, ticket=a, body="回复 reply")
    services.ticket_transition(actor=world.agent, ticket=a, to="in_progress", comment="开始")
    at(sh(2026, 11, 24, 11))  # another day: cells of two days move
    services.ticket_transition(actor=world.agent, ticket=a, to="resolved", comment="好了")
    services.ticket_update(actor=world.admin, ticket=b, team=world.field_team)
    services.comment_create(actor=world.customer, ticket=c, body="还是不行 still broken")
    services.comment_create(actor=world.agent, ticket=c, body="再试 try again")
    d = world.ticket(title="批量 d")  # a new fact in the batch
    services.ticket_transition(actor=world.admin, ticket=d, to="cancelled", comment="重复")
    pending = list(OutboxEvent.objects.filter(processed_at=None).order_by("id"))
    kinds = [e for e in pending if e.event_type in subscribers.TICKET_EVENTS]
    assert len(kinds) > 4 * 2  # several events per ticket

    with transaction.atomic():  # one by one (the per-event path), then undone
        for event in pending:
            dispatch_event(event)
        one_by_one = _snapshot()
        assert reports_check().ok
        transaction.set_rollback(True)

    batches: list[set[str]] = []
    refresh = subscribers.fact_refresh_numbers

    def spy(numbers: set[str]) -> int:
        batches.append(set(numbers))
        return refresh(numbers)

    monkeypatch.setattr(subscribers, "fact_refresh_numbers", spy)
    sync()  # the dispatcher's batch: all of them at once

    assert batches == [{a.number, b.number, c.number, d.number}]
    assert _snapshot() == one_by_one
    assert reports_check().ok
    assert OutboxEvent.objects.filter(processed_at=None).count() == 0
