"""Warnings, breaches and escalations: on the timeline, notified, and each fired exactly once."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gongdan.notifications.models import Notification
from gongdan.sla.models import BusinessCalendar, EscalationLevel, SlaClock, SlaPolicy
from gongdan.sla.sweep import sweep
from gongdan.testing import World
from gongdan.tickets.choices import Priority, TimelineKind
from gongdan.tickets.models import Ticket, TicketWatcher, TimelineEntry
from tests.sla.conftest import sh


@pytest.fixture
def policy(world: World, china: BusinessCalendar) -> SlaPolicy:
    policy = SlaPolicy.objects.create(
        name="标准", calendar=china, resolution_minutes=8 * 60, warn_percents=[75, 90]
    )
    EscalationLevel.objects.create(
        policy=policy, after_minutes=0, raise_priority=True, notify_team_lead=True
    )
    later = EscalationLevel.objects.create(
        policy=policy,
        after_minutes=60,
        notify_supervisors=True,
        move_to_team=world.field_team,
    )
    later.add_watchers.add(world.supervisor)
    world.it_team.lead = world.supervisor
    world.it_team.save()
    return policy


@pytest.fixture
def ticket(world: World, policy: SlaPolicy, monkeypatch: pytest.MonkeyPatch) -> Ticket:
    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 11, 23, 9))  # Monday 09:00
    return world.ticket(by=world.supervisor, assignee=world.agent)  # due Monday 18:00


def _sla_entries(ticket: Ticket) -> list[tuple[str, dict]]:
    return [
        (e.kind, e.data)
        for e in TimelineEntry.objects.filter(ticket=ticket, kind__startswith="sla.").order_by("id")
    ]


def _notes(user: object, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_warnings_fire_once_each_at_75_and_90_percent(world: World, ticket: Ticket) -> None:
    assert sweep(now=sh(2026, 11, 23, 15, 59)).warnings == 0
    assert sweep(now=sh(2026, 11, 23, 16, 1)).warnings == 1  # 75 % of 8 h: 16:00
    assert sweep(now=sh(2026, 11, 23, 16, 2)).warnings == 0
    assert sweep(now=sh(2026, 11, 23, 17, 11)).warnings == 0
    assert sweep(now=sh(2026, 11, 23, 17, 13)).warnings == 1  # 90 %: 7 h 12 min → 17:12

    assert [d["percent"] for _k, d in _sla_entries(ticket)] == [75, 90]
    assert _notes(world.agent, "sla.warning") == 2
    entry = TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.SLA_WARNING).first()
    assert entry is not None and entry.is_internal  # customers never see SLA internals


def test_a_late_sweep_warns_once_at_the_highest_threshold_reached(
    world: World, ticket: Ticket
) -> None:
    result = sweep(now=sh(2026, 11, 23, 17, 50))

    assert result.warnings == 1
    assert [d["percent"] for _k, d in _sla_entries(ticket)] == [90]


def test_breach_and_escalation_levels_fire_once_each(world: World, ticket: Ticket) -> None:
    first = sweep(now=sh(2026, 11, 23, 18, 1))

    assert (first.breaches, first.escalations) == (1, 1)
    ticket.refresh_from_db()
    assert ticket.sla_breached_at == sh(2026, 11, 23, 18, 1)
    assert ticket.priority == Priority.HIGH  # level 1 raised it from normal
    assert _notes(world.supervisor, "sla.escalated") == 1  # the IT team's lead
    assert _notes(world.agent, "sla.escalated") == 1

    again = sweep(now=sh(2026, 11, 23, 18, 30))
    assert (again.breaches, again.escalations) == (0, 0)

    # Level 2 comes 60 business minutes after the due time: Tuesday 10:00.
    assert sweep(now=sh(2026, 11, 24, 9, 59)).escalations == 0
    assert sweep(now=sh(2026, 11, 24, 10, 1)).escalations == 1
    ticket.refresh_from_db()
    assert ticket.team == world.field_team
    assert TicketWatcher.objects.filter(ticket=ticket, user=world.supervisor).exists()
    assert sweep(now=sh(2026, 11, 25, 10)).escalations == 0

    kinds = [k for k, _d in _sla_entries(ticket)]
    assert kinds.count("sla.breached") == 1 and kinds.count("sla.escalated") == 2
    clock = SlaClock.objects.get(ticket=ticket, target="resolution")
    assert (clock.escalation_level, clock.escalate_at) == (2, None)


def test_a_met_target_never_breaches(
    world: World, ticket: Ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongdan.tickets import services
    from gongdan.tickets.choices import Status

    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 11, 23, 10))
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)

    result = sweep(now=sh(2026, 11, 30, 10))
    assert (result.warnings, result.breaches, result.escalations) == (0, 0, 0)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_fire_each_event_once(world: World, policy: SlaPolicy) -> None:
    from gongdan.tickets import services

    tickets = [
        services.ticket_create(
            actor=world.supervisor,
            title=f"并发 {n}",
            requester=world.customer_contact,
            ticket_type=world.incident,
            assignee=world.agent,
            created_at=sh(2026, 11, 23, 9),
        )
        for n in range(20)
    ]
    SlaClock.objects.filter(ticket__in=tickets).update(
        started_at=sh(2026, 11, 23, 9), running_since=sh(2026, 11, 23, 9)
    )
    now: datetime = sh(2026, 11, 23, 18, 5)
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(sweep(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(r.breaches for r in results) == 20
    assert sum(r.escalations for r in results) == 20
    assert TimelineEntry.objects.filter(kind=TimelineKind.SLA_BREACHED).count() == 20
    assert TimelineEntry.objects.filter(kind=TimelineKind.SLA_ESCALATED).count() == 20
    assert all(not r.errors for r in results)


def test_the_policy_reminds_the_assignee_n_business_minutes_before_the_due_time(
    world: World, policy: SlaPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Remind 4 business hours before: a Friday 16:00 ticket with 8 business hours is due Monday
    16:00 (Fri 16–18, Mon 9–12 and 13–16); 4 business hours before that is Monday 11:00 —
    counted back across the lunch break, never in the weekend or the break."""
    policy.remind_before_minutes = 240
    policy.warn_percents = []
    policy.save()
    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 11, 20, 16))  # Friday 16:00
    ticket = world.ticket(by=world.supervisor, assignee=world.agent)
    clock = SlaClock.objects.get(ticket=ticket, target="resolution")
    assert clock.due_at == sh(2026, 11, 23, 16)
    assert clock.remind_at == sh(2026, 11, 23, 11)

    assert sweep(now=sh(2026, 11, 23, 10, 59)).reminders == 0
    assert sweep(now=sh(2026, 11, 23, 11, 1)).reminders == 1
    assert sweep(now=sh(2026, 11, 23, 11, 2)).reminders == 0  # once

    assert _notes(world.agent, "sla.reminder") == 1
    assert [k for k, _d in _sla_entries(ticket)] == ["sla.reminder"]
    clock.refresh_from_db()
    assert clock.reminded and clock.remind_at is None


