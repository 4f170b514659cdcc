"""SLA in the workspace (badges, clocks, "due soonest" and "breached" views) and the portal."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gongdan.sla.models import SlaPolicy
from gongdan.sla.sweep import sweep
from gongdan.testing import World
from gongdan.tickets.models import Ticket


@pytest.fixture
def policy(world: World) -> SlaPolicy:
    # Calendar time keeps these tests independent of the day they run on.
    return SlaPolicy.objects.create(
        name="7×24", business_time=False, first_response_minutes=30, resolution_minutes=240
    )


def test_lists_show_a_badge_and_the_due_view_sorts_by_due_time(
    world: World, policy: SlaPolicy
) -> None:
    later = world.ticket(title="稍后到期")
    sooner = world.ticket(title="马上到期", priority="urgent")
    Ticket.objects.filter(pk=sooner.pk).update(sla_due_at=timezone.now() + timedelta(minutes=5))
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=timezone.now() + timedelta(hours=3))
    client = world.client_for(world.agent)

    page = client.get("/desk/tickets/", {"view": "due"})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(sooner.number) < html.index(later.number)
    assert 'data-sla="soon"' in html and 'data-sla="ok"' in html
    api_items = client.get("/api/v1/tickets", {"view": "due"}).json()["items"]
    assert [t["number"] for t in api_items] == [sooner.number, later.number]


def test_the_breached_view_lists_breached_open_tickets_only(
    world: World, policy: SlaPolicy
) -> None:
    late = world.ticket(title="已超时")
    on_time = world.ticket(title="正常")
    sweep(now=timezone.now() + timedelta(hours=5))  # both breach…
    Ticket.objects.filter(pk=on_time.pk).update(sla_breached_at=None)  # …keep one for contrast
    Ticket.objects.filter(pk=late.pk).update(sla_due_at=timezone.now() - timedelta(hours=1))

    html = (
        world.client_for(world.agent).get("/desk/tickets/", {"view": "breached"}).content.decode()
    )

    assert late.number in html and on_time.number not in html
    assert 'data-sla="overdue"' in html


def test_another_teams_agent_sees_none_of_it(world: World, policy: SlaPolicy) -> None:
    ticket = world.ticket()
    sweep(now=timezone.now() + timedelta(hours=5))
    client = world.client_for(world.other_agent)  # field team; the ticket is IT's

    for view in ("due", "breached"):
        assert ticket.number not in client.get("/desk/tickets/", {"view": view}).content.decode()
    assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 404


def test_the_ticket_page_shows_each_clock(world: World, policy: SlaPolicy) -> None:
    ticket = world.ticket()

    html = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert 'data-testid="sla-clocks"' in html
    assert "First response" in html and "Resolution" in html


def test_the_portal_shows_the_expected_resolution_and_no_sla_internals(
    world: World, policy: SlaPolicy
) -> None:
    ticket = world.ticket()
    sweep(now=timezone.now() + timedelta(hours=5))  # breach entries are internal
    client = world.client_for(world.customer)

    html = client.get(f"/portal/tickets/{ticket.number}/").content.decode()

    assert 'data-testid="expected-resolution"' in html
    # (a word match: a random CSRF token may contain the letters "SLA")
    assert not re.search(r"\bSLA\b", html) and "breached" not in html.lower()
    other = world.client_for(world.other_customer)
    assert other.get(f"/portal/tickets/{ticket.number}/").status_code == 404


def test_api_timeline_hides_sla_entries_from_customers(
    world: World, policy: SlaPolicy, api: Any
) -> None:
    ticket = world.ticket()
    sweep(now=timezone.now() + timedelta(hours=5))

    staff = api.as_(world.agent).get(f"/tickets/{ticket.number}/timeline").json()["items"]
    customer = api.as_(world.customer).get(f"/tickets/{ticket.number}/timeline").json()["items"]

    assert any(e["kind"] == "sla.breached" for e in staff)
    assert not any(e["kind"].startswith("sla.") for e in customer)
