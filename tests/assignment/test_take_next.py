"""Take next: the most urgent, soonest due unassigned ticket the agent is qualified for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongdan.assignment.models import SkillRequirement
from gongdan.assignment.services import take_next
from gongdan.core.errors import DomainError
from gongdan.testing import World
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Ticket
from tests.assignment.conftest import skill


def test_takes_the_highest_priority_then_the_soonest_due(world: World) -> None:
    low = world.ticket(title="low", priority="low")
    later = world.ticket(title="high later", priority="high")
    sooner = world.ticket(title="high sooner", priority="high")
    now = timezone.now()
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(hours=5))
    Ticket.objects.filter(pk=sooner.pk).update(sla_due_at=now + timedelta(hours=1))

    taken = [take_next(actor=world.agent) for _ in range(4)]

    assert [t.title if t else None for t in taken] == ["high sooner", "high later", "low", None]
    sooner.refresh_from_db()
    assert (sooner.assignee, sooner.status) == (world.agent, Status.ASSIGNED)
    assert sooner.timeline.filter(kind=TimelineKind.ASSIGNED, actor=world.agent).count() == 1
    assert low.pk == taken[2].pk  # type: ignore[union-attr]


def test_skips_tickets_the_agent_lacks_the_skills_for(world: World) -> None:
    SkillRequirement.objects.create(category=world.printer, skill=skill("printer"), min_level=2)
    printer = world.ticket(title="printer", category=world.printer, priority="urgent")
    plain = world.ticket(title="plain")

    taken = take_next(actor=world.agent)

    printer.refresh_from_db()
    assert taken is not None and taken.pk == plain.pk
    assert printer.assignee is None


def test_only_the_agents_own_teams(world: World) -> None:
    world.ticket()  # IT team

    assert take_next(actor=world.other_agent) is None
    with pytest.raises(DomainError) as refused:
        take_next(actor=world.other_agent, team=world.it_team)
    assert refused.value.status == 404
    assert Ticket.objects.filter(assignee__isnull=False).count() == 0


def test_customers_cannot_take(world: World) -> None:
    world.ticket()

    with pytest.raises(DomainError) as refused:
        take_next(actor=world.customer)

    assert refused.value.status == 403
    assert Ticket.objects.filter(assignee__isnull=False).count() == 0
