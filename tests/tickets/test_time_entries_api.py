"""/api/v1 time entries, timer and cost rates: exact values, 422 codes, outsiders, queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.services import user_create
from gongdan.testing import Api, World
from gongdan.tickets import services
from gongdan.tickets.models import CostEntry, CostRate, Ticket, TimeEntry, Timer


@pytest.fixture
def ticket(world: World) -> Ticket:
    services.cost_rate_set(
        actor=world.admin, team=world.it_team, hourly_cost="120", effective_from=date(2020, 1, 1)
    )
    return world.ticket()


def _path(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.number}/time-entries".removeprefix("/api/v1")


def test_an_agent_logs_time_and_reads_it_back_with_its_cost(
    world: World, api: Api, ticket: Ticket
) -> None:
    response = api.as_(world.agent).post(
        _path(ticket), {"minutes": 45, "billable": False, "note": "远程协助"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("ticket", "user", "minutes", "billable", "note", "comment")} == {
        "ticket": ticket.number,
        "user": world.agent.pk,
        "minutes": 45,
        "billable": False,
        "note": "远程协助",
        "comment": None,
    }
    assert (body["amount"], body["hourly_rate"]) == ("90.00", "120.00")
    assert body["work_date"] == timezone.localdate().isoformat()
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None  # ISO 8601

    listed = api.as_(world.supervisor).get(_path(ticket))
    assert listed.status_code == 200
    assert [(e["minutes"], e["amount"]) for e in listed.json()] == [(45, "90.00")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": "x"}, "minutes"),
        ({}, "minutes"),
        ({"minutes": 5, "work_date": "2999-01-01"}, "work_date"),
        ({"minutes": 5, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_with_a_code_and_nothing_is_logged(
    world: World, api: Api, ticket: Ticket, body: dict[str, object], field: str
) -> None:
    response = api.as_(world.agent).post(_path(ticket), body)

    assert response.status_code == 422, response.content
    assert response.json()["code"]
    assert TimeEntry.objects.count() == 0 and CostEntry.objects.count() == 0


def test_outsiders_cannot_see_or_log_time(world: World, api: Api, ticket: Ticket) -> None:
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=5)
    for user, status in [(world.other_agent, 404), (world.customer, 403)]:
        assert api.as_(user).get(_path(ticket)).status_code == status
        assert api.as_(user).post(_path(ticket), {"minutes": 5}).status_code == status
        assert api.as_(user).post(f"/tickets/{ticket.number}/timer/start").status_code == status
    assert api.as_(world.other_customer).get(_path(ticket)).status_code == 404
    assert api.as_(None).get(_path(ticket)).status_code == 401
    assert TimeEntry.objects.count() == 1 and Timer.objects.count() == 0


def test_delete_own_entry_not_a_colleagues_outsiders_get_404(
    world: World, api: Api, ticket: Ticket
) -> None:
    colleague = user_create(
        actor=None, username="colleague", role=Role.AGENT, teams=[world.it_team]
    )
    entry = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=5)

    assert api.as_(world.other_agent).delete(f"/time-entries/{entry.pk}").status_code == 404
    assert api.as_(world.customer).delete(f"/time-entries/{entry.pk}").status_code == 403
    response = api.as_(colleague).delete(f"/time-entries/{entry.pk}")
    assert (response.status_code, response.json()["code"]) == (403, "time.not_yours")
    assert TimeEntry.objects.count() == 1
    assert api.as_(world.agent).delete(f"/time-entries/{entry.pk}").status_code == 204
    assert TimeEntry.objects.count() == 0 and CostEntry.objects.count() == 0


def test_timer_start_and_stop_through_the_api(world: World, api: Api, ticket: Ticket) -> None:
    caller = api.as_(world.agent)
    started = caller.post(f"/tickets/{ticket.number}/timer/start")
    assert started.status_code == 201 and started.json()["running"] is True
    again = caller.post(f"/tickets/{ticket.number}/timer/start")
    assert (again.status_code, again.json()["code"]) == (409, "timer.running")
    Timer.objects.update(started_at=timezone.now() - timedelta(minutes=30))

    stopped = caller.post(f"/tickets/{ticket.number}/timer/stop", {"billable": True})

    assert stopped.status_code == 201
    assert (stopped.json()["minutes"], stopped.json()["amount"]) == (30, "60.00")
    missing = caller.post(f"/tickets/{ticket.number}/timer/stop", {})
    assert (missing.status_code, missing.json()["code"]) == (409, "timer.not_running")


def test_the_desk_wide_list_filters_by_agent_and_date_for_managers_agents_see_their_own(
    world: World, api: Api, ticket: Ticket
) -> None:
    today = timezone.localdate()
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=10)
    services.time_entry_create(
        actor=world.agent, ticket=ticket, minutes=20, work_date=today - timedelta(days=5)
    )
    services.time_entry_create(actor=world.supervisor, ticket=ticket, minutes=30)

    def minutes(user: object, query: str) -> list[int]:
        response = api.as_(user).get(f"/time-entries{query}")  # type: ignore[arg-type]
        assert response.status_code == 200, response.content
        return [e["minutes"] for e in response.json()["items"]]

    assert sorted(minutes(world.supervisor, "")) == [10, 20, 30]
    assert minutes(world.supervisor, f"?user={world.agent.pk}&start={today}") == [10]
    assert minutes(world.supervisor, f"?end={today - timedelta(days=1)}") == [20]
    assert sorted(minutes(world.agent, f"?user={world.supervisor.pk}")) == [10, 20]  # own only
    assert minutes(world.other_agent, "") == []
    assert api.as_(world.customer).get("/time-entries").status_code == 403
    bad = api.as_(world.supervisor).get(f"/time-entries?start={today}&end={today - timedelta(1)}")
    assert (bad.status_code, bad.json()["code"]) == (422, "period.end_before_start")
    long = api.as_(world.supervisor).get("/time-entries?start=2020-01-01&end=2026-01-01")
    assert (long.status_code, long.json()["code"]) == (422, "period.too_long")


def test_cost_rates_are_set_and_listed_by_managers_only(world: World, api: Api) -> None:
    body = {"user": world.agent.pk, "hourly_cost": "150.5", "effective_from": "2026-01-01"}
    for outsider in (world.agent, world.customer):
        assert api.as_(outsider).post("/cost-rates", body).status_code == 403
        assert api.as_(outsider).get("/cost-rates").status_code == 403
    assert CostRate.objects.count() == 0

    response = api.as_(world.supervisor).post("/cost-rates", body)

    assert response.status_code == 201, response.content
    assert (response.json()["hourly_cost"], response.json()["user"]) == ("150.50", world.agent.pk)
    rates = api.as_(world.admin).get("/cost-rates").json()
    assert [(r["user"], r["team"], r["hourly_cost"]) for r in rates] == [
        (world.agent.pk, None, "150.50")
    ]
    for bad, code in [
        ({**body, "hourly_cost": "-1"}, "cost_rate.cost_invalid"),
        ({**body, "team": world.it_team.pk}, "cost_rate.target_invalid"),
        ({**body, "user": 999999}, "invalid_reference"),
    ]:
        answer = api.as_(world.supervisor).post("/cost-rates", bad)
        assert (answer.status_code, answer.json()["code"]) == (422, code)
    assert CostRate.objects.get().hourly_cost == Decimal("150.50")


def test_listing_a_tickets_entries_takes_a_fixed_number_of_queries(
    world: World, api: Api, ticket: Ticket, django_assert_num_queries: object
) -> None:
    for minutes in (5, 10, 15, 20):
        services.time_entry_create(actor=world.agent, ticket=ticket, minutes=minutes)
    caller = api.as_(world.agent)
    caller.get(_path(ticket))  # warm the token

    with django_assert_num_queries(3):  # type: ignore[operator]  # user, ticket, entries
        response = caller.get(_path(ticket))
    assert len(response.json()) == 4


@pytest.mark.parametrize("n", [3, 30])
def test_the_desk_wide_list_takes_a_fixed_number_of_queries(
    world: World, api: Api, ticket: Ticket, n: int, django_assert_num_queries: object
) -> None:
    for i in range(n):
        services.time_entry_create(actor=world.agent, ticket=ticket, minutes=i + 1)
    caller = api.as_(world.supervisor)
    caller.get("/time-entries")  # warm the token

    with django_assert_num_queries(2):  # type: ignore[operator]  # user, entries
        response = caller.get("/time-entries?size=100")
    assert len(response.json()["items"]) == n
