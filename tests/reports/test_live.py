"""The live board (值班大屏): figures now, per reader; the page polls its fragment; query cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.accounts.choices import Availability, Role
from gongdan.accounts.models import AgentProfile, User
from gongdan.accounts.services import user_create
from gongdan.core.errors import Forbidden
from gongdan.reports.live import LiveBoard, live_board
from gongdan.testing import PASSWORD, World
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket

URL = "/desk/reports/live/"


@pytest.fixture
def floor(world: World) -> dict[str, Ticket]:
    """IT: ``new`` (unassigned), ``mine`` (the agent's), ``risky`` (due in 30 min), ``done``
    (resolved); field: ``late`` (breached). The agent is online."""
    now = timezone.now()
    tickets = {
        "new": world.ticket(title="new"),
        "mine": world.ticket(title="mine", by=world.agent, assignee=world.agent),
        "risky": world.ticket(title="risky"),
        "late": world.ticket(title="late", ticket_type=world.repair),
        "done": world.ticket(title="done"),
    }
    Ticket.objects.filter(pk=tickets["risky"].pk).update(sla_due_at=now + timedelta(minutes=30))
    Ticket.objects.filter(pk=tickets["late"].pk).update(
        sla_due_at=now - timedelta(hours=1), sla_breached_at=now - timedelta(hours=1)
    )
    Ticket.objects.filter(pk=tickets["done"].pk).update(status=Status.RESOLVED)
    AgentProfile.objects.filter(user=world.agent).update(availability=Availability.ONLINE)
    return tickets


@pytest.fixture
def field_lead(world: World) -> User:
    return user_create(
        actor=None,
        username="field_lead",
        role=Role.SUPERVISOR,
        password=PASSWORD,
        display_name="field_lead",
        teams=[world.field_team],
    )


def _totals(board: LiveBoard) -> tuple[int, int, int, int]:
    t = board.totals
    return (t.open, t.unassigned, t.at_risk, t.breached)


def test_the_whole_desk_now(world: World, floor: dict[str, Ticket]) -> None:
    board = live_board(user=world.supervisor)

    assert _totals(board) == (4, 3, 1, 1)
    assert {r.key: r.open for r in board.by_status} == {
        "new": 3,
        "assigned": 1,
        "in_progress": 0,
        "pending": 0,
        "reopened": 0,
    }
    assert [(r.label, r.open, r.unassigned, r.at_risk, r.breached) for r in board.by_team] == [
        (world.it_team.name, 3, 2, 1, 0),
        (world.field_team.name, 1, 1, 0, 1),
    ]
    assert [(a.name, a.availability, a.load) for a in board.agents] == [("agent", "online", 1)]
    assert [t.title for t in board.at_risk_tickets] == ["risky"]
    assert [t.title for t in board.breached_tickets] == ["late"]
    assert board.agents_online == 1


def test_a_team_supervisor_sees_their_team(
    world: World, floor: dict[str, Ticket], field_lead: User
) -> None:
    board = live_board(user=field_lead)

    assert _totals(board) == (1, 1, 0, 1)
    assert [r.label for r in board.by_team] == [world.field_team.name]
    assert board.agents == []
    assert board.breached_drill == {"view": "breached", "team": str(world.field_team.pk)}


def test_an_agent_sees_their_own_tickets(world: World, floor: dict[str, Ticket]) -> None:
    board = live_board(user=world.agent)

    assert _totals(board) == (1, 0, 0, 0)
    assert board.personal is True
    assert [(a.name, a.load) for a in board.agents] == [("agent", 1)]
    assert board.totals.drill == {"view": "open", "assignee": str(world.agent.pk)}


def test_customers_see_no_board(world: World) -> None:
    for customer in (world.customer, world.org_admin, world.other_customer):
        with pytest.raises(Forbidden):
            live_board(user=customer)
        assert world.client_for(customer).get(URL).status_code == 403


def test_the_page_polls_its_fragment(world: World, floor: dict[str, Ticket]) -> None:
    client = world.client_for(world.supervisor)

    page = client.get(URL).content.decode()
    fragment = client.get(URL, headers={"HX-Request": "true", "HX-Target": "live-board"})

    assert 'hx-trigger="every 30s"' in page
    assert "<html" in page
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="live-board"')
    assert "<html" not in body
    assert 'href="/desk/tickets/?view=breached"' in body
    assert fragment["Vary"] == "HX-Request, Cookie" or "HX-Request" in fragment["Vary"]


def _queries(user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        live_board(user=user)
    return len(queries)


def test_the_board_costs_a_fixed_number_of_queries(
    world: World, floor: dict[str, Ticket], field_lead: User
) -> None:
    before = (_queries(world.supervisor), _queries(field_lead), _queries(world.agent))
    for i in range(6):
        services.ticket_create(
            actor=world.agent,
            title=f"more {i}",
            ticket_type=world.repair if i % 2 else world.incident,
            requester=world.customer_contact,
            assignee=None if i % 2 else world.agent,
        )

    after = (_queries(world.supervisor), _queries(field_lead), _queries(world.agent))

    assert before == after == (9, 9, 7)
