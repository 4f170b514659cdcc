"""A hand-built week of tickets whose every figure is worked out by hand in the tests.

Asia/Shanghai, the week of Monday 2026-11-23 (no holiday), the China calendar (09–12, 13–18)
and one SLA policy on it: first response 60 min, resolution 8 h, pause while pending.

- T1 incident, portal: created Mon 09:00; agent replies 09:45, starts 10:00, resolves 14:00;
  the customer closes it Fri 10:00.
- T2 field repair, phone (other_agent's team): created by other_agent Tue 17:00; started 17:30
  (its first agent action); reply Wed 09:30; the customer answers 10:00; resolved 11:00; the
  customer reopens Thu 09:00; resolved again Thu 10:00.
- T3 incident, portal: created Wed 12:00; agent starts 13:00, pending 14:00; the admin moves
  it to the field team Fri 09:00. Open at the end of the week.
- T4 incident, portal: created Thu 09:00, cancelled by the customer 09:30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongdan.reports.periods import Period
from gongdan.sla.models import SlaPolicy
from gongdan.sla.seeding import seed_china_calendar
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Ticket
from tests.reports.clock import At, sh, sync

WEEK = Period(date(2026, 11, 23), date(2026, 11, 29))


@dataclass
class Story:
    t1: Ticket
    t2: Ticket
    t3: Ticket
    t4: Ticket


def _move(
    world: World, at: At, ticket: Ticket, moment: tuple[int, ...], to: str, **kw: object
) -> None:
    at(sh(*moment))
    actor = kw.pop("actor", world.agent)
    services.ticket_transition(actor=actor, ticket=ticket, to=to, **kw)  # type: ignore[arg-type]


def build_story(world: World, at: At) -> Story:
    calendar = seed_china_calendar().calendar
    SlaPolicy.objects.create(
        name="标准 Standard",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=8 * 60,
        pause_statuses=["pending"],
    )
    at(sh(2026, 11, 23, 9))
    t1 = world.ticket()
    at(sh(2026, 11, 23, 9, 45))
    services.comment_create(actor=world.agent, ticket=t1, body="我们在查 Looking into it")
    _move(world, at, t1, (2026, 11, 23, 10), "in_progress")
    _move(world, at, t1, (2026, 11, 23, 14), "resolved")

    at(sh(2026, 11, 24, 17))
    t2 = world.ticket(by=world.other_agent, ticket_type=world.repair, channel=Channel.PHONE)
    _move(world, at, t2, (2026, 11, 24, 17, 30), "in_progress", actor=world.other_agent)
    at(sh(2026, 11, 25, 9, 30))
    services.comment_create(actor=world.other_agent, ticket=t2, body="明早上门 On site tomorrow")
    at(sh(2026, 11, 25, 10))
    services.comment_create(actor=world.customer, ticket=t2, body="好的 OK")
    _move(world, at, t2, (2026, 11, 25, 11), "resolved", actor=world.other_agent)
    _move(world, at, t2, (2026, 11, 26, 9), "reopened", actor=world.customer, comment="又坏了")
    _move(world, at, t2, (2026, 11, 26, 10), "resolved", actor=world.other_agent)

    at(sh(2026, 11, 25, 12))
    t3 = world.ticket(category=world.printer)
    _move(world, at, t3, (2026, 11, 25, 13), "in_progress")
    _move(world, at, t3, (2026, 11, 25, 14), "pending")
    at(sh(2026, 11, 27, 9))
    services.ticket_update(
        actor=world.admin, ticket=Ticket.objects.get(pk=t3.pk), team=world.field_team
    )

    at(sh(2026, 11, 26, 9))
    t4 = world.ticket(category=world.printer)
    _move(world, at, t4, (2026, 11, 26, 9, 30), "cancelled", actor=world.customer, comment="不用了")

    _move(world, at, t1, (2026, 11, 27, 10), "closed", actor=world.customer)
    at(sh(2026, 11, 30, 12))
    sync()
    return Story(*(Ticket.objects.get(pk=t.pk) for t in (t1, t2, t3, t4)))
