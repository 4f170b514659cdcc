"""Closed and cancelled tickets stop every SLA clock: nothing warns, breaches or escalates."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from gongdan.sla.choices import SlaTarget
from gongdan.sla.models import EscalationLevel, SlaClock, SlaPolicy
from gongdan.sla.sweep import sweep
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Priority, Status, TimelineKind
from gongdan.tickets.models import Ticket, TimelineEntry
from tests.sla.conftest import sh

MIGRATION = "gongdan.sla.migrations.0005_stop_clocks_of_finished_tickets"


@pytest.fixture
def policy(world: World) -> SlaPolicy:
    """Around the clock: first response 1 h, next response 1 h, resolution 4 h; escalate at once."""
    policy = SlaPolicy.objects.create(
        name="全天候 24x7",
        business_time=False,
        first_response_minutes=60,
        next_response_minutes=60,
        resolution_minutes=240,
        warn_percents=[75],
    )
    EscalationLevel.objects.create(policy=policy, after_minutes=0, raise_priority=True)
    return policy


@pytest.fixture
def at_nine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 11, 23, 9))


def _sla_entries(ticket: Ticket) -> list[str]:
    return list(
        TimelineEntry.objects.filter(ticket=ticket, kind__startswith="sla.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def _running(ticket: Ticket) -> list[str]:
    return sorted(
        SlaClock.objects.filter(ticket=ticket, running_since__isnull=False).values_list(
            "target", flat=True
        )
    )


def test_a_portal_cancel_with_a_reason_arms_no_clock_and_nothing_fires_later(
    world: World, policy: SlaPolicy, at_nine: None
) -> None:
    # Given an answered ticket (first response met), so a customer reply would owe a next response
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="请重启打印机")

    # When the customer cancels it in the portal, with a reason (stored as a public reply)
    response = world.client_for(world.customer).post(
        reverse("portal:cancel", args=[ticket.number]), {"reason": "自己修好了"}
    )
    assert response.status_code == 302

    # Then no clock runs and the ticket shows no due time
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    assert _running(ticket) == []
    assert not SlaClock.objects.filter(ticket=ticket, target=SlaTarget.NEXT_RESPONSE).exists()
    assert (ticket.next_response_due_at, ticket.resolution_due_at, ticket.sla_due_at) == (
        None,
        None,
        None,
    )
    # and a sweep long past every target fires nothing
    result = sweep(now=sh(2026, 11, 25, 9))
    assert (result.warnings, result.breaches, result.escalations) == (0, 0, 0)
    ticket.refresh_from_db()
    assert (ticket.sla_breached_at, ticket.priority) == (None, Priority.NORMAL)
    assert _sla_entries(ticket) == []


def test_a_staff_reply_on_a_closed_ticket_restarts_no_clock(
    world: World, policy: SlaPolicy, at_nine: None
) -> None:
    ticket = world.ticket(by=world.supervisor, assignee=world.agent)
    ticket = services.ticket_transition(
        actor=world.agent, ticket=ticket, to=Status.CANCELLED, comment="重复提交"
    )

    services.comment_create(actor=world.agent, ticket=ticket, body="已取消 cancelled")

    assert _running(ticket) == []
    assert list(
        SlaClock.objects.filter(ticket=ticket).order_by("target").values_list("target", "met_at")
    ) == [(SlaTarget.FIRST_RESPONSE, None), (SlaTarget.RESOLUTION, None)]


def test_a_merged_duplicate_stops_its_clocks(
    world: World, policy: SlaPolicy, at_nine: None
) -> None:
    source, target = world.ticket(), world.ticket()

    services.ticket_merge(actor=world.agent, source=source, target=target)

    source.refresh_from_db()
    assert source.status == Status.CLOSED
    assert _running(source) == []
    assert source.sla_due_at is None
    assert sweep(now=sh(2026, 11, 25, 9)).breaches == 2  # the target's first response, resolution
    assert _sla_entries(source) == []


def test_the_sweep_stops_a_stale_clock_of_a_cancelled_ticket_and_fires_nothing(
    world: World, policy: SlaPolicy, at_nine: None
) -> None:
    # Given a cancelled ticket whose resolution clock still runs (written before the fix)
    ticket = world.ticket()
    services.ticket_transition(
        actor=world.customer, ticket=ticket, to=Status.CANCELLED, comment="不需要了"
    )
    clock = SlaClock.objects.get(ticket=ticket, target=SlaTarget.RESOLUTION)
    SlaClock.objects.filter(pk=clock.pk).update(
        running_since=sh(2026, 11, 23, 9), due_at=sh(2026, 11, 23, 13), warn_at=sh(2026, 11, 23, 12)
    )

    # When the sweep runs past its due time
    result = sweep(now=sh(2026, 11, 23, 14))

    # Then nothing fired and the clock no longer runs
    assert (result.warnings, result.breaches, result.escalations) == (0, 0, 0)
    clock.refresh_from_db()
    assert (clock.running_since, clock.due_at, clock.warn_at, clock.breached_at) == (
        None,
        None,
        None,
        None,
    )
    assert _sla_entries(ticket) == []


def _stale_cancelled_ticket(world: World) -> tuple[Ticket, datetime]:
    """A ticket cancelled at 10:00 whose clocks ran on: as the unfixed code left it, and worse."""
    ticket = world.ticket()
    cancel = sh(2026, 11, 23, 10)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.CANCELLED,
        closed_at=cancel,
        next_response_due_at=cancel + timedelta(hours=1),
        sla_due_at=cancel + timedelta(hours=1),
        sla_breached_at=cancel + timedelta(hours=1),
        priority=Priority.HIGH,
    )
    # The resolution clock was never stopped, breached at 13:00 and escalated once.
    SlaClock.objects.filter(ticket=ticket, target=SlaTarget.RESOLUTION).update(
        running_since=sh(2026, 11, 23, 9),
        elapsed_seconds=0,
        due_at=sh(2026, 11, 23, 13),
        breached_at=sh(2026, 11, 23, 13),
        escalation_level=1,
    )
    # The cancel reason armed a next-response clock, which breached at 11:00.
    SlaClock.objects.create(
        ticket=ticket,
        policy=SlaPolicy.objects.get(),
        target=SlaTarget.NEXT_RESPONSE,
        target_minutes=60,
        business_time=False,
        started_at=cancel + timedelta(seconds=1),
        running_since=cancel + timedelta(seconds=1),
        due_at=cancel + timedelta(hours=1),
        breached_at=cancel + timedelta(hours=1),
        escalation_level=1,
    )
    # An earlier, true warning at 09:45 stays; the late entries go.
    for kind, at, target in [
        (TimelineKind.SLA_WARNING, sh(2026, 11, 23, 9, 45), SlaTarget.FIRST_RESPONSE),
        (TimelineKind.SLA_BREACHED, sh(2026, 11, 23, 11), SlaTarget.NEXT_RESPONSE),
        (TimelineKind.SLA_ESCALATED, sh(2026, 11, 23, 11), SlaTarget.NEXT_RESPONSE),
        (TimelineKind.SLA_BREACHED, sh(2026, 11, 23, 13), SlaTarget.RESOLUTION),
        (TimelineKind.SLA_ESCALATED, sh(2026, 11, 23, 13), SlaTarget.RESOLUTION),
    ]:
        TimelineEntry.objects.create(
            ticket=ticket, kind=kind, data={"target": target}, is_internal=True, created_at=at
        )
    return ticket, cancel


def test_the_data_migration_stops_clocks_that_ran_on_after_the_cancel(
    world: World, policy: SlaPolicy, at_nine: None
) -> None:
    migration = importlib.import_module(MIGRATION)
    ticket, cancel = _stale_cancelled_ticket(world)
    untouched = world.ticket()  # an open ticket keeps its running clocks
    before = list(SlaClock.objects.filter(ticket=untouched).values())

    migration.stop_clocks_of_finished_tickets(apps, None)

    assert list(SlaClock.objects.filter(ticket=untouched).values()) == before
    assert list(
        SlaClock.objects.filter(ticket=ticket)
        .order_by("target")
        .values_list(
            "target",
            "running_since",
            "due_at",
            "breached_at",
            "escalation_level",
            "elapsed_seconds",
        )
    ) == [
        (SlaTarget.FIRST_RESPONSE, None, None, None, 0, 3600.0),
        (SlaTarget.RESOLUTION, None, None, None, 0, 3600.0),
    ]
    ticket.refresh_from_db()
    assert (ticket.sla_due_at, ticket.next_response_due_at, ticket.sla_breached_at) == (
        None,
        None,
        None,
    )
    assert ticket.priority == Priority.HIGH  # what an escalation did to the ticket stays
    assert _sla_entries(ticket) == [TimelineKind.SLA_WARNING]
    assert cancel == ticket.closed_at
