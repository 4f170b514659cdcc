"""SLA clocks on real tickets, on the seeded China calendar (office hours 09–12, 13–18).

Times are Asia/Shanghai; 2026-11-23 is a Monday with no holiday around it. ``at`` moves the
clock that the services read (``timezone.now``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from gongdan.sla.choices import SlaTarget
from gongdan.sla.models import BusinessCalendar, SlaClock, SlaPolicy
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Priority, Status
from gongdan.tickets.models import Ticket
from tests.sla.conftest import sh

At = Callable[[datetime], None]


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> At:
    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


@pytest.fixture
def standard(world: World, china: BusinessCalendar) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="标准 Standard",
        position=100,
        calendar=china,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        pause_statuses=["pending"],
        warn_percents=[75, 90],
    )


def _due(ticket: Ticket, target: str) -> datetime | None:
    clock = SlaClock.objects.get(ticket=ticket, target=target)
    return clock.due_at


def _new(world: World, at: At, moment: datetime, **kw: Any) -> Ticket:
    at(moment)
    return world.ticket(by=world.agent, **kw)


def test_targets_count_office_hours_over_a_weekend(
    world: World, standard: SlaPolicy, at: At
) -> None:
    ticket = _new(world, at, sh(2026, 11, 20, 17, 30))  # Friday 17:30

    assert ticket.first_response_due_at == sh(2026, 11, 23, 9, 30)  # Monday
    assert ticket.resolution_due_at == sh(2026, 11, 23, 17, 30)
    assert ticket.sla_due_at == ticket.first_response_due_at
    assert _due(ticket, SlaTarget.RESOLUTION) == sh(2026, 11, 23, 17, 30)


def test_a_target_spanning_national_day_skips_the_holiday_and_counts_the_makeup_day(
    world: World, standard: SlaPolicy, at: At
) -> None:
    from gongdan.sla.clock import add_business_time
    from gongdan.sla.selectors import calendar_spec

    start = sh(2025, 9, 30, 17, 0)  # the last working afternoon before 2025's National Day
    ticket = _new(world, at, start)

    # 1 h left on 30 Sep; 1–8 Oct are holidays; 7 h on Thursday 9 Oct.
    assert ticket.resolution_due_at == sh(2025, 10, 9, 17, 0)
    spec = calendar_spec(standard.calendar)  # type: ignore[arg-type]
    assert ticket.resolution_due_at == add_business_time(spec, start, 480)
    # From Friday 10 Oct 17:00 the make-up Saturday (11 Oct) is a working day.
    friday = _new(world, at, sh(2025, 10, 10, 17, 0))
    assert friday.resolution_due_at == sh(2025, 10, 11, 17, 0)


def test_no_policy_no_clocks(world: World, at: At) -> None:
    ticket = _new(world, at, sh(2026, 11, 23, 9))

    assert ticket.sla_due_at is None and not SlaClock.objects.filter(ticket=ticket).exists()


def test_policies_are_chosen_by_their_conditions_in_order(
    world: World, standard: SlaPolicy, china: BusinessCalendar, at: At
) -> None:
    urgent = SlaPolicy.objects.create(
        name="紧急", position=1, calendar=china, resolution_minutes=240, priorities=["urgent"]
    )
    gold = SlaPolicy.objects.create(
        name="金牌客户", position=2, calendar=china, resolution_minutes=120, tiers=["gold"]
    )
    world.acme.tier = "gold"
    world.acme.save()

    urgent_ticket = _new(world, at, sh(2026, 11, 23, 9), priority=Priority.URGENT)
    gold_ticket = _new(world, at, sh(2026, 11, 23, 9))
    world.acme.tier = ""
    world.acme.save()
    plain = _new(world, at, sh(2026, 11, 23, 9))

    assert SlaClock.objects.get(ticket=urgent_ticket, target="resolution").policy == urgent
    assert urgent_ticket.resolution_due_at == sh(2026, 11, 23, 14)
    assert gold_ticket.resolution_due_at == sh(2026, 11, 23, 11)
    assert SlaClock.objects.get(ticket=gold_ticket, target="resolution").policy == gold
    assert plain.resolution_due_at == sh(2026, 11, 23, 18)


def test_pending_time_is_excluded(world: World, standard: SlaPolicy, at: At) -> None:
    ticket = _new(world, at, sh(2026, 11, 23, 9))  # resolution due Mon 18:00
    at(sh(2026, 11, 23, 9, 30))
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    at(sh(2026, 11, 23, 10))
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.PENDING)

    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None and ticket.sla_due_at is None  # paused

    at(sh(2026, 11, 24, 10))  # the customer answers a business day later
    services.comment_create(actor=world.customer, ticket=ticket, body="已重启，还是不行")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    # 1 h used before the pause, 7 h left from Tue 10:00: 10–12 and 13–18.
    assert ticket.resolution_due_at == sh(2026, 11, 24, 18)
    # The customer's reply asks for an answer within 2 business hours.
    assert ticket.next_response_due_at == sh(2026, 11, 24, 12)


def test_reopen_resumes_the_resolution_clock(world: World, standard: SlaPolicy, at: At) -> None:
    ticket = _new(world, at, sh(2026, 11, 23, 9))
    at(sh(2026, 11, 23, 9, 30))
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    at(sh(2026, 11, 23, 11))
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)
    clock = SlaClock.objects.get(ticket=ticket, target="resolution")
    assert clock.met_at == sh(2026, 11, 23, 11) and clock.elapsed_seconds == 2 * 3600

    at(sh(2026, 11, 25, 9))  # Wednesday: not fixed after all
    ticket = services.ticket_transition(
        actor=world.customer, ticket=ticket, to=Status.REOPENED, comment="又坏了"
    )

    ticket.refresh_from_db()
    assert ticket.resolution_due_at == sh(2026, 11, 25, 16)  # 6 h left: 9–12, 13–16
    clock.refresh_from_db()
    assert clock.met_at is None


def test_a_priority_change_re_targets_and_keeps_the_time_used(
    world: World, standard: SlaPolicy, china: BusinessCalendar, at: At
) -> None:
    SlaPolicy.objects.create(
        name="紧急", position=1, calendar=china, resolution_minutes=240, priorities=["urgent"]
    )
    ticket = _new(world, at, sh(2026, 11, 23, 9))
    assert ticket.resolution_due_at == sh(2026, 11, 23, 18)

    at(sh(2026, 11, 23, 10))
    ticket = services.ticket_update(actor=world.agent, ticket=ticket, priority=Priority.URGENT)

    ticket.refresh_from_db()
    assert ticket.resolution_due_at == sh(2026, 11, 23, 14)  # 1 h used, 3 h left
    # The urgent policy has no response target: that clock is gone.
    assert ticket.first_response_due_at is None
    assert set(SlaClock.objects.filter(ticket=ticket).values_list("target", flat=True)) == {
        "resolution"
    }


def test_staff_replies_meet_response_targets_but_internal_notes_do_not(
    world: World, standard: SlaPolicy, at: At
) -> None:
    ticket = _new(world, at, sh(2026, 11, 23, 9))
    at(sh(2026, 11, 23, 9, 20))
    services.comment_create(actor=world.agent, ticket=ticket, body="内部", is_internal=True)
    assert SlaClock.objects.get(ticket=ticket, target="first_response").met_at is None

    at(sh(2026, 11, 23, 9, 40))
    services.comment_create(actor=world.agent, ticket=ticket, body="您好，我们在处理")

    clock = SlaClock.objects.get(ticket=ticket, target="first_response")
    assert clock.met_at == sh(2026, 11, 23, 9, 40) and clock.breached_at is None
    ticket.refresh_from_db()
    assert ticket.first_response_due_at is None
    assert ticket.sla_due_at == ticket.resolution_due_at


def test_editing_the_calendar_recomputes_open_tickets(
    world: World,
    standard: SlaPolicy,
    china: BusinessCalendar,
    at: At,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from gongdan.sla.services import SpecialDayIn, special_days_save

    standard.resolution_minutes = 16 * 60
    standard.save()
    ticket = _new(world, at, sh(2026, 11, 23, 9))
    assert ticket.resolution_due_at == sh(2026, 11, 24, 18)

    at(sh(2026, 11, 23, 10))
    with django_capture_on_commit_callbacks(execute=True):
        special_days_save(
            actor=world.admin,
            calendar=china,
            entries=[SpecialDayIn(date=sh(2026, 11, 24).date(), kind="holiday", name="公司活动日")],
        )

    ticket.refresh_from_db()
    assert ticket.resolution_due_at == sh(2026, 11, 25, 18)


def test_a_24x7_policy_counts_calendar_time(world: World, at: At) -> None:
    SlaPolicy.objects.create(name="7×24", business_time=False, resolution_minutes=240)
    ticket = _new(world, at, sh(2026, 11, 21, 22))  # Saturday night

    assert ticket.resolution_due_at == sh(2026, 11, 22, 2)