def test_a_policy_without_lead_time_sets_no_reminder(world: World, ticket: Ticket) -> None:
    clock = SlaClock.objects.get(ticket=ticket, target="resolution")

    assert clock.remind_at is None
    assert sweep(now=sh(2026, 11, 23, 17, 59)).reminders == 0


def test_warnings_breaches_and_escalations_reach_the_outbox_once_each(
    world: World, ticket: Ticket
) -> None:
    from gongdan.core.models import OutboxEvent

    sweep(now=sh(2026, 11, 23, 16, 1))
    sweep(now=sh(2026, 11, 23, 18, 1))
    sweep(now=sh(2026, 11, 23, 18, 30))

    events = [
        (e.event_type, e.payload)
        for e in OutboxEvent.objects.filter(event_type__startswith="sla.").order_by("id")
    ]
    assert events == [
        ("sla.warning", {"ticket": ticket.number, "target": "resolution", "percent": 75}),
        ("sla.warning", {"ticket": ticket.number, "target": "resolution", "percent": 90}),
        ("sla.breached", {"ticket": ticket.number, "target": "resolution"}),
        ("sla.escalated", {"ticket": ticket.number, "target": "resolution", "level": 1}),
    ]


def test_the_cost_of_a_tick_follows_its_batches_not_its_rows(
    world: World, policy: SlaPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A breach and its first level (due at once) fire in one batch: as many queries for 1 or 12."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 11, 23, 9))
    counts = []
    for n in (1, 12):
        for _ in range(n):
            world.ticket(by=world.supervisor, assignee=world.agent)
        with CaptureQueriesContext(connection) as queries:
            result = sweep(now=sh(2026, 11, 23, 18, 1))
        assert (result.breaches, result.escalations, result.errors) == (n, n, [])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Each clock breached once and stands at its first level (the second is an hour later).
    assert SlaClock.objects.filter(escalation_level=1, breached_at__isnull=False).count() == 13
