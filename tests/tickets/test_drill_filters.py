"""The report drill-down filters on the ticket list (page, selector and ``tickets_list``):
resolved/closed day ranges, SLA outcome, reopened; the organization from a drill link."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.testing import Api, World
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import TicketFilters, ticket_list

URL = "/desk/tickets/"


def _at(day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour))


@pytest.fixture
def tickets(world: World) -> dict[str, Ticket]:
    """a: resolved 3 Nov, met; b: resolved 5 Nov and closed 6 Nov, breached; c: open, reopened;
    d: open, untouched (globex)."""
    a = world.ticket(title="a", by=world.agent)
    b = world.ticket(title="b", by=world.agent)
    c = world.ticket(title="c", by=world.agent)
    d = world.ticket(title="d", by=world.agent, requester=world.other_contact)
    Ticket.objects.filter(pk=a.pk).update(status=Status.RESOLVED, resolved_at=_at(3))
    Ticket.objects.filter(pk=b.pk).update(
        status=Status.CLOSED, resolved_at=_at(5), closed_at=_at(6), sla_breached_at=_at(4)
    )
    for step in (Status.IN_PROGRESS, Status.RESOLVED):
        c = services.ticket_transition(actor=world.agent, ticket=c, to=step)
    services.ticket_transition(
        actor=world.customer, ticket=Ticket.objects.get(pk=c.pk), to=Status.REOPENED, comment="x"
    )
    return {"a": a, "b": b, "c": c, "d": d}


def _titles(world: World, **kw: object) -> list[str]:
    qs = ticket_list(user=world.admin, filters=TicketFilters(**kw))  # type: ignore[arg-type]
    return sorted(t.title for t in qs)


def test_resolved_and_closed_day_ranges_are_inclusive(world: World, tickets: dict) -> None:
    assert _titles(world, resolved_from=date(2026, 11, 3), resolved_to=date(2026, 11, 5)) == [
        "a",
        "b",
    ]
    assert _titles(world, resolved_from=date(2026, 11, 4)) == ["b"]
    assert _titles(world, resolved_to=date(2026, 11, 3)) == ["a"]
    assert _titles(world, closed_from=date(2026, 11, 6), closed_to=date(2026, 11, 6)) == ["b"]
    assert _titles(world, closed_to=date(2026, 11, 5)) == []


def test_sla_outcome_and_reopened(world: World, tickets: dict) -> None:
    assert _titles(world, sla="breached") == ["b"]
    assert _titles(world, sla="met") == ["a"]
    assert _titles(world, reopened=True) == ["c"]
    assert _titles(world, sla="unknown") == ["a", "b", "c", "d"]


def _numbers(html: str) -> list[str]:
    return re.findall(r'class="gd-ticket-number" href="/desk/tickets/([^/]+)/"', html)


def test_the_list_page_takes_a_drill_down_query(world: World, tickets: dict) -> None:
    client = world.client_for(world.supervisor)

    breached = client.get(URL, {"view": "all", "sla": "breached", "resolved_from": "2026-11-01"})
    reopened = client.get(URL, {"view": "all", "reopened": "1"})
    globex = client.get(URL, {"view": "all", "organization": str(world.globex.pk)})
    statuses = client.get(URL, {"view": "all", "status": ["resolved", "closed"]})

    assert _numbers(breached.content.decode()) == [tickets["b"].number]
    assert _numbers(reopened.content.decode()) == [tickets["c"].number]
    assert _numbers(globex.content.decode()) == [tickets["d"].number]
    assert sorted(_numbers(statuses.content.decode())) == sorted(
        [tickets["a"].number, tickets["b"].number]
    )
    # The drill's organization survives a change of the filter form (a hidden field).
    assert f'name="organization" value="{world.globex.pk}"' in globex.content.decode()


def test_a_drill_down_never_widens_what_an_agent_sees(world: World, tickets: dict) -> None:
    other = world.ticket(title="field", by=world.agent, team=world.field_team)
    Ticket.objects.filter(pk=other.pk).update(sla_breached_at=_at(4))

    html = world.client_for(world.other_agent).get(URL, {"view": "all", "sla": "breached"})

    assert _numbers(html.content.decode()) == [other.number]


def test_the_list_api_takes_the_drill_down_parameters(
    world: World, api: Api, tickets: dict
) -> None:
    caller = api.as_(world.supervisor)

    met = caller.get("/tickets?sla=met&resolved_to=2026-11-30")
    closed = caller.get("/tickets?closed_from=2026-11-06&closed_to=2026-11-06")
    reopened = caller.get("/tickets?reopened=1")
    bad = caller.get("/tickets?sla=sometimes")

    assert [t["number"] for t in met.json()["items"]] == [tickets["a"].number]
    assert [t["number"] for t in closed.json()["items"]] == [tickets["b"].number]
    assert [t["number"] for t in reopened.json()["items"]] == [tickets["c"].number]
    assert bad.status_code == 422


def test_drill_down_filters_cost_no_extra_query(
    world: World, tickets: dict, django_assert_num_queries
) -> None:
    client = world.client_for(world.agent)
    client.get(URL)  # the process caches (the filter form's choice lists) warm up
    query = {
        "view": "all",
        "created_from": "2020-01-01",
        "reopened": "1",
        "organization": str(world.acme.pk),
    }

    with django_assert_num_queries(15):  # as the plain list (test_views_list)
        response = client.get(URL, query)

    assert _numbers(response.content.decode()) == [tickets["c"].number]


def test_drill_down_filters_cost_no_extra_query_in_the_api(
    world: World, api: Api, tickets: dict
) -> None:
    caller = api.as_(world.supervisor)
    caller.get("/me")  # the token's last-used stamp is written once

    with CaptureQueriesContext(connection) as plain:
        caller.get("/tickets?view=all&number=" + tickets["c"].number)
    with CaptureQueriesContext(connection) as drilled:
        response = caller.get("/tickets?reopened=1&created_from=2020-01-01")
    assert [t["number"] for t in response.json()["items"]] == [tickets["c"].number]
    assert len(drilled) == len(plain)
