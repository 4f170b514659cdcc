"""Agents going offline or on leave, and tickets reopened while their owner is away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gongdan.assignment.choices import OnUnavailable
from gongdan.assignment.models import PendingAssignment
from gongdan.assignment.services import availability_set
from gongdan.audit.models import AuditEvent
from gongdan.core.errors import DomainError
from gongdan.testing import World
from gongdan.tickets.choices import Status
from gongdan.tickets.services import ticket_transition
from tests.assignment.conftest import agent, auto


def test_going_offline_redistributes_in_a_team_that_asks_for_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    auto(world.it_team, OnUnavailable.REDISTRIBUTE)
    leaving = agent("leaving", world.it_team)
    ticket = world.ticket()
    assert ticket.assignee == leaving
    staying = agent("staying", world.it_team)

    with django_capture_on_commit_callbacks(execute=True):
        availability_set(actor=leaving, user=leaving, availability="offline")

    ticket.refresh_from_db()
    assert ticket.assignee == staying
    assert AuditEvent.objects.filter(action="agent.availability_changed").count() == 1


def test_going_offline_keeps_tickets_in_a_team_that_keeps_them(
    desk: World, django_capture_on_commit_callbacks: Any
) -> None:
    leaving = agent("leaving", desk.it_team)
    ticket = desk.ticket()
    agent("staying", desk.it_team)

    with django_capture_on_commit_callbacks(execute=True):
        availability_set(actor=leaving, user=leaving, availability="offline")

    ticket.refresh_from_db()
    assert ticket.assignee == leaving


def test_leave_with_nobody_to_take_over_puts_the_tickets_back_in_the_queue(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    auto(world.it_team, OnUnavailable.REDISTRIBUTE)
    leaving = agent("leaving", world.it_team)
    ticket = world.ticket()

    with django_capture_on_commit_callbacks(execute=True):
        availability_set(
            actor=world.supervisor, user=leaving, on_leave_until=timezone.now() + timedelta(days=3)
        )

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.status == Status.NEW
    assert PendingAssignment.objects.filter(ticket=ticket).exists()


def test_a_reopened_ticket_whose_owner_is_offline_goes_to_a_colleague(desk: World) -> None:
    owner = agent("owner", desk.it_team)
    ticket = desk.ticket()
    for to in ("in_progress", "resolved"):
        ticket = ticket_transition(actor=owner, ticket=ticket, to=to)
    colleague = agent("colleague", desk.it_team)
    availability_set(actor=owner, user=owner, availability="offline")

    ticket = ticket_transition(actor=desk.customer, ticket=ticket, to="reopened", comment="又坏了")

    assert ticket.assignee == colleague
    assert ticket.status == Status.REOPENED


def test_a_reopened_ticket_whose_owner_is_online_stays(desk: World) -> None:
    owner = agent("owner", desk.it_team)
    ticket = desk.ticket()
    for to in ("in_progress", "resolved"):
        ticket = ticket_transition(actor=owner, ticket=ticket, to=to)
    agent("colleague", desk.it_team)

    ticket = ticket_transition(actor=desk.customer, ticket=ticket, to="reopened", comment="又坏了")

    assert ticket.assignee == owner


def test_an_outsider_cannot_switch_an_agent(desk: World) -> None:
    with pytest.raises(DomainError) as refused:
        availability_set(actor=desk.other_agent, user=desk.agent, availability="online")

    desk.agent.agent_profile.refresh_from_db()
    assert refused.value.status == 404
    assert desk.agent.agent_profile.availability == "offline"


def test_a_manual_team_keeps_the_owner_of_a_reopened_ticket(world: World) -> None:
    ticket = world.ticket(by=world.supervisor, assignee=world.agent)  # world.agent is offline
    for to in ("in_progress", "resolved"):
        ticket = ticket_transition(actor=world.agent, ticket=ticket, to=to)

    ticket = ticket_transition(actor=world.customer, ticket=ticket, to="reopened", comment="又坏了")

    assert ticket.assignee == world.agent


def test_raising_capacity_lets_the_queue_move(
    desk: World, django_capture_on_commit_callbacks: Any
) -> None:
    from gongdan.assignment.services import agent_update

    full = agent("full", desk.it_team, capacity=1)
    desk.ticket(by=desk.supervisor, assignee=full)
    waiting = desk.ticket()
    assert waiting.assignee is None

    with django_capture_on_commit_callbacks(execute=True):
        agent_update(actor=desk.supervisor, user=full, capacity=5)

    waiting.refresh_from_db()
    assert waiting.assignee == full
    assert not PendingAssignment.objects.exists()
