"""The view-tab counters (``tickets.counts``): kept by triggers, equal to a fresh count.

Hypothesis writes random histories through the real services (create, assign, transition, team
moves, merges, watchers) plus what bypasses them (the SLA sweep's bulk updates, deletes), with
compactions at random points; then the counters per (team, assignee) equal a fresh count, and
every persona's tab counts equal the old full count over the tickets they may see.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongdan.accounts.models import Membership
from gongdan.core.errors import DomainError
from gongdan.testing import World, run_together
from gongdan.tickets import counts, selectors, services
from gongdan.tickets.models import Ticket, TicketCount
from gongdan.tickets.selectors import BoundedCount, TicketFilters

STEPS = (
    "create",
    "create_field",
    "assign_agent",
    "assign_other",
    "unassign",
    "in_progress",
    "pending",
    "resolved",
    "closed",
    "reopened",
    "team_it",
    "team_field",
    "team_none",
    "merge",
    "delete",
    "watch",
    "sla_due",
    "sla_breach",
    "sla_stop",
    "compact",
)
step = st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=50))


def _ticket(world: World, pick: int) -> Ticket | None:
    pks = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    return Ticket.objects.get(pk=pks[pick % len(pks)]) if pks else None


def _play(world: World, name: str, pick: int) -> None:
    if name == "create":
        world.ticket()
        return
    if name == "create_field":
        world.ticket(ticket_type=world.repair)
        return
    if name == "compact":
        counts.compact()
        return
    ticket = _ticket(world, pick)
    if ticket is None:
        return
    admin = world.admin
    rows = Ticket.objects.filter(pk=ticket.pk)
    if name == "assign_agent":
        services.ticket_assign(actor=admin, ticket=ticket, assignee=world.agent)
    elif name == "assign_other":
        services.ticket_assign(actor=admin, ticket=ticket, assignee=world.other_agent)
    elif name == "unassign":
        services.ticket_assign(actor=admin, ticket=ticket, assignee=None)
    elif name in ("in_progress", "pending", "resolved", "closed", "reopened"):
        services.ticket_transition(actor=admin, ticket=ticket, to=name, comment="因为 why")
    elif name.startswith("team_"):
        team = {"team_it": world.it_team, "team_field": world.field_team}.get(name)
        services.ticket_update(actor=admin, ticket=ticket, team=team)
    elif name == "merge":
        target = _ticket(world, pick + 1)
        if target is not None and target.pk != ticket.pk:
            services.ticket_merge(actor=admin, source=ticket, target=target)
    elif name == "watch":
        services.watcher_add(actor=admin, ticket=ticket, user=world.agent)
    elif name == "delete":  # no service deletes tickets; the triggers see any delete
        rows.delete()
    elif name == "sla_due":  # the SLA engine's bulk updates bypass the services
        rows.update(sla_due_at=timezone.now())
    elif name == "sla_breach":
        rows.update(sla_breached_at=timezone.now())
    elif name == "sla_stop":
        rows.update(sla_due_at=None, sla_breached_at=None)


def _assert_counts_true(world: World) -> None:
    assert counts.maintained(fold=False) == counts.fresh()
    assert not counts.drift()
    for user in (world.admin, world.supervisor, world.agent, world.other_agent):
        assert selectors.view_counts(user=user) == selectors._view_counts_scan(user), user


@pytest.fixture
def shared_agent(world: World) -> None:
    """The other agent also works in the IT team: overlapping visibility."""
    Membership.objects.create(team=world.it_team, user=world.other_agent)


@settings(
    max_examples=40,
    derandomize=True,  # the same histories on every run
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_counters_equal_a_fresh_count_after_any_history(
    world: World, steps: list[tuple[str, int]]
) -> None:
    with transaction.atomic():
        for name, pick in steps:
            try:
                with transaction.atomic():
                    _play(world, name, pick)
            except DomainError:
                pass  # an illegal move in this history: nothing changed
        _assert_counts_true(world)
        transaction.set_rollback(True)


def test_tab_counts_of_each_role(world: World, shared_agent: None) -> None:
    it_open = world.ticket()
    field = world.ticket(ticket_type=world.repair)
    watched = world.ticket(ticket_type=world.repair)
    services.watcher_add(actor=world.admin, ticket=watched, user=world.agent)
    services.ticket_assign(actor=world.admin, ticket=it_open, assignee=world.agent)
    services.ticket_transition(actor=world.admin, ticket=field, to="in_progress")
    services.ticket_transition(actor=world.admin, ticket=field, to="pending", comment="等 wait")

    agent = selectors.view_counts(user=world.agent)
    admin = selectors.view_counts(user=world.admin)

    assert agent == {
        "mine": 1,
        "unassigned": 0,
        "open": 2,  # its own and the watched field ticket, not the other field ticket
        "due": 0,
        "breached": 0,
        "pending": 0,
        "resolved": 0,
    }
    # the admin took the field ticket by moving it into work
    assert admin["open"] == 3 and admin["pending"] == 1 and admin["mine"] == 1
    assert selectors.view_counts(user=world.other_agent)["pending"] == 1
    _assert_counts_true(world)


def test_customers_count_their_own_tickets(world: World) -> None:
    world.ticket()
    world.ticket(by=world.other_customer)
    assert selectors.view_counts(user=world.customer)["open"] == 1


def test_tab_counts_cost_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        world.ticket()
    with django_assert_num_queries(2):  # memberships, counters
        selectors.view_counts(user=world.admin)
    with django_assert_num_queries(3):  # + the watched tickets outside the agent's pairs
        selectors.view_counts(user=world.agent)


def test_reads_fold_too_many_deltas(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counts, "COMPACT_AFTER", 3)
    ticket = world.ticket()
    for to in ("in_progress", "pending", "in_progress", "pending"):
        services.ticket_transition(actor=world.admin, ticket=ticket, to=to, comment="x")
    assert TicketCount.objects.count() > 3

    before = counts.maintained()

    assert TicketCount.objects.count() == 1  # one (team, assignee) pair left
    assert counts.maintained() == before == counts.fresh()


def test_bounded_count_of_a_saved_views_filters(world: World) -> None:
    for _ in range(4):
        world.ticket()
    world.ticket(ticket_type=world.repair)
    filters = TicketFilters(team=world.it_team.pk)

    assert selectors.view_count_for_filters(world.agent, filters) == BoundedCount(4, False)
    assert selectors.view_count_for_filters(world.other_agent, filters) == BoundedCount(0, False)
    assert filters.team == world.it_team.pk  # the caller's filters are not changed


def test_bounded_count_stops_at_the_limit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    for _ in range(4):
        world.ticket()

    count = selectors.view_count_for_filters(world.admin, TicketFilters())

    assert count == BoundedCount(2, True) and str(count) == "2+"


def test_check_and_rebuild_commands(world: World) -> None:
    world.ticket()
    out = StringIO()
    call_command("tickets_counts_check", stdout=out)
    assert "no drift" in out.getvalue()

    TicketCount.objects.create(team_key=world.it_team.pk, open=5)  # a lost or doubled delta
    with pytest.raises(CommandError) as failed:
        call_command("tickets_counts_check", stdout=StringIO())
    assert failed.value.returncode == 1

    call_command("tickets_counts_rebuild", stdout=StringIO())
    call_command("tickets_counts_check", stdout=StringIO())
    assert counts.maintained() == counts.fresh()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_compactions_lose_no_delta(world: World) -> None:
    tickets = [world.ticket() for _ in range(8)]
    agents = [world.agent, world.other_agent]
    Membership.objects.create(team=world.it_team, user=world.other_agent)

    def work(i: int) -> object:
        if i % 3 == 2:
            return counts.compact()
        ticket = Ticket.objects.get(pk=tickets[i].pk)
        services.ticket_assign(actor=world.admin, ticket=ticket, assignee=agents[i % 2])
        ticket = Ticket.objects.get(pk=ticket.pk)
        return services.ticket_transition(
            actor=world.admin, ticket=ticket, to="in_progress", comment="x"
        )

    results = run_together(8, work)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert counts.maintained() == counts.fresh()
    assert counts.maintained()[(world.it_team.pk, world.agent.pk)].open >= 1


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_counts_behind(world: World) -> None:
    """SQLite flushes tables in any order: deleting the tickets after the counters leaves
    negative deltas; ``post_migrate`` (sent after a flush) clears them."""
    world.ticket()
    Ticket.objects.all().delete()
    assert TicketCount.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not TicketCount.objects.exists()
