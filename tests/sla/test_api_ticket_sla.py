"""TicketOut carries the ticket's SLA (targets, due times, clock states) for staff, read from the
sla app's clocks without a query per ticket. Times are ISO 8601 with an offset.

Times are Asia/Shanghai on the seeded China calendar (office hours 09–12, 13–18); 2026-11-23 is
a Monday with no holiday around it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.sla import engine
from gongdan.sla.models import SlaClock, SlaPolicy
from gongdan.sla.seeding import seed_china_calendar
from gongdan.testing import Api, World
from gongdan.tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
At = Callable[[datetime], None]


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> At:
    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


@pytest.fixture
def standard(world: World) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="标准 Standard",
        position=100,
        calendar=seed_china_calendar().calendar,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        pause_statuses=["pending"],
    )


def _ticket(world: World, at: At, moment: datetime, **kw: Any) -> Ticket:
    at(moment)
    return world.ticket(by=world.agent, **kw)


def test_tickets_get_shows_targets_due_times_and_remaining_time_to_staff(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    ticket = _ticket(world, at, sh(2026, 11, 23, 9, 0))
    at(sh(2026, 11, 23, 9, 45))

    sla = api.as_(world.agent).get(f"/tickets/{ticket.number}").json()["sla"]

    assert sla["due_at"] == "2026-11-23T02:00:00Z"  # 10:00 in Shanghai
    assert sla["breached_at"] is None
    assert sla["next_response"] is None
    assert sla["first_response"] == {
        "target": "first_response",
        "target_minutes": 60,
        "business_time": True,
        "state": "running",
        "due_at": "2026-11-23T02:00:00Z",
        "met_at": None,
        "breached_at": None,
        "remaining_minutes": 15,
    }
    assert sla["resolution"]["due_at"] == "2026-11-23T10:00:00Z"  # 18:00 in Shanghai
    assert sla["resolution"]["remaining_minutes"] == 8 * 60 - 45


def test_an_overdue_clock_has_negative_remaining_time_and_a_breach_shows(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    ticket = _ticket(world, at, sh(2026, 11, 23, 9, 0))
    breach = sh(2026, 11, 23, 10, 0)
    SlaClock.objects.filter(ticket=ticket, target="first_response").update(breached_at=breach)
    Ticket.objects.filter(pk=ticket.pk).update(sla_breached_at=breach)
    at(sh(2026, 11, 23, 10, 30))

    sla = api.as_(world.agent).get(f"/tickets/{ticket.number}").json()["sla"]

    assert sla["breached_at"] == "2026-11-23T02:00:00Z"
    assert sla["first_response"]["state"] == "breached"
    assert sla["first_response"]["breached_at"] == "2026-11-23T02:00:00Z"
    assert sla["first_response"]["remaining_minutes"] == -30


def test_a_pending_ticket_shows_its_paused_clocks(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    ticket = _ticket(world, at, sh(2026, 11, 23, 9, 0))
    at(sh(2026, 11, 23, 9, 10))
    from gongdan.tickets import services

    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to="in_progress")
    services.ticket_transition(actor=world.agent, ticket=ticket, to="pending")

    sla = api.as_(world.agent).get(f"/tickets/{ticket.number}").json()["sla"]

    assert sla["resolution"]["state"] == "paused"
    assert (sla["resolution"]["due_at"], sla["resolution"]["remaining_minutes"]) == (None, None)


def test_tickets_create_shows_the_clocks_it_started_without_reading_them_back(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    at(sh(2026, 11, 23, 9, 0))
    caller = api.as_(world.agent)
    caller.get("/me")  # the token's last-used stamp is written once, not on every call
    body = {"title": "VPN down", "requester": world.customer_contact.pk, "priority": "high"}
    caller.post("/tickets", body)  # warm the per-process caches (types, SLA policies, rules)

    with CaptureQueriesContext(connection) as queries:
        response = caller.post("/tickets", body)

    assert response.status_code == 201
    # token; requester; in the transaction: number, ticket, clocks (one insert), timeline entry,
    # audit event, outbox event; nothing after it (the clocks are the ones just written).
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements.count("SELECT") == 2
    assert statements.count("INSERT") == 6
    assert len(statements) == 8 + 2  # BEGIN/COMMIT, or SAVEPOINT/RELEASE inside a test
    created = response.json()
    assert created["sla"]["first_response"]["remaining_minutes"] == 60
    assert created["sla"]["resolution"]["due_at"] == "2026-11-23T10:00:00Z"  # 18:00 in Shanghai
    read = caller.get(f"/tickets/{created['number']}").json()["sla"]
    for target in ("first_response", "next_response", "resolution"):
        assert created["sla"][target] == read[target]


def test_a_list_counts_time_on_the_calendar_of_a_policy_no_longer_active(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    tickets = [_ticket(world, at, sh(2026, 11, 23, 9, 0)) for _ in range(3)]
    SlaPolicy.objects.filter(pk=standard.pk).update(is_active=False)
    engine.invalidate()  # the engine's cache holds active policies only: this one is read
    at(sh(2026, 11, 23, 13, 30))  # 3.5 hours later, the lunch break not counted

    listed = api.as_(world.agent).get("/tickets").json()["items"]

    assert [t["sla"]["resolution"]["remaining_minutes"] for t in listed] == [8 * 60 - 210] * 3
    one = api.as_(world.agent).get(f"/tickets/{tickets[-1].number}").json()["sla"]
    assert listed[0]["sla"] == one


def test_a_ticket_without_policy_has_no_clocks(world: World, api: Api) -> None:
    ticket = world.ticket()

    sla = api.as_(world.agent).get(f"/tickets/{ticket.number}").json()["sla"]

    assert sla == {
        "due_at": None,
        "breached_at": None,
        "first_response": None,
        "next_response": None,
        "resolution": None,
    }


def test_customers_do_not_see_the_desk_s_sla(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    ticket = _ticket(world, at, sh(2026, 11, 23, 9, 0))

    one = api.as_(world.customer).get(f"/tickets/{ticket.number}").json()
    listed = api.as_(world.customer).get("/tickets").json()["items"]

    assert one["sla"] is None
    assert [t["sla"] for t in listed] == [None]


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_tickets_list_reads_the_clocks_of_a_page_in_one_query(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    _ticket(world, at, sh(2026, 11, 23, 9, 0))
    caller = api.as_(world.admin)
    at(sh(2026, 11, 23, 9, 30))  # one moment for both reads (the token's last use is not written)
    caller.get("/tickets")  # warm the per-process caches (token, policies, calendar)
    one = _queries(lambda: caller.get("/tickets"))
    for i in range(5):
        _ticket(world, at, sh(2026, 11, 23, 9, i))
    at(sh(2026, 11, 23, 9, 30))

    six = _queries(lambda: caller.get("/tickets"))
    items = caller.get("/tickets").json()["items"]

    assert six == one
    assert len(items) == 6
    assert [t["sla"]["resolution"]["state"] for t in items] == ["running"] * 6


def test_tickets_get_costs_the_same_queries_with_or_without_clocks(
    world: World, api: Api, standard: SlaPolicy, at: At
) -> None:
    ticket = _ticket(world, at, sh(2026, 11, 23, 9, 0))
    without_clocks = world.ticket(by=world.agent)
    SlaClock.objects.filter(ticket=without_clocks).delete()
    caller = api.as_(world.agent)
    caller.get(f"/tickets/{ticket.number}")  # warm the per-process caches

    with_clocks = _queries(lambda: caller.get(f"/tickets/{ticket.number}"))
    without = _queries(lambda: caller.get(f"/tickets/{without_clocks.number}"))

    assert with_clocks == without
