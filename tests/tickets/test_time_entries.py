"""Time entries and their labour cost: rates (snapshot, agent over team), timer, deletes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.services import user_create
from gongdan.audit.models import AuditEvent
from gongdan.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongdan.core.models import OutboxEvent
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import CostKind, TimelineKind
from gongdan.tickets.models import CostEntry, CostRate, Ticket, TimeEntry, TimelineEntry, Timer
from gongdan.tickets.services.time import labour_amount, rate_in_force, timer_elapsed_minutes

TODAY = date(2026, 3, 2)


@pytest.fixture
def ticket(world: World) -> Ticket:
    return world.ticket()


def _rate(world: World, cost: str, since: date, *, user=None, team=None) -> CostRate:
    return services.cost_rate_set(
        actor=world.admin, user=user, team=team, hourly_cost=cost, effective_from=since
    )


def test_logging_time_writes_the_entry_its_labour_cost_a_staff_entry_audit_and_event(
    world: World, ticket: Ticket
) -> None:
    _rate(world, "90.00", date(2020, 1, 1), team=world.it_team)

    entry = services.time_entry_create(
        actor=world.agent, ticket=ticket, minutes=50, billable=True, note="换硒鼓 toner"
    )

    assert (entry.minutes, entry.billable, entry.note) == (50, True, "换硒鼓 toner")
    assert entry.work_date == timezone.localdate()
    cost = CostEntry.objects.get(time_entry=entry)
    assert (cost.kind, cost.amount, cost.hourly_rate, cost.billable, cost.user_id) == (
        CostKind.LABOUR,
        Decimal("75.00"),
        Decimal("90.00"),
        True,
        world.agent.pk,
    )
    line = TimelineEntry.objects.get(ticket=ticket, kind=TimelineKind.TIME_LOGGED)
    assert line.is_internal is True and line.data["minutes"] == 50
    assert AuditEvent.objects.filter(action="time.logged").count() == 1
    event = OutboxEvent.objects.get(event_type="time.logged")
    assert event.payload["ticket"] == ticket.number and event.payload["amount"] == "75.00"


def test_the_agents_own_rate_wins_over_the_team_rate_and_the_rate_in_force_on_the_day_is_used(
    world: World, ticket: Ticket
) -> None:
    _rate(world, "60", date(2026, 1, 1), team=world.it_team)
    assert rate_in_force(world.agent, ticket, TODAY) == Decimal("60.00")
    _rate(world, "120.5", date(2026, 3, 1), user=world.agent)
    _rate(world, "150", date(2026, 4, 1), user=world.agent)

    assert rate_in_force(world.agent, ticket, date(2026, 2, 28)) == Decimal("60.00")
    assert rate_in_force(world.agent, ticket, TODAY) == Decimal("120.50")
    assert rate_in_force(world.agent, ticket, date(2026, 4, 1)) == Decimal("150.00")
    assert rate_in_force(world.other_agent, ticket, TODAY) is None  # field team has no rate
    assert labour_amount(7, Decimal("120.50")) == Decimal("14.06")  # 14.0583… half up
    assert labour_amount(7, None) == Decimal("0.00")


def test_a_later_rate_change_does_not_rewrite_logged_cost(world: World, ticket: Ticket) -> None:
    since = timezone.localdate() - timedelta(days=10)
    _rate(world, "100", since, user=world.agent)
    entry = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=30)

    _rate(world, "200", since, user=world.agent)  # same day: replaces the rate
    later = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=30)

    assert CostRate.objects.filter(user=world.agent).count() == 1
    assert CostEntry.objects.get(time_entry=entry).amount == Decimal("50.00")
    assert CostEntry.objects.get(time_entry=later).amount == Decimal("100.00")


def test_billable_and_non_billable_entries_keep_their_flag_on_the_cost(
    world: World, ticket: Ticket
) -> None:
    _rate(world, "60", date(2020, 1, 1), user=world.agent)
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=60, billable=True)
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=15, billable=False)

    rows = sorted(CostEntry.objects.values_list("billable", "amount"))
    assert rows == [(False, Decimal("15.00")), (True, Decimal("60.00"))]


@pytest.mark.parametrize("minutes", [0, -5, 1441, "abc", True, 1.5, None])
def test_bad_minutes_are_refused_and_nothing_is_written(
    world: World, ticket: Ticket, minutes: object
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.time_entry_create(actor=world.agent, ticket=ticket, minutes=minutes)
    assert caught.value.code == "time.minutes_invalid"
    assert TimeEntry.objects.count() == 0 and CostEntry.objects.count() == 0


def test_a_work_date_in_the_future_or_over_a_year_ago_is_refused(
    world: World, ticket: Ticket
) -> None:
    today = timezone.localdate()
    for day, code in [
        (today + timedelta(days=1), "time.date_in_future"),
        (today - timedelta(days=400), "time.date_too_old"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.time_entry_create(actor=world.agent, ticket=ticket, minutes=5, work_date=day)
        assert caught.value.code == code
    assert TimeEntry.objects.count() == 0


def test_outsiders_cannot_log_time(world: World, ticket: Ticket) -> None:
    with pytest.raises(NotFound):
        services.time_entry_create(actor=world.other_agent, ticket=ticket, minutes=5)
    with pytest.raises(Forbidden):
        services.time_entry_create(actor=world.customer, ticket=ticket, minutes=5)
    assert TimeEntry.objects.count() == 0


def test_an_agent_deletes_their_own_entry_a_colleague_may_not_a_supervisor_may(
    world: World, ticket: Ticket
) -> None:
    colleague = user_create(
        actor=None, username="colleague", role=Role.AGENT, teams=[world.it_team]
    )
    mine = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=10)
    other = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=20)

    with pytest.raises(Forbidden) as caught:
        services.time_entry_delete(actor=colleague, entry=mine)
    assert caught.value.code == "time.not_yours"
    with pytest.raises(NotFound):
        services.time_entry_delete(actor=world.other_agent, entry=mine)
    services.time_entry_delete(actor=world.agent, entry=mine)
    services.time_entry_delete(actor=world.supervisor, entry=other)

    assert TimeEntry.objects.count() == 0 and CostEntry.objects.count() == 0
    assert TimelineEntry.objects.filter(kind=TimelineKind.TIME_DELETED).count() == 2


def test_the_timer_logs_the_elapsed_minutes_once(world: World, ticket: Ticket) -> None:
    _rate(world, "60", date(2020, 1, 1), user=world.agent)
    timer = services.timer_start(actor=world.agent, ticket=ticket)
    with pytest.raises(Conflict) as caught:
        services.timer_start(actor=world.agent, ticket=ticket)
    assert caught.value.code == "timer.running"
    Timer.objects.filter(pk=timer.pk).update(
        started_at=timezone.now() - timedelta(minutes=42, seconds=10)
    )

    entry = services.timer_stop(actor=world.agent, ticket=ticket, billable=False)

    assert (entry.minutes, entry.billable) == (42, False)
    assert entry.started_at is not None
    assert CostEntry.objects.get(time_entry=entry).amount == Decimal("42.00")
    assert Timer.objects.count() == 0
    with pytest.raises(Conflict) as caught:
        services.timer_stop(actor=world.agent, ticket=ticket)
    assert caught.value.code == "timer.not_running"
    assert TimeEntry.objects.count() == 1


def test_timer_minutes_round_half_up_at_least_one_at_most_a_day() -> None:
    start = timezone.now()
    assert timer_elapsed_minutes(start, start + timedelta(seconds=5)) == 1
    assert timer_elapsed_minutes(start, start + timedelta(seconds=89)) == 1
    assert timer_elapsed_minutes(start, start + timedelta(seconds=90)) == 2
    assert timer_elapsed_minutes(start, start + timedelta(days=3)) == 1440


def test_outsiders_cannot_start_a_timer(world: World, ticket: Ticket) -> None:
    with pytest.raises(NotFound):
        services.timer_start(actor=world.other_agent, ticket=ticket)
    with pytest.raises(Forbidden):
        services.timer_start(actor=world.customer, ticket=ticket)
    assert Timer.objects.count() == 0


def test_only_managers_set_rates_and_bad_rates_are_refused(world: World) -> None:
    with pytest.raises(Forbidden):
        _rate_by(world.agent, world)
    for kwargs, code in [
        (
            {"user": world.agent, "team": world.it_team, "hourly_cost": "1"},
            "cost_rate.target_invalid",
        ),
        ({"hourly_cost": "1"}, "cost_rate.target_invalid"),
        ({"user": world.customer, "hourly_cost": "1"}, "cost_rate.user_invalid"),
        ({"team": world.it_team, "hourly_cost": "-1"}, "cost_rate.cost_invalid"),
        ({"team": world.it_team, "hourly_cost": "abc"}, "cost_rate.cost_invalid"),
        ({"team": world.it_team, "hourly_cost": "100001"}, "cost_rate.cost_invalid"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.cost_rate_set(actor=world.supervisor, effective_from=TODAY, **kwargs)
        assert caught.value.code == code
    assert CostRate.objects.count() == 0
    rate = services.cost_rate_set(
        actor=world.supervisor, team=world.it_team, hourly_cost="88.888", effective_from=TODAY
    )
    assert rate.hourly_cost == Decimal("88.89")
    assert AuditEvent.objects.filter(action="cost_rate.set").count() == 1


def _rate_by(actor, world: World) -> CostRate:
    return services.cost_rate_set(
        actor=actor, team=world.it_team, hourly_cost="10", effective_from=TODAY
    )
