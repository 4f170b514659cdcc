"""Workspace pages: availability switch, take next, the load page, the preview page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gongdan.accounts.models import AgentProfile
from gongdan.testing import World
from gongdan.tickets.models import Ticket
from tests.assignment.conftest import agent


def test_the_nav_switch_shows_and_changes_my_availability(world: World) -> None:
    client = world.client_for(world.agent)
    world.ticket(by=world.supervisor, assignee=world.agent, priority="high")
    url = reverse("assignment:availability")

    shown = client.get(url, headers={"HX-Request": "true"})
    switched = client.post(url, {"availability": "online"}, headers={"HX-Request": "true"})
    bad = client.post(url, {"availability": "asleep"}, headers={"HX-Request": "true"})

    assert shown.status_code == 200
    assert 'value="offline" selected' in shown.content.decode()
    assert "Load 2/10" in shown.content.decode()
    assert 'value="online" selected' in switched.content.decode()
    assert bad.status_code == 422
    assert AgentProfile.objects.get(user=world.agent).availability == "online"


def test_the_workspace_nav_loads_the_switch(world: World) -> None:
    page = world.client_for(world.agent).get(reverse("tickets:list"))

    html = page.content.decode()
    assert 'hx-get="/desk/assignment/availability/"' in html
    assert 'data-testid="take-next"' in html


def test_take_next_button_opens_the_taken_ticket(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.agent)

    taken = client.post(reverse("assignment:take_next"))
    empty = client.post(reverse("assignment:take_next"), follow=True)

    assert taken.status_code == 302
    assert taken["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert Ticket.objects.get(pk=ticket.pk).assignee == world.agent
    assert "No unassigned ticket in your teams is waiting for you." in empty.content.decode()


def test_take_next_for_another_team_changes_nothing(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.other_agent).post(
        reverse("assignment:take_next"), {"team": world.it_team.pk}, follow=True
    )

    assert "Team not found." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_customers_get_no_assignment_pages(world: World) -> None:
    client = world.client_for(world.customer)
    ticket = world.ticket()

    statuses = [
        client.get(reverse("assignment:agents")).status_code,
        client.get(reverse("assignment:availability")).status_code,
        client.post(reverse("assignment:take_next")).status_code,
        client.get(reverse("assignment:preview", args=[ticket.number])).status_code,
    ]

    assert statuses == [403, 403, 403, 403]
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_the_load_page_lists_a_leads_team_in_constant_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    lead = agent("lead", world.it_team)
    world.it_team.lead = lead
    world.it_team.save()
    others = [agent(f"m{i}", world.it_team) for i in range(5)]
    for user in others:
        world.ticket(by=world.supervisor, assignee=user, priority="urgent")
    agent("stranger", world.field_team)
    client = world.client_for(lead)
    client.get(reverse("assignment:agents"))  # warm the session

    # session, user, the members of the led teams (edit links), the agents with their load,
    # the led teams with their settings
    with django_assert_num_queries(5):
        page = client.get(reverse("assignment:agents"))

    html = page.content.decode()
    assert html.count("<tr>") == 1 + 7 + 1 + 1  # agents: header + 7; teams: header + IT
    assert "4/10" in html
    assert "stranger" not in html


@pytest.mark.parametrize("extra", [0, 6])
def test_the_preview_page_explains_the_choice_in_constant_queries(
    world: World, extra: int, django_assert_num_queries: Any
) -> None:
    ticket = world.ticket()
    agent("idle", world.it_team)
    for i in range(extra):
        agent(f"busy{i}", world.it_team, capacity=0)
    client = world.client_for(world.agent)
    url = reverse("assignment:preview", args=[ticket.number])
    client.get(url)

    # session, user, ticket, visibility, team membership, the team's state (data version, loads,
    # availability; the candidates come from the cache of that version), cursor
    with django_assert_num_queries(7):
        page = client.get(url)

    html = page.content.decode()
    assert "Smart assignment would choose idle." in html
    assert "agent: offline" in html
    assert "Workload 5.00" in html


def test_another_teams_agent_cannot_preview(world: World) -> None:
    ticket = world.ticket()

    page = world.client_for(world.other_agent).get(
        reverse("assignment:preview", args=[ticket.number])
    )

    assert page.status_code == 404


def test_a_lead_switches_automatic_assignment_for_the_team(world: World) -> None:
    from gongdan.assignment.models import TeamAssignment

    lead = agent("lead", world.it_team)
    world.it_team.lead = lead
    world.it_team.save()
    url = reverse("assignment:team_settings", args=[world.it_team.pk])

    response = world.client_for(lead).post(
        url, {"auto_assign": "on", "on_unavailable": "redistribute"}
    )
    ticket = world.ticket()

    row = TeamAssignment.objects.get(team=world.it_team)
    assert response.status_code == 302
    assert (row.auto_assign, row.on_unavailable) == (True, "redistribute")
    assert ticket.assignee == lead


def test_an_agent_cannot_change_team_settings(world: World) -> None:
    from gongdan.assignment.models import TeamAssignment

    url = reverse("assignment:team_settings", args=[world.it_team.pk])

    response = world.client_for(world.agent).post(url, {"auto_assign": "on"})
    page = world.client_for(world.agent).get(reverse("assignment:agents"))

    assert response.status_code == 404
    assert not TeamAssignment.objects.exists()
    assert 'data-testid="team-settings"' not in page.content.decode()


def test_the_ticket_page_explains_the_automatic_choice_to_staff_only(world: World) -> None:
    from tests.assignment.conftest import auto

    auto(world.it_team)
    agent("idle", world.it_team)
    ticket = world.ticket()

    staff = world.client_for(world.agent).get(reverse("tickets:detail", args=[ticket.number]))
    portal = world.client_for(world.customer).get(reverse("portal:detail", args=[ticket.number]))

    assert "smart assignment chose idle (rule: the team&#x27;s default" in staff.content.decode()
    assert "smart assignment" not in portal.content.decode()


def test_the_switch_without_htmx_goes_back_only_to_this_site(world: World) -> None:
    client = world.client_for(world.agent)
    url = reverse("assignment:availability")

    local = client.post(url, {"availability": "away"}, headers={"Referer": "/desk/tickets/?x=1"})
    foreign = client.post(
        url, {"availability": "online"}, headers={"Referer": "https://evil.test/"}
    )

    assert local["Location"] == "/desk/tickets/?x=1"
    assert foreign["Location"] == reverse("tickets:list")
    assert AgentProfile.objects.get(user=world.agent).availability == "online"
